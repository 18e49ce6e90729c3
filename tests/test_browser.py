"""What a reader sees, in a real Chromium: phone first, keyboard included, checked with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}
PHONE = {"width": 360, "height": 740}


def no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reader_on_a_phone_follows_the_timeline_to_an_event_and_its_sources(page: Page, served_site, tmp_path):
    page.set_viewport_size(PHONE)
    page.goto(served_site)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert no_sideways_scrolling(page)
    first = page.locator("ol.entries .entry-title a").first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/events/[a-z0-9-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    assert page.locator("section.sources ol li").count() >= 1
    assert no_sideways_scrolling(page)
    page.screenshot(path=tmp_path / "event-phone.png", full_page=True)


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(page: Page, served_site):
    page.goto(served_site)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_month_navigation_jumps_to_the_month(page: Page, served_site):
    page.goto(served_site)
    link = page.get_by_role("navigation", name="Years and months").get_by_role("link", name="January 2024")
    link.click()
    expect(page).to_have_url(re.compile(r"#y2024-01$"))
    expect(page.locator("#y2024-01")).to_be_in_viewport()


@pytest.mark.parametrize("path", ["", "events/2024-01-09-tc-television-studio-takeover/", "actors/",
                                  "actors/daniel-noboa/", "topics/", "places/", "sources/", "about/", "404.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_wcag_violations(page: Page, served_site, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(served_site + path)
    violations = Axe().run(page, options=WCAG).response["violations"]
    assert {v["id"]: [n["target"] for n in v["nodes"]][:3] for v in violations} == {}
