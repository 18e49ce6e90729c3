// Filters the timeline by actor, topic, year and sourcing status without reloading; the choice
// lives in the URL (?actor=…&topic=…&year=…&status=…) so that a filtered view can be shared and
// bookmarked. Each select's data-filter names the entries' attribute it matches (data-actors, …).
// Without JavaScript the form stays hidden and every event remains on the page.
// It also keeps whatever is jumped to or focused clear of the sticky year-and-month bar.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var entries = Array.prototype.slice.call(document.querySelectorAll(".timeline .entry"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".timeline section"));
  var navLinks = Array.prototype.slice.call(document.querySelectorAll(".period-nav a[href^='#']"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var status = form.querySelector(".filter-status");
  var reset = form.querySelector("button[type=reset]");

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = params.get(select.name) || "";
      var known = Array.prototype.some.call(select.options, function (option) { return option.value === wanted; });
      select.value = known ? wanted : "";
    });
  }

  function writeAddress() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      if (select.value) params.set(select.name, select.value); else params.delete(select.name);
    });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  // The page gives the messages in its language, with {shown}, {total} and {chosen} to fill in.
  function say(name, values) {
    status.textContent = form.getAttribute("data-" + name).replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function chosenLabels(active) {
    return active.map(function (select) {
      return select.options[select.selectedIndex].text.replace(/ \(\d+\)$/, "");
    }).join(", ");
  }

  function apply() {
    var active = selects.filter(function (select) { return select.value; });
    var shown = 0;
    entries.forEach(function (entry) {
      var match = active.every(function (select) {
        var values = (entry.getAttribute("data-" + select.getAttribute("data-filter")) || "").split(" ");
        return values.indexOf(select.value) !== -1;
      });
      entry.hidden = !match;
      if (match) shown += 1;
    });
    // Sections deepest first, so that a year is hidden only when all its months are.
    sections.slice().reverse().forEach(function (section) {
      section.hidden = !section.querySelector(".entry:not([hidden])");
    });
    navLinks.forEach(function (link) {
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var section = target && target.closest("section");
      link.parentElement.hidden = Boolean(section && section.hidden);
    });
    reset.hidden = !active.length;  // nothing to undo yet
    if (!active.length) {
      say("all", { total: entries.length });
    } else if (shown) {
      say("some", { shown: shown, total: entries.length, chosen: chosenLabels(active) });
    } else {
      say("none", { chosen: chosenLabels(active) });
    }
  }

  // Keep what is scrolled to (a month, an event, a focused link) clear of the sticky month bar.
  var bar = document.querySelector(".period-nav");
  function clearStickyBar() {
    if (bar) document.documentElement.style.scrollPaddingTop = (bar.offsetHeight + 12) + "px";
  }
  window.addEventListener("resize", clearStickyBar);
  // Browsers do not scroll a focused link that is on screen but under the bar (Shift+Tab upwards).
  document.addEventListener("focusin", function (event) {
    if (!bar || !event.target.closest(".timeline")) return;
    function uncover() {
      var overlap = bar.getBoundingClientRect().bottom - event.target.getBoundingClientRect().top;
      if (overlap > 0 && document.activeElement === event.target) window.scrollBy(0, -(overlap + 8));
    }
    // After the browser's own scrolling to the focus, which may come a frame or two later.
    window.requestAnimationFrame(uncover);
    window.setTimeout(uncover, 120);
  });

  form.addEventListener("change", function () { apply(); writeAddress(); clearStickyBar(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () {  // after the browser has reset the fields
      apply();
      writeAddress();
      clearStickyBar();
      selects[0].focus();  // the button has gone; keep the keyboard user here, not at the top
    }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("popstate", function () { readAddress(); apply(); });

  readAddress();
  apply();
  form.hidden = false;
  clearStickyBar();
})();
