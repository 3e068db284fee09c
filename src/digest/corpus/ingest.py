"""Read → parse → merge: content files to canonical paper records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from digest.config import Config
from digest.corpus.merge import merge
from digest.errors import Problems
from digest.executor import parse_listings
from digest.inputs.files import SourceFile, listing_files
from digest.model import Listing, Paper


@dataclass(frozen=True)
class Corpus:
    listings: tuple[Listing, ...]
    papers: tuple[Paper, ...]

    @property
    def merged_duplicates(self) -> int:
        return sum(len(p.sources) - 1 for p in self.papers)


def unique_listings(parsed: Iterable[tuple[SourceFile, Listing | None]],
                    problems: Problems) -> list[Listing]:
    """The listings that parsed, in file order; a second file with the same id is an error."""
    listings: list[Listing] = []
    seen: dict[str, str] = {}
    for f, listing in parsed:
        if listing is None:
            continue
        if listing.id in seen:
            problems.error(f.path, 0, f"listing id {listing.id!r} is also used by {seen[listing.id]}; "
                           "rename one of the files")
            continue
        seen[listing.id] = f.path
        listings.append(listing)
    return listings


def parse_all(files: list[SourceFile], build: date, problems: Problems) -> Corpus:
    """Pure: parse every file (on every core when there are many), keep going past bad
    ones, then merge."""
    parsed = zip(files, parse_listings(files, build, problems), strict=True)
    listings = unique_listings(parsed, problems)
    return Corpus(tuple(listings), tuple(merge(listings)))


def load_corpus(config: Config, build: date, problems: Problems) -> Corpus:
    return parse_all(listing_files(config.root, config.content_dir), build, problems)
