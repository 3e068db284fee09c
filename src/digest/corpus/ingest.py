"""The corpus: parsed listings and the canonical papers merged from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from digest.errors import Problems
from digest.inputs.files import SourceFile
from digest.model import Listing, Paper


@dataclass(frozen=True)
class Corpus:
    listings: tuple[Listing, ...]
    papers: tuple[Paper, ...]
    # listing id → the day it entered the digest (set with the stored metadata)
    listing_added: Mapping[str, str] = field(default_factory=dict)

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
