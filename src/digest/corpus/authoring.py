"""Notes and pages joined to the papers: parsed, attached, rendered to HTML.

Runs between merging and topics, because a note can set its paper's topics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from digest.config import Config
from digest.errors import Problems
from digest.inputs.files import SourceFile
from digest.inputs.notes import Note, StaticPage, attach, parse_note, parse_page
from digest.model import Paper
from digest.site import urls
from digest.site.routes import prefix_for
from digest.text.markdown import Renderer

RESERVED = {"papers", "topics", "editions", "archive", "authors", "search", "assets"}


@dataclass
class Authoring:
    notes: dict[str, Note] = field(default_factory=dict)  # paper id → note
    pages: list[StaticPage] = field(default_factory=list)

    def topic_overrides(self) -> dict[str, tuple[str, ...]]:
        return {pid: note.topics for pid, note in self.notes.items() if note.topics}


def read(note_files: list[SourceFile], page_files: list[SourceFile],
         papers: tuple[Paper, ...] | list[Paper], problems: Problems) -> Authoring:
    notes = [n for n in (parse_note(f, problems) for f in note_files) if n is not None]
    pages = [p for p in (parse_page(f, problems) for f in page_files) if p is not None]
    seen: dict[str, str] = {}
    kept = []
    for page in sorted(pages, key=lambda p: p.path):
        if page.slug in RESERVED:
            problems.error(page.path, 1, f"page name {page.slug!r} is taken by the site's own "
                           f"pages; rename the file")
        elif page.slug in seen:
            problems.error(page.path, 1, f"page {page.slug!r} is also {seen[page.slug]}")
        else:
            seen[page.slug] = page.path
            kept.append(page)
    return Authoring(attach(notes, papers, problems), sorted(kept, key=lambda p: (p.order, p.title)))


@dataclass(frozen=True)
class RenderedNotes:
    page_html: dict[str, str]
    feed_html: dict[str, str]
    pages: tuple[tuple[StaticPage, str], ...]


def render(config: Config, authoring: Authoring, papers: tuple[Paper, ...] | list[Paper],
           problems: Problems) -> RenderedNotes:
    """Notes for their paper page and, with absolute links, for the feeds; pages too."""
    renderer = Renderer(config.markdown_html, {p.id: p.title for p in papers})
    page_html, feed_html = {}, {}
    for pid, note in sorted(authoring.notes.items()):
        prefix = prefix_for(urls.paper(pid), config.base_path)
        page_html[pid] = renderer.render(note.body, path=note.path, first_line=note.body_line,
                                         prefix=prefix, problems=problems)
        feed_html[pid] = renderer.render(note.body, path=note.path, first_line=note.body_line,
                                         prefix=config.base_url, problems=None)
    rendered = tuple(
        (page, renderer.render(page.body, path=page.path, first_line=page.body_line,
                               prefix=prefix_for(urls.page_path(page.slug), config.base_path),
                               problems=problems))
        for page in authoring.pages)
    return RenderedNotes(page_html, feed_html, rendered)


def nav_entries(pages: tuple[tuple[StaticPage, str], ...]) -> list[tuple[str, str]]:
    return [(page.title, urls.page_path(page.slug)) for page, _ in pages]
