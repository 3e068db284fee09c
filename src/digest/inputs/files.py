"""The reading end of the pipeline: the only place that opens content files."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

LISTING_SUFFIXES = (".txt", ".md", ".json", ".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A content file's project-relative path (forward slashes) and raw bytes."""

    path: str
    data: bytes

    @cached_property
    def digest(self) -> str:
        """A digest of the bytes (what a cache keys a parsed listing by), made once."""
        return hashlib.blake2b(self.data, digest_size=16).hexdigest()


def _files(root: Path, folder: Path, suffixes: tuple[str, ...],
           known: Mapping[str, SourceFile] | None = None) -> list[SourceFile]:
    """Files under ``folder`` with these suffixes, hidden ones skipped, sorted by path;
    a file in ``known`` (by path) is taken from there instead of read again."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith("."):
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.as_posix()
            same = known.get(rel) if known is not None else None
            found.append(same if same is not None else SourceFile(rel, path.read_bytes()))
    return found


def listing_files(root: Path, content: Path,
                  known: Mapping[str, SourceFile] | None = None) -> list[SourceFile]:
    """Every listing under ``content/listings``. ``known``: files read before that have
    not changed since (the preview's watcher names the ones that did), not read again."""
    return _files(root, content / "listings", LISTING_SUFFIXES, known)


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
