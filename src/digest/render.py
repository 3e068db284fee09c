"""Jinja2 rendering: autoescape on, undefined variables are errors, user templates first.

A site's own ``templates/`` overrides any single file of the default theme, and can
``{% extends "default/<name>" %}`` to extend the file it replaces (Pelican's
ChoiceLoader, plus a prefix so the default stays reachable).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from digest import urls
from digest.config import Config
from digest.pages import Page, prefix_for

ASSET_CSS = "assets/style.css"
ASSET_JS = "assets/digest.js"


def default_templates() -> Path:
    """The theme shipped in the package (a link to the repository's ``templates/``)."""
    return Path(str(resources.files("digest") / "templates"))


def environment(config: Config) -> jinja2.Environment:
    default = jinja2.FileSystemLoader(str(default_templates()))
    loaders: list[jinja2.BaseLoader] = []
    own = config.root / "templates"
    if own.is_dir() and own.resolve() != default_templates().resolve():
        loaders.append(jinja2.FileSystemLoader(str(own)))
    loaders.append(default)
    loader = jinja2.PrefixLoader({"default": default})
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, loader]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    reset_cards(env)
    return env


def reset_cards(env: jinja2.Environment) -> None:
    """Start a build with an empty card cache (records may have changed since the last)."""
    env.globals["render_card"] = _card_renderer(env)


def _card_renderer(env: jinja2.Environment) -> Any:
    """Render ``partials/card.html`` once per card view and reuse the HTML.

    A paper's card appears on its topic, month, edition and author pages; its view
    (and so its HTML) is the same for every page at the same depth, and the view's
    URL already holds that depth, so it keys the cache.
    """
    cache: dict[str, markupsafe.Markup] = {}

    def render_card(card: dict[str, Any]) -> markupsafe.Markup:
        key = str(card["url"])
        html = cache.get(key)
        if html is None:
            html = cache[key] = markupsafe.Markup(
                env.get_template("partials/card.html").render(card=card))
        return html

    return render_card


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


def render_pages(env: jinja2.Environment, config: Config, pages: list[Page],
                 extra_nav: list[tuple[str, str]] | None = None) -> dict[str, bytes]:
    """Render every page; a template error names the template and line."""
    out: dict[str, bytes] = {}
    cache: dict[str, jinja2.Template] = {}
    for page in pages:
        template = cache.get(page.template) or cache.setdefault(
            page.template, env.get_template(page.template))
        html = template.render(page_context(config, page, extra_nav or []))
        out[urls.output_file(page.path)] = html.encode("utf-8")
    return out
