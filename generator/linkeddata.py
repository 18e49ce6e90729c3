"""Describes pages to search engines and link previews as schema.org JSON-LD (plain dicts; render escapes them)."""

from __future__ import annotations

from typing import Any

from . import markup
from .model import Actor, Site, Source
from .timeline import Entry

CONTEXT = "https://schema.org"
PERSON_KINDS = {"person"}  # every other kind of actor (gangs, ministries, countries...) acts as an organisation


def website(site: Site, site_url: str) -> dict[str, Any]:
    """The home page: the site itself, and how to search it."""
    return {
        "@context": CONTEXT, "@type": "WebSite", "@id": site_url + "#website",
        "name": site.title, "description": site.description, "url": site_url, "inLanguage": site.language,
        "potentialAction": {"@type": "SearchAction", "target": site_url + "search/?q={search_term_string}",
                            "query-input": "required name=search_term_string"},
    }


def event(entry: Entry, site_url: str, language: str) -> dict[str, Any]:
    """An event page: the event, where it happened, who took part, and the reporting it rests on.
    Dates keep their precision ("2024-01" stays a month), as ISO 8601 allows. `site_url` is the
    home of the page's edition, and `language` the language of its text."""
    happening, place = entry.event, entry.place
    page = f"{site_url}events/{happening.id}/"
    data: dict[str, Any] = {
        "@context": CONTEXT, "@type": "Event", "@id": page + "#event",
        "name": happening.title, "description": markup.plain_text(happening.summary),
        "url": page, "inLanguage": language, "startDate": happening.date.iso,
    }
    if happening.end_date:
        data["endDate"] = happening.end_date.iso
    if place:
        location: dict[str, Any] = {"@type": "Place", "name": place.name, "url": f"{site_url}places/{place.id}/"}
        if place.province:
            location["address"] = {"@type": "PostalAddress", "addressRegion": place.province}
        if place.latitude is not None and place.longitude is not None:
            location["geo"] = {"@type": "GeoCoordinates", "latitude": place.latitude, "longitude": place.longitude}
        data["location"] = location
    if entry.actors:
        data["about"] = [_actor_reference(actor, site_url) for actor in entry.actors]
    if entry.topics:
        data["keywords"] = ", ".join(topic.name for topic in entry.topics)
    data["citation"] = [news_article(source) for source, _ in entry.sources]
    return data


def actor(subject: Actor, site_url: str) -> dict[str, Any]:
    """An actor page: the person or organisation, under every name the sources use."""
    reference = _actor_reference(subject, site_url)
    data = {"@context": CONTEXT, **reference, "@id": reference["url"] + "#actor"}
    if subject.aliases:
        data["alternateName"] = list(subject.aliases)
    description = markup.plain_text(subject.summary) if subject.summary else subject.role
    if description:
        data["description"] = description
    if subject.role and subject.kind in PERSON_KINDS:
        data["jobTitle"] = subject.role
    return data


def news_article(source: Source) -> dict[str, Any]:
    """A cited source. Its address is given only when the source record has one: never guessed."""
    article: dict[str, Any] = {"@type": "NewsArticle", "headline": source.title,
                               "publisher": {"@type": "Organization", "name": source.publisher},
                               "datePublished": source.published.iso}
    if source.author:
        article["author"] = {"@type": "Person", "name": source.author}
    if source.language:
        article["inLanguage"] = source.language
    if source.url:
        article["url"] = source.url
    if source.archived_url:
        article["archivedAt"] = source.archived_url
    return article


def _actor_reference(subject: Actor, site_url: str) -> dict[str, Any]:
    kind = "Person" if subject.kind in PERSON_KINDS else "Organization"
    return {"@type": kind, "name": subject.name, "url": f"{site_url}actors/{subject.id}/"}
