"""Structured records: a JSON or YAML list of papers with the export's field names.

Only ``title`` is required, so a curator can add a paper by hand, and
``digest export --format json`` output can be read back unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import yaml

from digest.errors import Problems
from digest.text import yamlsafe
from digest.text.arxivid import NotAnId, from_reference
from digest.text.dates import parse_iso, parse_month_day

FIELDS = ("id", "title", "authors", "author_count", "submitter", "abstract", "date",
          "upvotes", "links", "topics", "sources", "url", "arxiv")
IGNORED = ("id", "sources")  # recomputed by the merge step


@dataclass(frozen=True)
class Record:
    title: str
    line: int
    abstract: str = ""
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    submitter: str | None = None
    date: str | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    arxiv_id: str | None = None  # base id, from an ``arxiv`` field


def _arxiv(value: Any) -> tuple[str | None, str | None]:
    """An ``arxiv`` field (id or arXiv / Hugging Face URL) → (base id, problem)."""
    if value is None:
        return None, None
    if not isinstance(value, str):  # YAML reads 2401.10 as the number 2401.1
        return None, f"'arxiv' must be an id in quotes (arxiv: \"2410.17243\"), got {value!r}"
    try:
        return from_reference(value)[0], None
    except NotAnId as exc:
        return None, f"'arxiv': {exc}"


def _json_items(path: str, text: str, problems: Problems) -> list[tuple[int, Any]] | None:
    """JSON is read as JSON; each element is decoded on its own to learn its line."""
    decoder = json.JSONDecoder()

    counted = [0, 1]  # an index and its line: items come in order, so count on from there

    def line_at(index: int) -> int:
        start, line = counted
        if index < start:
            start, line = 0, 1
        counted[:] = [index, line + text.count("\n", start, index)]
        return counted[1]

    def skip(index: int) -> int:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        return index

    try:
        json.loads(text)  # a clear message and line for any syntax error
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, f"cannot read records: {exc.msg}")
        return None
    except RecursionError:
        problems.error(path, 1, "cannot read records: nested too deeply")
        return None
    index = skip(0)
    if not text.startswith("[", index):
        problems.error(path, line_at(index), "records must be a list of papers")
        return None
    items: list[tuple[int, Any]] = []
    index = skip(index + 1)
    while index < len(text) and text[index] != "]":
        item, end = decoder.raw_decode(text, index)
        items.append((line_at(index), item))
        index = skip(end)
        if index < len(text) and text[index] == ",":
            index = skip(index + 1)
    return items


def _yaml_items(path: str, text: str, problems: Problems) -> list[tuple[int, Any]] | None:
    """Each record with its line; a record that cannot be read is reported and skipped."""
    try:
        node = yamlsafe.compose(text)
    except yamlsafe.YamlError as exc:
        problems.error(path, exc.line, f"cannot read records: {exc.message}")
        return None
    if node is None:
        problems.error(path, 1, "empty records file")
        return None
    if not isinstance(node, yaml.SequenceNode):
        problems.error(path, yamlsafe.line_of(node),
                       "records must be a list of papers (a top-level sequence)")
        return None
    items: list[tuple[int, Any]] = []
    for child in node.value:
        try:
            items.append((yamlsafe.line_of(child), yamlsafe.value(child)))
        except yamlsafe.YamlError as exc:
            problems.error(path, exc.line, f"cannot read this record: {exc.message}")
    return items


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def _count(value: Any) -> int | None | bool:
    """An optional non-negative int; False marks a wrong type."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return False


def parse(path: str, text: str, reference: date, problems: Problems, *, json_syntax: bool = False,
          first_line: int = 1) -> list[Record]:
    """Validate every record; ``first_line`` is where ``text`` starts in the file."""
    shifted = Problems()
    items = (_json_items if json_syntax else _yaml_items)(path, text, shifted)
    problems.extend([replace(p, line=p.line + first_line - 1) for p in shifted.items])
    if items is None:
        return []
    records: list[Record] = []
    for body_line, item in items:
        line = body_line + first_line - 1
        if not isinstance(item, dict):
            problems.error(path, line, "each record must be a mapping with at least a 'title'")
            continue
        unknown = sorted(str(k) for k in item if k not in FIELDS)
        if unknown:
            problems.warning(path, line, f"unknown record field(s) ignored: {', '.join(unknown)}")
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            problems.error(path, line, f"record 'title' must be text, got {title!r:.60}")
            continue
        if not isinstance(title, str) or not title.strip():
            problems.error(path, line, "record has no 'title' (the one required field)")
            continue
        bad: list[str] = []
        authors = _strings(item.get("authors"))
        links = _strings(item.get("links"))
        topics = _strings(item.get("topics"))
        author_count = _count(item.get("author_count"))
        upvotes = _count(item.get("upvotes"))
        for name, value in (("authors", authors), ("links", links), ("topics", topics)):
            if value is None:
                bad.append(f"'{name}' must be a list of strings")
        for name, number in (("author_count", author_count), ("upvotes", upvotes)):
            if number is False:
                bad.append(f"'{name}' must be a whole number")
        for name in ("abstract", "submitter"):
            if item.get(name) is not None and not isinstance(item.get(name), str):
                bad.append(f"'{name}' must be text")
        arxiv_id, arxiv_problem = _arxiv(item.get("arxiv"))
        if arxiv_problem:
            bad.append(arxiv_problem)
        when = item.get("date")
        iso: str | None = None
        if when is not None:
            parsed = parse_iso(when)
            if parsed is None and isinstance(when, str):
                month_day = parse_month_day(when, reference)
                parsed = month_day[0] if month_day else None
            if parsed is None:
                bad.append(f"'date' must be YYYY-MM-DD, got {when!r}")
            else:
                iso = parsed.isoformat()
        if bad:
            for message in bad:
                problems.error(path, line, f"record {title.strip()[:60]!r}: {message}")
            continue
        url = item.get("url")
        extra = (url,) if isinstance(url, str) and url.strip() else ()
        records.append(Record(
            title=" ".join(title.split()), line=line,
            abstract=" ".join(str(item.get("abstract") or "").split()),
            authors=authors or (), author_count=author_count or None,
            submitter=(item.get("submitter") or None), date=iso,
            upvotes=upvotes if isinstance(upvotes, int) else None,
            links=tuple(dict.fromkeys((*(links or ()), *extra))), topics=topics or (),
            arxiv_id=arxiv_id,
        ))
    return records
