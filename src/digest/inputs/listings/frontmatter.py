"""YAML front matter on top of a listing (``---`` … ``---``), validated key by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from digest.errors import Problems
from digest.inputs.listings.detect import FORMATS
from digest.text import yamlsafe
from digest.text.dates import parse_iso

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
    lines = normalised.split("\n")
    if len(lines) < 2 or lines[0].rstrip() != "---":
        return None, text, 1, True
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2, True
    return "\n".join(lines[1:]), "", len(lines) + 1, False


def parse(path: str, text: str | None, problems: Problems) -> FrontMatter | None:
    """Validate front matter; None means it is broken and the listing cannot be trusted."""
    if text is None:
        return FrontMatter()
    try:
        node = yamlsafe.compose(text)
        data = yamlsafe.value(node) if node is not None else {}
    except yamlsafe.YamlError as exc:
        # The front matter starts on the file's second line.
        problems.error(path, exc.line + 1, f"front matter is not valid YAML: {exc.message}")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(path, 2, "front matter must be a mapping of keys to values")
        return None
    lines = yamlsafe.key_lines(node) if node is not None else {}
    ok = True

    def line_of(key: str) -> int:
        return lines[key] + 1 if key in lines else 2

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
        problems.error(path, line_of("date"),
                       f"front matter 'date' must be a real date as YYYY-MM-DD, got {when!r}")
        ok = False
    fmt = text_value("format")
    if fmt is not None and fmt not in FORMATS:
        problems.error(path, line_of("format"),
                       f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        ok = False
    topics_value = data.get("topics") or []
    if isinstance(topics_value, str):
        topics_value = [topics_value]
    if not isinstance(topics_value, list) or not all(isinstance(t, str) for t in topics_value):
        problems.error(path, line_of("topics"), "front matter 'topics' must be a list of names")
        ok = False
        topics_value = []
    result = FrontMatter(
        title=text_value("title"), date=parsed_date, format=fmt,
        source=text_value("source"), topics=tuple(t.strip() for t in topics_value if t.strip()),
        owner=text_value("owner"), raw=dict(data),
    )
    return result if ok else None
