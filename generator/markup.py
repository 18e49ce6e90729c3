"""Turns editors' Markdown into safe HTML: raw HTML is shown as text, and the result is sanitised."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from xml.etree import ElementTree

import markdown
import markdown.inlinepatterns
import nh3

ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "br", "hr",
                "h2", "h3", "h4", "abbr", "sup", "sub", "q", "cite", "del", "table", "thead", "tbody",
                "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set(),
                      "sup": {"data-cite"},  # editors cannot write HTML, so only _Citations makes data-cite
                      # a heading's anchor, written "## Heading {#anchor}", for links into a page
                      "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}
_ANCHOR = re.compile(r"[a-z][a-z0-9-]*")
URL_SCHEMES = {"http", "https", "mailto"}

_SOURCE_KEY = r"@[a-z0-9]+(?:-[a-z0-9]+)*"
CITATION = re.compile(rf"\[({_SOURCE_KEY}(?:\s*;\s*{_SOURCE_KEY})*)\](?![(\[])")
"""Pandoc's citation syntax, the part editors use: [@source-id] or [@a; @b]."""
_CITATION_LIKE = re.compile(r"\[\s*@[^\]\n]*\](?![(\[])")  # what an editor meant as one, well formed or not
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_CITATION_MARK = re.compile(r'<sup data-cite="([a-z0-9 -]*)"></sup>')


@dataclass(frozen=True)
class Citing:
    """A citation written in a text: where it starts, and the source ids it names (empty when it is
    not well formed)."""
    offset: int
    written: str
    source_ids: tuple[str, ...]


def _source_ids(written: str) -> tuple[str, ...]:
    """The ids in a well-formed citation's brackets: "@a; @b" -> ("a", "b")."""
    return tuple(part.strip()[1:] for part in written.split(";"))


def citations_in(text: str) -> list[Citing]:
    """Every citation in a Markdown text, outside code spans, in order."""
    code = [match.span() for match in _CODE_SPAN.finditer(text)]
    found = []
    for match in _CITATION_LIKE.finditer(text):
        if any(start <= match.start() < end for start, end in code):
            continue
        wellformed = CITATION.fullmatch(match.group())
        ids = _source_ids(wellformed.group(1)) if wellformed else ()
        found.append(Citing(match.start(), match.group(), ids))
    return found


class _Citations(markdown.Extension):
    """[@a; @b] becomes an empty <sup data-cite="a b">, which link_citations fills in with numbers
    once it is known which record's sources they point to (the HTML is cached by text alone).
    The space (or line break) before a citation goes with it, so the mark sits against the word it follows."""

    class _Pattern(markdown.inlinepatterns.InlineProcessor):
        def handleMatch(self, match, data):
            element = ElementTree.Element("sup")
            element.set("data-cite", " ".join(_source_ids(match.group(1))))
            return element, match.start(0), match.end(0)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # above links (160) and references (170), which would read [@a] as a reference
        md.inlinePatterns.register(self._Pattern(r"\s*" + CITATION.pattern, md), "citation", 175)


def link_citations(html: str, link: Callable[[str], str]) -> str:
    """The citation marks in converted HTML, each filled in by `link` with the HTML for the
    source ids it names (a space-separated string)."""
    return _CITATION_MARK.sub(lambda match: link(match.group(1)), html) if "data-cite" in html else html


class _NoRawHtml(markdown.Extension):
    """Editors write Markdown, not HTML: angle brackets stay visible text instead of becoming tags."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


_converter = markdown.Markdown(extensions=[_NoRawHtml(), _Citations(), "attr_list", "sane_lists", "tables"],
                               output_format="html")


def _keep_safe_links(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id":  # prefixed, so that no anchor can take the name of one of the page's own elements
        return "section-" + value if _ANCHOR.fullmatch(value) else None
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
    first = _first_paragraph_text(text)
    tokens = first.split()
    if len(tokens) <= words:
        return first
    sentence_ends = [i + 1 for i, token in enumerate(tokens[:words])
                     if i + 1 >= words // 2 and token.endswith((".", "!", "?", '."', '?"'))]
    if sentence_ends:
        return " ".join(tokens[:sentence_ends[-1]])
    return " ".join(tokens[:words]).rstrip(",;:") + "…"


def _first_paragraph_text(text: str) -> str:
    """The words of a text's first paragraph. Where the text opens with a paragraph, it is cut
    from the text's HTML, which the event's page converts anyway (and where a reference link
    defined further down is a link); otherwise the first block is converted on its own."""
    html = to_html(text)
    if html.startswith("<p>"):
        return _plain_html(html[:html.find("</p>") + len("</p>")])
    return plain_text(first_paragraph(text))


_TAG = re.compile(r"<[^>]*>")
"""A tag as nh3 writes it: nh3 writes every '<' and '>' in text and in attributes' values as an entity."""


@lru_cache(maxsize=None)
def _plain_html(html_text: str) -> str:
    """The words of HTML that convert() made, on one line. Its tags are nh3's, so a pattern finds
    them. Parsing it again (nh3.clean without tags) took a third of the time of the CSV file and
    of the calendar, which need every summary's words, in whichever process renders them."""
    return " ".join(html.unescape(_TAG.sub("", html_text)).split())


@lru_cache(maxsize=None)
def plain_text(text: str) -> str:
    """The words of a Markdown text without markup, on one line, for descriptions, feeds and data;
    cached, because each page's description is used three times and again in its JSON-LD."""
    return _plain_html(to_html(text))
