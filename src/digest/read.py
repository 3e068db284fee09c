"""The reading end of the pipeline: the only place that opens content files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LISTING_SUFFIXES = (".txt", ".md", ".json", ".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A content file's project-relative path (forward slashes) and raw bytes."""

    path: str
    data: bytes


def listing_files(root: Path, content: Path) -> list[SourceFile]:
    """Every listing file under ``content/listings``, sorted by path for determinism."""
    folder = content / "listings"
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in LISTING_SUFFIXES and \
                not path.name.startswith("."):
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.as_posix()
            files.append(SourceFile(rel, path.read_bytes()))
    return files


def markdown_files(root: Path, content: Path, folder: str) -> list[SourceFile]:
    """``content/notes/*.md`` or ``content/pages/*.md``, sorted by path."""
    base = content / folder
    if not base.is_dir():
        return []
    out = []
    for path in sorted(base.rglob("*.md")):
        if path.is_file() and not path.name.startswith("."):
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.as_posix()
            out.append(SourceFile(rel, path.read_bytes()))
    return out
