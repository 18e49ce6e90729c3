// Runs the search page: asks Pagefind's index for the words in the address (?q=) and, as the
// reader types, for what is in the box; results are plain links, reachable with Tab.
const form = document.querySelector(".search-page-form");
const input = form.querySelector("input[name=q]");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const SHOWN = 20;
document.querySelector(".search-fallback").hidden = true;  // shown only to browsers without JavaScript
let pagefind = null;
let latest = 0;
const plural = new Intl.PluralRules(document.documentElement.lang || "en");

// The page gives every message in its language (data-… on the form), with {name} to fill in.
function say(name, values = {}) {
  const text = form.dataset[name] || "";
  return text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));
}

async function engine() {
  if (!pagefind) {
    pagefind = await import(form.dataset.bundle);
    // Result addresses start from the site's base path, so search works under a sub-path too.
    await pagefind.options({ baseUrl: form.dataset.base });
    await pagefind.init();
    // A large site's index is in parts; each part's results need the same base path.
    const merged = (form.dataset.merged || "").split(" ").filter(Boolean);
    await Promise.all(merged.map((folder) => pagefind.mergeIndex(folder, { baseUrl: form.dataset.base })));
  }
  return pagefind;
}

// Pagefind's excerpts are escaped text with <mark> around the matches; rebuild them from text
// nodes so that nothing else in an excerpt can become markup.
function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(excerpt, "text/html").body;
  return Array.from(parsed.childNodes, (node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

function resultItem(result) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  heading.append(link);
  const about = document.createElement("p");
  about.className = "search-kind";
  about.textContent = [result.meta.kind, result.meta.date].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(result.excerpt || ""));
  item.append(heading, about, excerpt);
  return item;
}

function remember(query) {
  const params = new URLSearchParams(window.location.search);
  if (query) params.set("q", query); else params.delete("q");
  const search = params.toString();
  window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
}

async function run(query) {
  const ticket = ++latest;
  const words = query.trim();
  remember(words);
  if (!words) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = say("searching");
  try {
    const found = await (await engine()).search(words);
    const results = await Promise.all(found.results.slice(0, SHOWN).map((result) => result.data()));
    if (ticket !== latest) return;  // the reader has typed on; a later search will answer
    list.replaceChildren(...results.map(resultItem));
    const count = found.results.length;
    const counted = plural.select(count) === "one" ? "one" : "other";
    status.textContent = count === 0 ? say("none", { words })
      : say(counted, { count, words }) + (count > SHOWN ? say("more", { shown: SHOWN }) : ".");
  } catch (error) {
    if (ticket !== latest) return;
    status.textContent = say("failed");
    throw error;
  }
}

let pause = 0;
input.addEventListener("input", () => {
  window.clearTimeout(pause);
  pause = window.setTimeout(() => run(input.value), 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(pause);
  run(input.value);
});

const initial = new URLSearchParams(window.location.search).get("q") || "";
input.value = initial;
if (initial) run(initial); else input.focus();
