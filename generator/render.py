"""Renders the site plan into bytes: HTML and XML through Jinja2 (autoescaped), JSON and CSV directly."""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import babel
import babel.numbers
import babel.messages.mofile
import babel.messages.pofile
import babel.support
import jinja2
import jinja2.ext
import jinja2.lexer
from dateutil import tz
from markupsafe import Markup, escape

from . import cache, linkeddata, markup, opendata
from .dates import PartialDate, month_name
from .editions import Edition
from .model import language_name
from .pages import QUALIFIER_WORDS, SOURCE_KIND_LABELS, STATUS_LABELS, Output
from .timeline import Entry, Timeline


LOCALES_DIR = cache.LOCALES_DIR


class Renderer:
    """Renders one planned output at a time, so that a build can stream files to disk (or share
    the work between processes) instead of holding the whole site in memory. Each edition has its
    own Jinja2 environment: its language's catalog, its dates and its addresses."""

    def __init__(self, editions: list[Edition], templates_dir: Path, static_dir: Path,
                 base_url: str | None = None, built: dt.datetime | None = None,
                 fragments: dict | None = None, entry_stamp: Callable[[Entry], str] | None = None,
                 compiled: CompiledTemplates | None = None):
        """`fragments` and `entry_stamp` let the preview keep rendered list entries from one
        rebuild to the next: an entry is reused while its stamp (a hash of what it shows) holds;
        `compiled` keeps compiled templates likewise."""
        self.timeline = editions[0].timeline
        self.updated = built or self.timeline.newest_moment()
        self.site_url = (base_url or self.timeline.site.base_url).rstrip("/") + "/"
        self.assets = fingerprint(_read_assets(static_dir))
        kept = fragments is not None  # by the preview, for its next rebuild
        fragments = {} if fragments is None else fragments
        languages = [(edition.language, edition.prefix, language_name(edition.language, edition.language)
                      or edition.language) for edition in editions]
        self.envs = {}
        for edition in editions:
            env = _environment(templates_dir, edition, editions[0].language, self.site_url, self.assets,
                               fragments.setdefault(edition.language, {}), kept, entry_stamp or (lambda entry: ""),
                               compiled)
            env.globals.update(built=built, updated=self.updated, languages=languages)
            self.envs[edition.language] = env
        self.env = self.envs[self.timeline.site.language]

    def asset_files(self) -> dict[str, bytes]:
        """The static assets under their fingerprinted names."""
        return {f"static/{name}": data for name, data in self.assets.values()}

    def render(self, output: Output) -> bytes:
        if output.template:
            env = self.envs.get(output.language, self.env)
            text = env.get_template(output.template).render(output=output, **output.context)
        else:
            text = opendata.render(output.data, self.timeline, self.site_url, self.updated)
        return text.encode("utf-8")


