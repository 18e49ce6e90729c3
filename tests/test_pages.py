from generator.build import check
from generator.editions import editions
from generator.pages import plan_site


def test_the_plan_has_every_page_type_at_its_address(content):
    graph, _ = check(content)
    plan = {output.path: output for output in plan_site(editions(graph))}
    expected = {
        "index.html", "events/2024-01-09-tc-television-takeover/index.html",
        "events/2024-01-internal-armed-conflict/index.html", "events/2024-01-17-prosecutor-killed/index.html",
        "actors/index.html", "actors/daniel-noboa/index.html", "actors/tc-television/index.html",
        "topics/index.html", "topics/attacks-on-media/index.html", "places/index.html",
        "places/guayaquil/index.html", "places/ecuador/index.html", "sources/index.html", "about/index.html", "404.html", "feed.xml", "changes/index.html", "changes/feed.xml",
        "sitemap.xml", "robots.txt", "data/events.json", "data/events.csv", "search/index.html",
        "data/index.html", "data/events.schema.json", "data/events.ics", "data/figures.json",
    }
    assert set(plan) == expected
    assert plan["events/2024-01-17-prosecutor-killed/index.html"].url == "events/2024-01-17-prosecutor-killed/"


def test_event_pages_know_their_neighbours_and_lists_are_in_date_order(content):
    graph, _ = check(content)
    plan = {output.path: output for output in plan_site(editions(graph))}
    middle = plan["events/2024-01-17-prosecutor-killed/index.html"].context
    assert middle["before"].id == "2024-01-09-tc-television-takeover"
    assert middle["after"].id == "2024-01-internal-armed-conflict"
    actor = plan["actors/daniel-noboa/index.html"].context
    assert [e.id for e in actor["entries"]] == ["2024-01-17-prosecutor-killed", "2024-01-internal-armed-conflict"]
    assert [s.id for s in actor["sources"]] == ["cnn-2024-01-25-terror"]


def test_the_sitemap_lists_pages_but_not_the_404_or_data(content):
    graph, _ = check(content)
    outputs = plan_site(editions(graph))
    sitemap = [page.url for page in next(o for o in outputs if o.path == "sitemap.xml").context["pages"]]
    assert "" in sitemap and "events/2024-01-17-prosecutor-killed/" in sitemap
    assert not {"404.html", "feed.xml", "data/events.csv"} & set(sitemap)
    assert len(sitemap) == len(set(sitemap))


def test_the_plan_is_the_same_every_time(content):
    graph, _ = check(content)
    assert [o.path for o in plan_site(editions(graph))] == [o.path for o in plan_site(editions(graph))]
