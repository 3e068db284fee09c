"""Curator's notes (``content/notes/*.md``) and standalone pages (``content/pages/*.md``).

A note says why a paper matters; it is attached to its paper by slug or exact
title. Both kinds are Markdown under YAML front matter, validated key by key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any

from digest.errors import Problems
from digest.inputs.files import SourceFile
from digest.inputs.listings.frontmatter import split
from digest.model import Paper
from digest.text import yamlsafe
from digest.text.dates import parse_iso
from digest.text.slugs import name_slug, title_key

NOTE_KEYS = {"paper": str, "topics": list, "tags": list, "rating": int, "featured": bool,
             "date": date}
PAGE_KEYS = {"title": str, "order": int, "description": str}


@dataclass(frozen=True)
class Note:
    path: str
    paper: str  # as written: slug or exact title
    body: str
    body_line: int
    paper_line: int = 1
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rating: int | None = None
    featured: bool = False
    date: str | None = None


@dataclass(frozen=True)
class StaticPage:
    path: str
    slug: str
    title: str
    body: str
    body_line: int
    order: int = 0
    description: str = ""


def _front(file: SourceFile, problems: Problems) -> tuple[dict[str, Any], str, int] | None:
    try:
        text = file.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(file.path, file.data[: exc.start].count(b"\n") + 1, "invalid UTF-8")
        return None
    fm, body, body_line, closed = split(text)
    if fm is None or not closed:
        problems.error(file.path, 1, "needs YAML front matter between '---' lines")
        return None
    loaded = yamlsafe.load_mapping(fm, file.path, problems, first_line=2, what="front matter")
    if loaded is None:
        return None
    return loaded[0], body, body_line


def _line(fm_text_lines: list[str], key: str) -> int:
    return next((i + 2 for i, raw in enumerate(fm_text_lines) if raw.startswith(f"{key}:")), 1)


def _typed(file: SourceFile, data: dict[str, Any], schema: dict[str, type],
           problems: Problems) -> bool:
    """Check keys and types; every problem is reported, with the key's line."""
    lines = file.data.decode("utf-8-sig", errors="replace").splitlines()[1:]
    ok = True
    for key, value in data.items():
        expected = schema.get(str(key))
        if expected is None:
            problems.error(file.path, _line(lines, str(key)),
                           f"unknown front matter key {key!r} (known: {', '.join(schema)})")
            ok = False
            continue
        if expected is date:
            valid = parse_iso(value) is not None
        elif expected is list:
            valid = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif expected is int:
            valid = isinstance(value, int) and not isinstance(value, bool)
        else:
            valid = isinstance(value, expected)
        if not valid:
            kind = {str: "text", list: "a list of names", int: "a whole number",
                    bool: "true or false", date: "a date (YYYY-MM-DD)"}[expected]
            problems.error(file.path, _line(lines, str(key)),
                           f"front matter {key!r} must be {kind}, got {value!r}")
            ok = False
    return ok


def parse_note(file: SourceFile, problems: Problems) -> Note | None:
    parsed = _front(file, problems)
    if parsed is None:
        return None
    data, body, body_line = parsed
    if not _typed(file, data, NOTE_KEYS, problems):
        return None
    if not data.get("paper"):
        problems.error(file.path, 1, "a note needs 'paper:' (the paper's slug or exact title)")
        return None
    lines = file.data.decode("utf-8-sig", errors="replace").splitlines()[1:]
    rating = data.get("rating")
    if rating is not None and not 1 <= rating <= 5:
        problems.error(file.path, _line(lines, "rating"), f"'rating' must be 1 to 5, got {rating}")
        return None
    when = parse_iso(data["date"]) if data.get("date") is not None else None
    return Note(path=file.path, paper=str(data["paper"]).strip(), body=body, body_line=body_line,
                paper_line=_line(lines, "paper"),
                topics=tuple(data.get("topics") or ()), tags=tuple(data.get("tags") or ()),
                rating=rating, featured=bool(data.get("featured", False)),
                date=when.isoformat() if when else None)


def parse_page(file: SourceFile, problems: Problems) -> StaticPage | None:
    parsed = _front(file, problems)
    if parsed is None:
        return None
    data, body, body_line = parsed
    if not _typed(file, data, PAGE_KEYS, problems):
        return None
    if not data.get("title"):
        problems.error(file.path, 1, "a page needs a 'title:'")
        return None
    stem = file.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return StaticPage(path=file.path, slug=name_slug(stem), title=data["title"], body=body,
                      body_line=body_line, order=data.get("order", 0),
                      description=data.get("description", ""))


def attach(notes: list[Note], papers: tuple[Paper, ...] | list[Paper],
           problems: Problems) -> dict[str, Note]:
    """Paper id → its note; unknown papers and second notes are ``path:line`` errors."""
    if not notes:
        return {}
    by_id = {p.id: p for p in papers}
    by_title: dict[str, str] | None = None  # made when a note names a paper by its title
    attached: dict[str, Note] = {}
    for note in sorted(notes, key=lambda n: n.path):
        paper_id: str | None = note.paper
        if paper_id not in by_id:
            if by_title is None:
                by_title = {title_key(p.title): p.id for p in papers}
            paper_id = by_title.get(title_key(note.paper))
        if paper_id is None:
            close = difflib.get_close_matches(note.paper, list(by_id), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.error(note.path, note.paper_line, f"no paper {note.paper!r}{hint}")
            continue
        if paper_id in attached:
            problems.error(note.path, note.paper_line,
                           f"paper {paper_id!r} already has a note: {attached[paper_id].path}")
            continue
        attached[paper_id] = note
    return attached

