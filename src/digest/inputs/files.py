"""The reading end of the pipeline: the only place that opens content files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

LISTING_SUFFIXES = (".txt", ".md", ".json", ".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A content file's project-relative path (forward slashes) and raw bytes."""

    path: str
    data: bytes


def _files(root: Path, folder: Path, suffixes: tuple[str, ...]) -> list[SourceFile]:
    """Files under ``folder`` with these suffixes, hidden ones skipped, sorted by path."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith("."):
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.as_posix()
            found.append(SourceFile(rel, path.read_bytes()))
    return found


def listing_files(root: Path, content: Path) -> list[SourceFile]:
    """Every listing under ``content/listings``."""
    return _files(root, content / "listings", LISTING_SUFFIXES)


def markdown_files(root: Path, content: Path, folder: str) -> list[SourceFile]:
    """``content/notes/*.md`` or ``content/pages/*.md``."""
    return _files(root, content / folder, (".md",))


def theme_digest(root: Path) -> str:
    """A digest of the site's own ``templates/`` (names and bytes): pages made with other
    templates are not reused from a cache."""
    folder = root / "templates"
    digest = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
