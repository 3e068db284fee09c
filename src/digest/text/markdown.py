"""Markdown for notes and pages: CommonMark plus tables, footnotes, task lists,
heading anchors, math rendered to MathML at build time, and links to papers.

Raw HTML is escaped unless ``markdown.html: true``; a paper link (``[[slug]]`` or a
relative ``papers/slug/``) that names no paper is a ``path:line`` error with the
closest slugs suggested.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from digest.errors import Problems
from digest.site import urls
from digest.text.slugs import name_slug, title_key

_WIKI = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+))?\]\]")
_PAPER_HREF = re.compile(r"^(?:\./|\.\./)*papers/([^/#?]+)/?(#.*)?$")


def _math(display: bool) -> Callable[[str, dict[str, Any]], str]:
    def render(content: str, _options: dict[str, Any]) -> str:
        try:
            return str(latex_to_mathml(content.strip(), display="block" if display else "inline"))
        except Exception:  # noqa: BLE001 (a formula latex2mathml cannot read stays visible)
            from html import escape

            return f'<code class="math-error">{escape(content)}</code>'
    return render


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[slug]]`` or ``[[slug|text]]`` → a link token resolved later."""
    if not state.src.startswith("[[", state.pos):
        return False
    m = _WIKI.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        target = m.group(1).strip()
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": f"papers/{target}/"}
        token.meta = {"wikilink": True}
        text = state.push("text", "", 0)
        text.content = (m.group(2) or target).strip()
        state.push("link_close", "a", -1)
    state.pos = m.end()
    return True


@dataclass
class LinkContext:
    """What resolving paper links needs for one render."""

    path: str
    first_line: int
    prefix: str  # from the rendering page back to the site root
    papers: dict[str, str]  # slug → title
    aliases: dict[str, str]  # full title key (an untruncated slug) → slug
    problems: Problems | None


def make_parser(allow_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=name_slug)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True,
           renderer=_math(False))
    md.add_render_rule("math_block", lambda self, tokens, idx, options, env:
                       _math(True)(tokens[idx].content, {}) + "\n")
    md.add_render_rule("math_block_label", lambda self, tokens, idx, options, env:
                       _math(True)(tokens[idx].content, {}) + "\n")
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.core.ruler.push("paper_links", _resolve_links)
    return md


def _resolve_links(state: Any) -> None:
    ctx: LinkContext | None = state.env.get("digest")
    if ctx is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = ctx.first_line + (block.map[0] if block.map else 0)
        for token in block.children:
            if token.type != "link_open":
                continue
            href = str(token.attrs.get("href", ""))
            m = _PAPER_HREF.match(href)
            if not m:
                continue
            target = m.group(1)
            slug = target if target in ctx.papers else ctx.aliases.get(name_slug(target))
            if slug is None:
                _unknown(ctx, line, target)
                continue
            token.attrs["href"] = ctx.prefix + urls.paper(slug) + (m.group(2) or "")
            if token.meta.get("wikilink"):
                token.attrs["title"] = ctx.papers[slug]


def _unknown(ctx: LinkContext, line: int, target: str) -> None:
    if ctx.problems is None:
        return
    close = difflib.get_close_matches(target, list(ctx.papers), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    ctx.problems.error(ctx.path, line, f"link to unknown paper {target!r}{hint}")


class Renderer:
    """One configured parser, reused for every note and page of a build."""

    def __init__(self, allow_html: bool, papers: dict[str, str]) -> None:
        self.md = make_parser(allow_html)
        self.papers = papers
        self.aliases = {title_key(title): slug for slug, title in papers.items()}

    def render(self, text: str, *, path: str, first_line: int, prefix: str,
               problems: Problems | None) -> str:
        env = {"digest": LinkContext(path, first_line, prefix, self.papers, self.aliases,
                                     problems)}
        return str(self.md.render(text, env))