def fingerprint(assets: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """Each asset under a name that changes with its bytes (style.css -> style.1a2b3c4d5e.css), so
    that browsers may cache it for ever and still never see a stale copy."""
    named = {}
    for name, data in assets.items():
        folder, _, file_name = name.rpartition("/")
        stem, dot, suffix = file_name.partition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        named[name] = ((folder + "/" if folder else "") + f"{stem}.{digest}{dot}{suffix}", data)
    return named


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name and checksum of their source, for the preview,
    which makes a new environment on every save (its globals name that save's timeline). A
    template compiles with its edition's interface text (see FixedText), so it is kept by
    language, with the catalog it was compiled with: a translator's save makes a new catalog."""

    def __init__(self):
        self.store: dict[tuple[str, str], tuple[object, bytes]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        environment = bucket.environment
        known = self.store.get((bucket.key, environment.interface_language))
        if known is not None and known[0] is environment.interface_catalog:
            bucket.bytecode_from_string(known[1])  # ignored when the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        environment = bucket.environment
        self.store[(bucket.key, environment.interface_language)] = (environment.interface_catalog,
                                                                    bucket.bytecode_to_string())


class FixedText(jinja2.ext.Extension):
    """Interface text without variables, translated as the template compiles: `{{ _('Sources') }}`
    and `{% trans %}...{% endtrans %}` become the edition's text, as the new-style gettext would
    give it on every page (formatted, and not escaped: translations are trusted). An event page
    shows about twenty, and each call cost what rendering a paragraph does."""

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment)
        environment.extend(interface_language="", interface_catalog=_NO_CATALOG)

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            found = self._fixed(tokens, index)
            if found is None:
                yield tokens[index]
                index += 1
            else:
                text, length = found
                yield jinja2.lexer.Token(tokens[index].lineno, "data", text)
                index += length

    def _fixed(self, tokens: list[jinja2.lexer.Token], index: int) -> tuple[str, int] | None:
        """The text that tokens[index:] stand for, and how many tokens they are; None for anything else."""
        shape = [(token.type, token.value) for token in tokens[index:index + 7]]
        if (len(shape) >= 6 and shape[0][0] == "variable_begin" and shape[1] in (("name", "_"), ("name", "gettext"))
                and shape[2][0] == "lparen" and shape[3][0] == "string" and shape[4][0] == "rparen"
                and shape[5][0] == "variable_end"):
            message, length = shape[3][1], 6
        elif (len(shape) == 7 and shape[0][0] == "block_begin" and shape[1] == ("name", "trans")
              and shape[2][0] == "block_end" and shape[3][0] == "data" and shape[4][0] == "block_begin"
              and shape[5] == ("name", "endtrans") and shape[6][0] == "block_end"
              and not self.environment.policies.get("ext.i18n.trimmed")):
            message, length = shape[3][1].replace("%", "%%"), 7  # as Jinja2's i18n reads a block
        else:
            return None
        try:
            return self.environment.interface_catalog.gettext(message) % {}, length
        except (KeyError, TypeError, ValueError):  # a mistake in the message: left to fail as it did
            return None


class _Environment(jinja2.Environment):
    """Jinja2's environment, but each template's globals are a dict of their own rather than a
    ChainMap over the environment's. At every `{% from ... import %}`, Jinja2 compares the
    page's globals with the imported template's, and over a ChainMap that comparison runs key by
    key in Python: 14 µs, twice on each page, a fifth of an event page's time. A copy misses
    globals added after the template loads; ours are all set before the first one does."""

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:  # type: ignore[override]
        return {**self.globals, **(d or {})}


def _environment(templates_dir: Path, edition: Edition, main_language: str, root_url: str,
                 assets: dict[str, tuple[str, bytes]], fragments: dict, fragments_kept: bool,
                 entry_stamp: Callable[[Entry], str],
                 compiled: jinja2.BytecodeCache | None) -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        bytecode_cache=compiled,
        auto_reload=False,  # each build (and each of the preview's) makes its own environment
        extensions=["jinja2.ext.i18n", FixedText],
    )
    timeline, language = edition.timeline, edition.language
    translations = catalog(language)
    env.interface_language, env.interface_catalog = language, translations  # FixedText's, before any template compiles
    env.install_gettext_translations(translations, newstyle=True)
    env.globals.update(_interface_text(translations))
    root_path = urlsplit(root_url).path or "/"
    site_url = root_url + edition.prefix  # the edition's home
    zone = tz.gettz(timeline.site.time_zone) or tz.UTC

    def url(path: str = "") -> str:
        """An address in this edition."""
        return root_path + edition.prefix + path.lstrip("/")

    def shared_url(path: str = "") -> str:
        """An address every edition shares: the open-data files, the search index."""
        return root_path + path.lstrip("/")

    def asset(name: str) -> str:
        return shared_url("static/" + assets[name][0])

    def asset_address(name: str) -> str | None:
        """An asset's absolute address, for link previews; None when static/ does not have it."""
        return root_url + "static/" + assets[name][0] if name in assets else None

    def entry_html(entry, level: int = 3, filterable: bool = False) -> str:
        """An event's entry in a list, rendered once and reused: one event is listed on the timeline
        and on each of its actors', topics', place's pages, so without this most of a large site's
        rendering would repeat the same entries."""
        key = (entry.id, entry_stamp(entry), level, filterable)
        html = fragments.get(key)
        if html is None:
            html = env.get_template("_macros.html").module.entry_item(entry, level, filterable)
            # the timeline's entries are shown once in a build (their parts are shared, see
            # entry_item); only the preview, which shows the timeline after every save, keeps them
            if fragments_kept or not filterable:
                fragments[key] = html
        return html

    shared_parts: dict[tuple, Markup] = {}

    def once(name: str, **arguments: Any) -> Markup:
        """A part of the page that is the same on every page of this edition given these arguments
        (the menu, the footer, the head's links), rendered the first time it is asked for. Its
        template sees only the arguments and the edition's globals, so it cannot differ by page."""
        key = (name, *sorted(arguments.items()))
        if key not in shared_parts:
            # without the file's last line break: the line that asks for the part decides the layout
            shared_parts[key] = Markup(env.get_template(name).render(arguments).rstrip("\n"))
        return shared_parts[key]

    remembered: dict[tuple, str] = {}

    def once_for(macro: str, record: Any, *arguments: Any) -> str:
        """A macro of _macros.html applied to a record (a source's citation, a link to an actor's
        page), rendered the first time it is asked for: each is shown, the same, on many pages."""
        key = (macro, type(record).__name__, record.id, *arguments)
        if key not in remembered:
            remembered[key] = getattr(env.get_template("_macros.html").module, macro)(record, *arguments)
        return remembered[key]

    def in_original(record: Any, *fields: str) -> Markup:
        """' lang="en"' for an element whose text (all of `record`'s, or these fields) is still in
        the site's own language: not yet translated into this edition's."""
        left = record.untranslated.intersection(fields) if fields else record.untranslated
        return Markup(' lang="{}"').format(main_language) if left else Markup("")

    def cite(html: str, sources: list | None = None, page: str = "") -> Markup:
        """A text's citation marks as numbered links to its record's list of sources (`sources`,
        in the order shown, as records or (record, citation) pairs); `page` is that list's page
        when the text is shown elsewhere. Without `sources` (a free page has no list of its own),
        each mark names its source and links to it on the list of all sources."""
        if sources is None:
            targets = {i: _citation_link(url("sources/") + "#" + i, source.publisher, source.publisher)
                       for i, source in timeline.sources.items()}
        else:
            targets = {}
            for number, item in enumerate(sources, 1):
                source = item[0] if isinstance(item, tuple) else item
                label = translations.gettext("Source %(number)s: %(publisher)s") % {
                    "number": number, "publisher": source.publisher}
                targets[source.id] = _citation_link(f"{page}#source-{number}", label, str(number))

        def link(source_ids: str) -> str:
            marks = [targets[i] for i in source_ids.split() if i in targets]  # a citation of another is refused by check
            return f'<sup class="cite-mark">[{", ".join(marks)}]</sup>' if marks else ""
        return Markup(markup.link_citations(html, link))

    def figure_value(value) -> str:
        """A figure's value in words, as exact as its source: "3,219", "more than 3,000", "32 to 39"."""
        def number(amount: float) -> str:
            try:
                return babel.numbers.format_decimal(amount, locale=language.replace("-", "_"))
            except (ValueError, babel.UnknownLocaleError):  # a language Babel does not know
                return f"{amount:,.15g}"
        words = number(value.value) if value.to is None else translations.gettext("%(low)s to %(high)s") % {
            "low": number(value.value), "high": number(value.to)}
        return translations.gettext(QUALIFIER_WORDS[value.qualifier]) % {"number": words} if value.qualifier else words

    env.globals.update(site=timeline.site, url=url, source_kinds=SOURCE_KIND_LABELS, status_labels=STATUS_LABELS, shared_url=shared_url, entry_html=entry_html,
                       once_for=once_for, once=once,
                       abs_url=lambda path="": site_url + path.lstrip("/"),
                       root_abs_url=lambda path="": root_url + path.lstrip("/"),
                       asset=asset, asset_address=asset_address, timeline=timeline, site_url=site_url,
                       linked_data=linkeddata, in_original=in_original, edition=edition, og_locale=og_locale,
                       main_language=main_language,
                       events=lambda number: translations.ngettext("%(num)d event", "%(num)d events", number)
                       % {"num": number})
    # JSON-LD keeps its fields in the order written; |tojson still escapes < > & ' so that no text
    # can close the <script> element it sits in.
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    env.filters.update(
        markdown=markup.to_html,
        cite=cite,
        figure_value=figure_value,
        excerpt=markup.excerpt,
        plain=markup.plain_text,
        date_words=lambda date: date.display(language),
        month_name=lambda month: month_name(month, language),
        events=env.globals["events"],
        atom_time=lambda date: _atom_time(date, zone),
        day_words=lambda moment: _day(moment, zone).display(language),
        day_iso=lambda moment: _day(moment, zone).iso,
    )
    return env


def _citation_link(href: str, label: str, text: str) -> str:
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{escape(text)}</a>'


def _interface_text(translations: gettext.NullTranslations) -> dict[str, Callable]:
    """The templates' `_`, `gettext` and `ngettext`: as Jinja2's own new-style ones (always
    formatted, marked safe in an escaped template), but each message without variables is looked
    up and formatted once per edition. A page shows about forty, and Jinja2's `_` passes each
    through three calls: a third of the time an event page took to render."""
    @lru_cache(maxsize=None)
    def fixed(message: str, escaped: bool) -> str:
        text = translations.gettext(message)
        return (Markup(text) if escaped else text) % {}

    @jinja2.pass_eval_context
    def translated(context: jinja2.nodes.EvalContext, message: str, **variables: Any) -> str:
        if not variables:
            return fixed(message, context.autoescape)
        text = translations.gettext(message)
        return (Markup(text) if context.autoescape else text) % variables

    @jinja2.pass_eval_context
    def translated_plural(context: jinja2.nodes.EvalContext, singular: str, plural: str, number: int,
                          **variables: Any) -> str:
        variables.setdefault("num", number)
        text = translations.ngettext(singular, plural, number)
        return (Markup(text) if context.autoescape else text) % variables

    return {"_": translated, "gettext": translated, "ngettext": translated_plural}


def catalog(language: str) -> babel.support.Translations | gettext.NullTranslations:
    """The interface's text in `language`, from locales/<language>/LC_MESSAGES/messages.po (the
    catalog is read as written: there is no compiled .mo file to forget to update). Read again
    when the file changes, so that the preview shows a translator's save."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    try:
        stat = path.stat()
    except OSError:
        return _NO_CATALOG
    return _catalog(path, language, stat.st_mtime_ns, stat.st_size)


_NO_CATALOG = gettext.NullTranslations()  # one, so that templates compiled without a catalog are kept


@lru_cache(maxsize=16)
def _catalog(path: Path, language: str, modified: int, size: int):
    with open(path, "rb") as file:
        messages = babel.messages.pofile.read_po(file, locale=language)
    compiled = io.BytesIO()
    babel.messages.mofile.write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return babel.support.Translations(compiled)


def og_locale(code: str) -> str:
    """A language as link previews (Open Graph) name it, with the likeliest country: en_US, es_ES."""
    if "-" in code:
        return code.replace("-", "_")
    likely = babel.core.get_global("likely_subtags").get(code, code)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else code


def _atom_time(date: PartialDate, zone) -> str:
    # The last day a partial date stands for, so that a feed reader sorting by time keeps the
    # timeline's order: an event known to the month comes after that month's dated events.
    moment = dt.datetime.combine(date.last_day, dt.time(), tzinfo=zone)
    return moment.isoformat()


def _day(moment: dt.datetime, zone) -> PartialDate:
    return PartialDate.of(moment.astimezone(zone).date())


def _read_assets(static_dir: Path) -> dict[str, bytes]:
    if not static_dir.is_dir():
        return {}
    return {path.relative_to(static_dir).as_posix(): path.read_bytes()
            for path in sorted(static_dir.rglob("*")) if path.is_file() and not path.name.startswith(".")}
