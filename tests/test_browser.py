"""What a reader sees, in a real Chromium: phone first, keyboard alone, both colour schemes, checked with axe.

Every test that takes `served_site` runs twice: against the site served at the root of its host,
and against the build for a sub-path (/ecuador-timeline/), as a project site is published. So no
test may assume the site starts at "/": addresses are built from `served_site`."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
TAKEOVER = "events/2024-01-09-tc-television-studio-takeover/"
PAGE_TYPES = {
    "timeline": "", "event": TAKEOVER, "actors": "actors/", "actor": "actors/daniel-noboa/",
    "topics": "topics/", "topic": "topics/prison-crisis/", "places": "places/", "place": "places/guayaquil/",
    "sources": "sources/", "page": "about/", "data": "data/", "search": "search/?q=prison", "404": "404.html",
    "changes": "changes/", "figures": "figures/",
}


def no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def press_tab_until(page: Page, selector: str, limit: int = 80) -> None:
    """Move focus with Tab alone until the element is focused, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def entry_data(page: Page, event_id: str, name: str) -> str:
    return page.get_attribute(f'[id="{event_id}"]', f"data-{name}")


def visible_entries(page: Page) -> list[str]:
    return page.eval_on_selector_all(".timeline .entry", "els => els.filter(e => e.offsetParent).map(e => e.id)")


def under(served_site: str, pattern: str = "") -> re.Pattern:
    """An address of the site: its own address (root or sub-path) followed by the pattern."""
    return re.compile(re.escape(served_site) + pattern)


# --- Every page type ------------------------------------------------------------------------

