"""YAML front matter on top of a listing (``---`` … ``---``), validated key by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from digest.dates import parse_iso
from digest.errors import Problems

KEYS = ("title", "date", "format", "source", "topics", "owner")


@dataclass(frozen=True)
class FrontMatter:
    """What the curator declared about a listing; every field optional."""

    title: str | None = None
    date: date | None = None
    format: str | None = None
    source: str | None = None
    topics: tuple[str, ...] = ()
    owner: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def split(text: str) -> tuple[str | None, str, int, bool]:
    """Return (front matter or None, body, first body line number, closed properly)."""
    normalised = text.replace("\r\n", "\n")
    if not normalised.startswith("---\n"):
        return None, text, 1, True
    lines = normalised.split("\n")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2, True
    return "\n".join(lines[1:]), "", len(lines) + 1, False


def parse(path: str, text: str | None, problems: Problems) -> FrontMatter | None:
    """Validate front matter; None means it is broken and the listing cannot be trusted."""
    if text is None:
        return FrontMatter()
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        problems.error(path, line, f"front matter is not valid YAML: {reason}")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(path, 1, "front matter must be a mapping of keys to values")
        return None
    ok = True

    def line_of(key: str) -> int:
        for offset, raw in enumerate(text.split("\n")):
            if raw.startswith(f"{key}:"):
                return offset + 2
        return 1

    for key in data:
        if key not in KEYS:
            problems.error(path, line_of(str(key)),
                           f"unknown front matter key {key!r} (known: {', '.join(KEYS)})")
            ok = False

    def text_value(key: str) -> str | None:
        nonlocal ok
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.error(path, line_of(key), f"front matter {key!r} must be text")
            ok = False
            return None
        return str(value).strip() or None

    when = data.get("date")
    parsed_date = parse_iso(when) if when is not None else None
    if when is not None and parsed_date is None:
        problems.error(path, line_of("date"), f"front matter 'date' must be YYYY-MM-DD, got {when!r}")
        ok = False
    topics_value = data.get("topics") or []
    if isinstance(topics_value, str):
        topics_value = [topics_value]
    if not isinstance(topics_value, list) or not all(isinstance(t, str) for t in topics_value):
        problems.error(path, line_of("topics"), "front matter 'topics' must be a list of names")
        ok = False
        topics_value = []
    result = FrontMatter(
        title=text_value("title"), date=parsed_date, format=text_value("format"),
        source=text_value("source"), topics=tuple(t.strip() for t in topics_value if t.strip()),
        owner=text_value("owner"), raw=dict(data),
    )
    return result if ok else None
