"""``content/fetch-log.tsv``: one line per source and day ``digest fetch`` has fetched.

A day that had no papers (a weekend, a holiday, a date Hugging Face refused as in the
future) is in the log with 0, so freshness can tell a quiet week from a broken fetch.
One line per source and day, never per run: fetching a day again with the same result
leaves the file as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from digest.errors import Problems

LOG_NAME = "fetch-log.tsv"
HEADER = "# source\tday\tfound\tlisted"


@dataclass(frozen=True, order=True)
class Fetched:
    """A source's day: papers the source gave, papers its listing holds (not elsewhere)."""

    source: str
    day: str  # YYYY-MM-DD
    found: int
    listed: int


def log_path(content: Path) -> Path:
    return content / LOG_NAME


def parse_log(path: str, text: str, problems: Problems) -> list[Fetched]:
    """Every well-formed line; the others are reported with their line."""
    found: list[Fetched] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        try:
            if len(parts) != 4:
                raise ValueError
            date.fromisoformat(parts[1])
            found.append(Fetched(parts[0], parts[1], int(parts[2]), int(parts[3])))
        except ValueError:
            problems.warning(path, number, "fetch log line is not 'source<TAB>YYYY-MM-DD"
                             f"<TAB>found<TAB>listed': {raw[:60]!r}")
    return found


def read_log(root: Path, content: Path, problems: Problems) -> list[Fetched]:
    """The fetch log, or nothing when no fetch has run yet."""
    path = log_path(content)
    if not path.is_file():
        return []
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return parse_log(rel, path.read_text(encoding="utf-8"), problems)


def format_log(entries: list[Fetched]) -> str:
    """The file's text: sorted by source and day, the last entry for a day kept."""
    latest = {(e.source, e.day): e for e in entries}
    lines = [HEADER, *(f"{e.source}\t{e.day}\t{e.found}\t{e.listed}"
                       for _, e in sorted(latest.items()))]
    return "\n".join(lines) + "\n"
