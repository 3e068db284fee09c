"""Jinja2 rendering: autoescape on, undefined variables are errors, user templates first.

A site's own ``templates/`` overrides any single file of the default theme, and can
``{% extends "default/<name>" %}`` to extend the file it replaces (Pelican's
ChoiceLoader, plus a prefix so the default stays reachable).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Collection
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import markupsafe

from digest.config import Config
from digest.output import charts
from digest.site import urls, views
from digest.site.routes import Page, prefix_for

ASSET_CSS = "assets/style.css"
ASSET_JS = "assets/digest.js"


def default_templates() -> Path:
    """The theme shipped in the package (a link to the repository's ``templates/``)."""
    return Path(str(resources.files("digest") / "templates"))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, with ``view.key`` on a plain dict found without an exception.

    Jinja tries ``getattr(view, "key")`` first and falls back to ``view["key"]``; views
    are dicts, so every lookup raised and caught an AttributeError (a quarter of the
    render time). Names that are dict attributes (``items``…) still go Jinja's way.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# A <pre> or <textarea> block (kept as written), else indentation or a blank line.
_INDENT = re.compile(r"(<(pre|textarea)\b.*?</\2\s*>)|^[ \t]+|^[ \t]*\n",
                     re.DOTALL | re.IGNORECASE | re.MULTILINE)


def compact(source: str) -> str:
    """Template source without indentation or blank lines, ``<pre>`` and ``<textarea>``
    blocks kept as written.

    Indentation is a tenth of a page and a browser collapses it to the line break that
    stays, so the page looks the same; done once per template as it loads (a Jinja
    preprocessor), it costs a render nothing.
    """
    return _INDENT.sub(lambda m: m.group(1) or "", source)


class _Compact(jinja2.ext.Extension):
    """Feeds every template, the site's own included, through ``compact``."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return compact(source)


def environment(config: Config) -> jinja2.Environment:
    default = jinja2.FileSystemLoader(str(default_templates()))
    loaders: list[jinja2.BaseLoader] = []
    own = config.root / "templates"
    if own.is_dir() and own.resolve() != default_templates().resolve():
        loaders.append(jinja2.FileSystemLoader(str(own)))
    loaders.append(default)
    loader = jinja2.PrefixLoader({"default": default})
    env = _Environment(
        loader=jinja2.ChoiceLoader([*loaders, loader]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[_Compact],
    )
    env.globals["trend_chart"] = charts.trend_chart
    return env


# Stands for a card's link prefix (``../../``) while its HTML is cached: not changed by
# escaping, and in no text (NUL is not allowed in a page).
_PREFIX = "\x00prefix\x00"


def _with_prefix(value: Any, prefix: str) -> Any:
    """The card view with ``prefix`` of every ``url`` replaced by ``_PREFIX``."""
    if isinstance(value, dict):
        return {k: (_PREFIX + v[len(prefix):] if k == "url" and isinstance(v, str)
                    and v.startswith(prefix) else _with_prefix(v, prefix))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_with_prefix(v, prefix) for v in value]
    return value


class CardCache:
    """Each paper's card HTML, rendered once and reused on every page that lists it.

    A paper's card appears on its topic, month, edition and author pages; its view
    differs between pages only by the prefix of its links (``../`` per level), which
    ends its ``url``. The HTML is kept with ``_PREFIX`` in every link and the page's
    prefix is put in its place. The build owns the cache and says which papers changed.
    """

    def __init__(self) -> None:
        self.html: dict[str, str] = {}  # by the paper's page
        self.compact: dict[str, dict[str, str]] = {}  # paper's page → card's url → HTML

    def forget(self, changed: Collection[str] | None) -> None:
        """Forget the cards of these papers (ids); ``None``: every card."""
        if changed is None:
            self.html.clear()
            self.compact.clear()
            return
        for paper_id in changed:
            self.html.pop(urls.paper(paper_id), None)
            self.compact.pop(urls.paper(paper_id), None)

    def renderer(self, env: jinja2.Environment) -> Callable[[dict[str, Any]], markupsafe.Markup]:
        """The ``render_card`` the templates call, for one environment's card template."""
        template = env.get_template("partials/card.html")

        def render_card(card: dict[str, Any]) -> markupsafe.Markup:
            url = str(card["url"])
            own = urls.paper(str(card.get("id")))
            if not url.endswith(own) or card.keys() != views.CARD_FIELDS:  # not a plain card
                return markupsafe.Markup(template.render(card=card))
            prefix = url[:len(url) - len(own)]
            html = self.html.get(own)
            if html is None:
                html = self.html[own] = template.render(card=_with_prefix(card, prefix))
            return markupsafe.Markup(html.replace(_PREFIX, prefix))

        return render_card

    def render_related(self, cards: list[dict[str, Any]]) -> markupsafe.Markup:
        """The items of a related-papers list (the ``render_related`` the templates call),
        each compact card made once per paper and depth: a paper is in the lists of about
        five paper pages. Formatted here, not by a template: a template call per card
        cost more than the rest of the list."""
        out = []
        for card in cards:
            own = urls.paper(str(card["id"]))
            known = self.compact.get(own)
            if known is None:
                known = self.compact[own] = {}
            html = known.get(card["url"])  # the same for every paper page
            if html is None:
                html = known[card["url"]] = _related_card(card)
            out.append(html)
        return markupsafe.Markup("\n".join(out))


def _related_card(card: dict[str, Any]) -> str:
    esc = markupsafe.escape
    when = (f'<time datetime="{esc(card["iso_date"])}">{esc(card["date"])}</time>'
            if card["iso_date"] else "undated")
    return (f'<li><a href="{esc(card["url"])}">{esc(card["title"])}</a> '
            f'<span>{esc(card["byline"])} · {when}</span></li>')  # styled by place


def nav(config: Config, prefix: str, extra: list[tuple[str, str]]) -> list[dict[str, str]]:
    items = [("Home", urls.HOME), ("Topics", urls.TOPICS), ("Editions", urls.EDITIONS),
             ("Archive", urls.ARCHIVE), ("Authors", urls.AUTHORS), *extra]
    return [{"label": label, "url": prefix + path if prefix + path else "./", "path": path}
            for label, path in items]


def page_context(config: Config, page: Page, extra_nav: list[tuple[str, str]]) -> dict[str, Any]:
    prefix = prefix_for(page.path, config.base_path)
    feeds = [{"title": f"{config.title} (RSS)", "url": prefix + urls.FEED_RSS}]
    feeds += [{"title": title, "url": prefix + path} for title, path in page.feeds]
    canonical = urls.absolute(config, "" if page.path == urls.NOT_FOUND else page.path)
    return {
        "site": {"title": config.title, "description": config.description,
                 "language": config.language, "author": config.author},
        "page": {"title": page.title, "description": page.description, "path": page.path,
                 "canonical": canonical, "is_404": page.path == urls.NOT_FOUND},
        "root": prefix or "./",
        "home_url": prefix or "./",
        "css_url": prefix + ASSET_CSS,
        "js_url": prefix + ASSET_JS,
        "search_url": prefix + urls.SEARCH,
        "topics_url": prefix + urls.TOPICS,
        "archive_url": prefix + urls.ARCHIVE,
        "feed_url": prefix + urls.FEED_RSS,
        "atom_url": prefix + urls.FEED_ATOM,
        "json_feed_url": prefix + urls.FEED_JSON,
        "feeds": feeds,
        "nav": nav(config, prefix, extra_nav),
        **page.context,
    }


# What the header and footer partials see: the site, its navigation and URLs by depth.
CHROME_NAMES = ("site", "root", "home_url", "css_url", "js_url", "search_url", "topics_url",
                "archive_url", "feed_url", "atom_url", "json_feed_url", "nav")


def chrome_renderer(env: jinja2.Environment) -> Callable[..., markupsafe.Markup]:
    """The ``render_chrome`` the base template calls for the header and the footer.

    They are the same on every page of a depth but for the navigation entry marked
    current, yet were a fifth of a page's rendering: each is rendered once per partial,
    depth and current entry, from ``CHROME_NAMES`` only (a partial that used the page
    would be wrong on the next one, so it has no page to use: StrictUndefined says so).
    """
    made: dict[tuple[str, str, str | None], markupsafe.Markup] = {}

    @jinja2.pass_context
    def render_chrome(context: jinja2.runtime.Context, name: str) -> markupsafe.Markup:
        path = context["page"]["path"]
        nav_items = context["nav"]
        current = path if any(item["path"] == path for item in nav_items) else None
        key = (name, context["root"], current)
        html = made.get(key)
        if html is None:
            values = {k: context[k] for k in CHROME_NAMES}
            text = env.get_template(name).render(values, current=current)
            html = made[key] = markupsafe.Markup(text.removesuffix("\n"))
        return html

    return render_chrome


def render_pages(env: jinja2.Environment, config: Config, pages: list[Page],
                 cards: CardCache | None = None,
                 extra_nav: list[tuple[str, str]] | None = None) -> dict[str, bytes]:
    """Render every page; a template error names the template and line."""
    out: dict[str, bytes] = {}
    if not pages:
        return out
    cards = cards or CardCache()
    render_card = cards.renderer(env)
    render_chrome = chrome_renderer(env)
    cache: dict[str, jinja2.Template] = {}
    for page in pages:
        template = cache.get(page.template) or cache.setdefault(
            page.template, env.get_template(page.template))
        html = template.render(page_context(config, page, extra_nav or []),
                               render_card=render_card, render_related=cards.render_related,
                               render_chrome=render_chrome)
        out[urls.output_file(page.path)] = html.encode("utf-8")
    return out


class TemplateFailure(Exception):
    """A template error already described as ``file:line: message``.

    Made where the template ran, while its traceback is at hand: a worker process
    sends back the exception without it.
    """


def describe(exc: BaseException) -> str:
    """A template error as ``file:line: message``; anything else as its message."""
    if isinstance(exc, TemplateFailure):
        return str(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith((".html", ".xml"))]
        where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
        return f"{where}{exc.message}"
    return f"{type(exc).__name__}: {exc}"
