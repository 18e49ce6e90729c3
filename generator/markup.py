"""Turns editors' Markdown into safe HTML: raw HTML is shown as text, and the result is sanitised."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "br", "hr",
                "h2", "h3", "h4", "abbr", "sup", "sub", "q", "cite", "del", "table", "thead", "tbody",
                "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}


class _NoRawHtml(markdown.Extension):
    """Editors write Markdown, not HTML: angle brackets stay visible text instead of becoming tags."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


_converter = markdown.Markdown(extensions=[_NoRawHtml(), "sane_lists", "tables"], output_format="html")


def _keep_safe_links(element: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        # nh3 already drops unknown schemes; also drop protocol-relative and backslash tricks,
        # which browsers resolve to another host.
        if value.startswith(("//", "\\", "/\\")) or "\\" in value.split("?")[0]:
            return None
    return value


def convert(text: str) -> str:
    """Markdown to sanitised HTML, worked out afresh (to_html remembers the results)."""
    _converter.reset()
    rendered = _converter.convert(text)
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_keep_safe_links, link_rel="noopener noreferrer")


def convert_all(texts: list[str]) -> list[str]:
    return [convert(text) for text in texts]


_rendered: dict[str, str] = {}  # text -> HTML, filled by remember() from the build cache


def remember(rendered: dict[str, str]) -> None:
    """Texts already converted (by an earlier build, or by other processes): to_html reuses them."""
    _rendered.update(rendered)


@lru_cache(maxsize=None)
def to_html(text: str) -> str:
    """Markdown to sanitised HTML; cached, because one summary appears on several pages."""
    known = _rendered.get(text)
    return known if known is not None else convert(text)


def first_paragraph(text: str) -> str:
    return re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]


def excerpt(text: str, words: int = 45) -> str:
    """A short plain-text teaser for lists of events: the first paragraph, cut at a sentence
    end once it passes `words` words (the whole summary is on the event's page)."""
    first = plain_text(first_paragraph(text))
    tokens = first.split()
    if len(tokens) <= words:
        return first
    sentence_ends = [i + 1 for i, token in enumerate(tokens[:words])
                     if i + 1 >= words // 2 and token.endswith((".", "!", "?", '."', '?"'))]
    if sentence_ends:
        return " ".join(tokens[:sentence_ends[-1]])
    return " ".join(tokens[:words]).rstrip(",;:") + "…"


@lru_cache(maxsize=None)
def plain_text(text: str) -> str:
    """The words of a Markdown text without markup, on one line, for descriptions, feeds and data;
    cached, because each page's description is used three times and again in its JSON-LD."""
    return " ".join(html.unescape(nh3.clean(to_html(text), tags=set())).split())