EDITIONS = {"en": "", "es": "es/"}  # the Spanish edition mirrors every page under es/


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("kind", PAGE_TYPES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_wcag_violations(page: Page, served_site, kind, scheme, edition):
    page.emulate_media(color_scheme=scheme)
    page.goto(served_site + EDITIONS[edition] + PAGE_TYPES[kind])
    assert page.get_attribute("html", "lang") == edition
    if kind == "search":
        expect(page.locator(".search-results li").first).to_be_visible(timeout=10_000)
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert {v["id"]: [n["target"] for n in v["nodes"]][:3] for v in violations} == {}


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_fits_a_phone_and_logs_no_errors(page: Page, served_site, console_errors, kind, edition):
    page.set_viewport_size(PHONE)
    response = page.goto(served_site + EDITIONS[edition] + PAGE_TYPES[kind])
    assert response.ok or kind == "404"
    page.wait_for_load_state("networkidle")
    assert no_sideways_scrolling(page)
    assert page.locator("h1").count() == 1
    assert console_errors == []


def test_the_narrowest_phone_scrolls_only_downwards(page: Page, served_site):
    page.set_viewport_size(SMALL_PHONE)
    for path in ("", TAKEOVER, "sources/"):
        page.goto(served_site + path)
        assert no_sideways_scrolling(page), path


def test_screenshots_of_the_home_and_an_event_page(page: Page, served_root_site, screenshots_dir):
    # The root build only: the sub-path build looks the same, and one set of files is enough to review.
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for label, path in (("home", ""), ("event", TAKEOVER), ("data", "data/")):
            page.goto(served_root_site + path)
            shot = screenshots_dir / f"{label}-{name}.png"
            page.screenshot(path=shot, full_page=label == "event")
            assert shot.stat().st_size > 10_000


# --- Reading on a phone -------------------------------------------------------------------------

def test_a_reader_on_a_phone_follows_the_timeline_to_an_event_and_its_sources(page: Page, served_site):
    page.set_viewport_size(PHONE)
    page.goto(served_site)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    first = page.locator("ol.entries .entry-title a").first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(under(served_site, r"events/[a-z0-9-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    assert page.locator("section.sources ol li").count() >= 1


def test_major_events_stand_out_and_dates_are_machine_readable(page: Page, served_site):
    page.goto(served_site)
    major = page.locator(".entry-major").first
    notable = page.locator(".entry-notable").first
    expect(major.locator(".badge")).to_have_text("Major event")
    size = "el => parseFloat(getComputedStyle(el.querySelector('.entry-title')).fontSize)"
    assert major.evaluate(size) > notable.evaluate(size)
    times = page.locator(".timeline time")
    assert times.count() >= page.locator(".timeline .entry").count()
    for value in times.evaluate_all("els => els.map(e => e.getAttribute('datetime'))"):
        assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value)


def test_the_overview_chart_leads_to_its_month(page: Page, served_site):
    page.goto(served_site)
    bar = page.locator(".overview-chart a[href='#y2024-01']")
    expect(bar).to_have_attribute("aria-label", re.compile(r"^January 2024: \d+ events$"))
    bar.click()
    expect(page).to_have_url(re.compile(r"#y2024-01$"))
    expect(page.locator("#y2024-01")).to_be_in_viewport()
    page.get_by_text("The numbers as a table").click()
    expect(page.get_by_role("table", name="Events per month")).to_be_visible()


def test_the_month_navigation_stays_in_reach_and_jumps_to_the_month(page: Page, served_site):
    page.set_viewport_size(PHONE)
    page.goto(served_site)
    nav = page.get_by_role("navigation", name="Years and months")
    nav.get_by_role("link", name="January 2024").click()
    expect(page).to_have_url(re.compile(r"#y2024-01$"))
    expect(page.locator("#y2024-01")).to_be_in_viewport()
    page.mouse.wheel(0, 3000)
    expect(nav).to_be_in_viewport()  # sticky: still there after scrolling on


def below_the_sticky_bar(page: Page, selector: str = ":focus") -> bool:
    """Whether the element is clear of the bar, once scrolling has settled (within a second)."""
    try:
        page.wait_for_function("""(selector) => {
            const bar = document.querySelector('.period-nav').getBoundingClientRect();
            const target = document.querySelector(selector).getBoundingClientRect();
            return target.top >= bar.bottom - 1 || target.bottom <= bar.top;
        }""", arg=selector, timeout=1000)
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_jumps_and_focus_are_never_hidden_under_the_sticky_bar(page: Page, served_site, viewport):
    page.set_viewport_size(viewport)
    page.goto(served_site)
    page.get_by_role("navigation", name="Years and months").get_by_role("link", name="April 2024").click()
    assert below_the_sticky_bar(page, "#y2024-04")
    page.goto(served_site + TAKEOVER)
    page.get_by_role("link", name="Back to this event on the timeline").click()
    assert below_the_sticky_bar(page, "[id='2024-01-09-tc-television-studio-takeover']")
    page.keyboard.press("End")
    for _ in range(60):  # backwards through the timeline, as far as the bar itself
        page.keyboard.press("Shift+Tab")
        if page.evaluate("!document.activeElement.closest('.timeline')"):
            break
        assert below_the_sticky_bar(page), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")


# --- Keyboard ----------------------------------------------------------------------------------

def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(page: Page, served_site):
    for path in ("", TAKEOVER, "sources/"):  # (the search page puts the cursor in its box instead)
        page.goto(served_site + path)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        expect(skip).to_be_visible()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()


def test_focus_is_always_visible(page: Page, served_site):
    page.goto(served_site)
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")


def test_filters_work_by_keyboard_alone_and_live_in_the_address(page: Page, served_site, console_errors):
    page.set_viewport_size(DESKTOP)
    page.goto(served_site)
    everything = visible_entries(page)
    press_tab_until(page, "#filter-actor")
    page.keyboard.press("ArrowDown")  # the first actor in the list
    chosen = page.eval_on_selector("#filter-actor", "s => s.value")
    assert chosen
    assert page.url.startswith(served_site + "?")  # still the timeline's address, under the sub-path too
    assert parse_qs(urlsplit(page.url).query) == {"actor": [chosen]}
    shown = visible_entries(page)
    assert 0 < len(shown) < len(everything)
    for event_id in shown:
        assert chosen in entry_data(page, event_id, "actors").split()
    expect(page.locator(".filter-status")).to_have_text(re.compile(rf"^Showing {len(shown)} of {len(everything)} events"))

    press_tab_until(page, "#filter-year")
    page.keyboard.press("ArrowDown")
    year = page.eval_on_selector("#filter-year", "s => s.value")
    assert parse_qs(urlsplit(page.url).query) == {"actor": [chosen], "year": [year]}
    assert all(entry_data(page, i, "year") == year for i in visible_entries(page))

    shared = page.url  # a bookmarked or shared filtered view opens filtered
    page.goto(shared)
    assert page.eval_on_selector("#filter-actor", "s => s.value") == chosen
    assert visible_entries(page) == [i for i in shown if entry_data(page, i, "year") == year]

    press_tab_until(page, ".filters button[type=reset]")
    page.keyboard.press("Enter")
    expect(page.locator(".filter-status")).to_have_text(f"Showing all {len(everything)} events.")
    expect(page.locator("#filter-actor")).to_be_focused()  # not thrown back to the top of the page
    assert visible_entries(page) == everything
    assert page.url == served_site
    assert console_errors == []


def test_filters_hide_empty_months_and_their_navigation(page: Page, served_site):
    page.goto(served_site + "?year=2025")
    expect(page.locator("#y2024")).to_be_hidden()
    assert page.url == served_site + "?year=2025"  # the filters kept the address as it was
    expect(page.locator("#y2025")).to_be_visible()
    nav = page.get_by_role("navigation", name="Years and months")
    expect(nav.get_by_role("link", name="January 2024")).to_be_hidden()
    expect(nav.get_by_role("link", name="2025", exact=True)).to_be_visible()


def test_a_filter_that_matches_nothing_says_so(page: Page, served_site):
    page.goto(served_site + "?actor=daniel-noboa&year=2009")
    expect(page.locator(".filter-status")).to_contain_text("No events match Daniel Noboa, 2009")
    assert visible_entries(page) == []


def test_without_javascript_the_filters_stay_hidden_and_every_event_is_listed(browser, served_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + "?actor=daniel-noboa")
    expect(page.locator("#filters")).to_be_hidden()
    assert len(visible_entries(page)) == page.locator(".timeline .entry").count() > 30
    page.goto(served_site + "search/")
    expect(page.get_by_text("Search needs JavaScript")).to_be_visible()
    context.close()


def test_search_from_the_header_by_keyboard_alone(page: Page, served_site, console_errors):
    page.set_viewport_size(DESKTOP)
    page.goto(served_site + TAKEOVER)
    press_tab_until(page, "#site-search-query")
    page.keyboard.type("Fito")
    page.keyboard.press("Enter")
    expect(page).to_have_url(under(served_site, r"search/\?q=Fito$"))
    results = page.locator(".search-results li")
    expect(results.first).to_be_visible(timeout=10_000)
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ results? for “Fito”"))
    expect(results.first.locator("mark").first).to_have_text(re.compile("Fito", re.I))
    site_path = urlsplit(served_site).path  # "/" or "/ecuador-timeline/": results lead into the site
    assert all(href.startswith(site_path) for href in page.locator(".search-results a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"))
    press_tab_until(page, ".search-results a")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page).to_have_url(under(served_site, r"(events|actors|topics|places)/[a-z0-9-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"  # the CSS loaded
    assert console_errors == []


def test_search_on_a_phone_finds_actors_and_topics_as_the_reader_types(page: Page, served_site):
    page.set_viewport_size(PHONE)
    page.goto(served_site)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
    box = page.get_by_label("Search events, actors, topics and places")
    expect(box).to_be_focused()
    page.keyboard.type("Noboa")
    expect(page.locator(".search-results .search-kind", has_text="Actor").first).to_be_visible(timeout=10_000)
    assert page.url == served_site + "search/?q=Noboa"
    box.fill("zzzqqq")
    expect(page.locator(".search-status")).to_have_text("No results for “zzzqqq”.", timeout=10_000)


# --- Citing ------------------------------------------------------------------------------------

def test_a_reader_copies_an_events_citation_by_keyboard(page: Page, served_site, console_errors):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(PHONE)
    page.goto(served_site + TAKEOVER)
    citation = page.locator("#citation")
    expect(citation).to_contain_text("https://example.org/")
    expect(citation).to_contain_text(TAKEOVER)
    press_tab_until(page, ".copy-button")
    page.keyboard.press("Enter")
    expect(page.locator(".copy-status")).to_have_text("Citation copied.")
    assert page.evaluate("navigator.clipboard.readText()") == citation.inner_text().strip()
    assert no_sideways_scrolling(page)  # the long permanent address wraps
    assert console_errors == []


def test_without_javascript_the_citation_is_there_and_the_copy_button_is_not(browser, served_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + TAKEOVER)
    expect(page.locator("#citation")).to_be_visible()
    expect(page.locator(".copy-button")).to_be_hidden()
    context.close()


# --- Print -------------------------------------------------------------------------------------

def test_print_shows_the_timeline_and_source_addresses_without_the_controls(page: Page, served_site):
    page.emulate_media(media="print")
    page.goto(served_site)
    for chrome in (".period-nav", "#filters", ".site-nav", ".site-search"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator(".timeline .entry").first).to_be_visible()
    printed = "a => getComputedStyle(a, '::after').content"
    on_timeline = page.locator(".timeline .entry-sources a[href^='http']").first
    assert on_timeline.get_attribute("href") in on_timeline.evaluate(printed)
    page.goto(served_site + TAKEOVER)
    external = page.locator(".sources a[href^='http']").first
    assert external.get_attribute("href") in external.evaluate(printed)


# --- Both languages -----------------------------------------------------------------------------

def test_the_language_switch_lands_on_the_same_record_and_back(page: Page, served_site, console_errors):
    page.set_viewport_size(PHONE)
    page.goto(served_site + TAKEOVER)
    english_title = page.get_by_role("heading", level=1).text_content()
    switch = page.get_by_role("navigation", name="Language")
    expect(switch.get_by_text("English")).to_have_attribute("aria-current", "true")
    switch.get_by_role("link", name="español").click()
    expect(page).to_have_url(served_site + "es/" + TAKEOVER)
    assert page.get_attribute("html", "lang") == "es"
    spanish_title = page.get_by_role("heading", level=1).text_content()
    assert spanish_title.startswith("Hombres armados") and spanish_title != english_title
    expect(page.get_by_role("navigation", name="Sitio").get_by_role("link", name="Cronología")).to_be_visible()
    expect(page.locator(".event-date time").first).to_have_text("9 de enero de 2024")
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page).to_have_url(served_site + TAKEOVER)
    expect(page.get_by_role("heading", level=1)).to_have_text(english_title)
    assert console_errors == []


def test_spanish_search_finds_spanish_pages_and_answers_in_spanish(page: Page, served_site, console_errors):
    page.goto(served_site + "es/search/?q=cárcel")
    results = page.locator(".search-results li")
    expect(results.first).to_be_visible(timeout=10_000)
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^\d+ resultados? para “cárcel”"))
    hrefs = page.locator(".search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(href.startswith(urlsplit(served_site).path + "es/") for href in hrefs)
    page.get_by_label("Buscar hechos, actores, temas y lugares").fill("zzzqqq")
    expect(page.locator(".search-status")).to_have_text("No hay resultados para “zzzqqq”.", timeout=10_000)
    assert console_errors == []


def search_results(page: Page, address: str) -> tuple[int, list[str]]:
    """A search's number of results (as the page says it) and the addresses of those it shows,
    below the site's base path."""
    page.goto(address)
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"^(\d+ |No )"), timeout=10_000)
    count = int(re.match(r"\d+|No", status.text_content()).group().replace("No", "0"))
    base = urlsplit(address).path.split("search/")[0].removesuffix("es/")
    hrefs = page.locator(".search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return count, [href.removeprefix(base) for href in hrefs]


@pytest.mark.parametrize("edition, words", [("", "Fito"), ("", "Noboa"), ("", "curfew"), ("es/", "cárcel"),
                                            ("", "zzzqqq")])
def test_an_index_in_parts_finds_what_one_index_finds(page: Page, served_root_site, served_sub_path_site,
                                                       edition, words):
    """The sub-path site's index is cut into eight parts that the search page merges; the root
    site's is one. A reader gets the same results from both, each leading into its own site."""
    whole = search_results(page, f"{served_root_site}{edition}search/?q={words}")
    parts = search_results(page, f"{served_sub_path_site}{edition}search/?q={words}")
    assert parts[0] == whole[0]
    if whole[0] <= 20:  # all of them shown: the same pages (in an order each index's scores give)
        assert sorted(parts[1]) == sorted(whole[1]) and len(whole[1]) == whole[0]
    else:  # the first twenty of each, by scores counted in one index or in a part
        assert len(parts[1]) == len(whole[1]) == 20
    assert (whole[0] == 0) == (words == "zzzqqq")


def test_spanish_filters_speak_spanish(page: Page, served_site):
    page.goto(served_site + "es/?topic=prison-crisis")
    expect(page.locator(".filter-status")).to_have_text(re.compile(r"^Se muestran \d+ de \d+ hechos: Crisis carcelaria\.$"))


# --- Provenance -----------------------------------------------------------------------------------

def test_a_citation_mark_names_its_source_and_leads_to_it(page: Page, served_site):
    page.set_viewport_size(PHONE)
    page.goto(served_site + TAKEOVER)
    marks = page.locator(".prose .cite-mark a")
    assert marks.count() >= 4
    first = marks.first
    expect(first).to_have_accessible_name(re.compile(r"^Source 1: \S"))
    first.click()
    expect(page).to_have_url(re.compile(r"#source-1$"))
    target = page.locator("#source-1")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text(first.get_attribute("aria-label").split(": ", 1)[1])
    provenance = page.locator(".provenance")
    expect(provenance).to_contain_text(re.compile(r"Confirmed:? ?\d+ sources, \d+ independent"))


def test_the_status_filter_shows_only_events_of_that_status(page: Page, served_site):
    page.goto(served_site)
    page.get_by_label("Sourcing").select_option("disputed")
    assert page.url.endswith("?status=disputed")
    shown = visible_entries(page)
    assert shown and all(entry_data(page, event_id, "status") == "disputed" for event_id in shown)
    for event_id in shown:
        expect(page.locator(f"[id='{event_id}'] .badge-disputed")).to_have_text("Disputed")
    page.get_by_label("Sourcing").select_option("single-source")
    single = visible_entries(page)
    assert len(single) > len(shown)
    expect(page.locator(".filter-status")).to_contain_text(f"Showing {len(single)} of")


def test_a_reader_on_a_phone_reads_a_figure_and_follows_the_map_to_a_place(page: Page, served_site):
    """The chart is drawn and sized for the phone, its table says each value with its source; a
    circle on the map is a link a reader taps to reach its place, where that place stands out."""
    page.set_viewport_size(PHONE)
    page.goto(served_site + "topics/violence-and-homicide-figures/")
    chart = page.get_by_role("img", name=re.compile(r"^Homicide rate"))
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 100
    row = page.locator("#figure-homicide-rate tbody tr", has_text="2023")
    expect(row).to_contain_text("47")
    expect(row.get_by_role("link", name="The Defense Post")).to_be_visible()
    bars = page.locator("#figure-homicide-rate .figure-bar")
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert widths[1] == max(widths) and widths[0] < widths[2] < widths[1]  # 6, 47, 38 drawn to scale
    page.goto(served_site + "places/")
    page.get_by_role("link", name=re.compile(r"^Riobamba: \d+ events?$")).click()
    expect(page).to_have_url(re.compile(r"/places/riobamba/$"))
    current = page.locator("svg.map a[aria-current='page'] circle")
    expect(current).to_have_class("map-point map-current")
    assert no_sideways_scrolling(page)
