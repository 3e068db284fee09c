"""Shared helpers for the ingest tests: the shipped listings, the fixtures, one parse call."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from digest.build import parse_all
from digest.corpus.ingest import Corpus
from digest.errors import Problems
from digest.inputs.files import listing_files
from digest.inputs.listings import parse_listing
from digest.model import Entry, Listing

ROOT = Path(__file__).resolve().parents[1]
LISTINGS = ROOT / "content" / "listings"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "listings"
BAD = FIXTURES / "bad"
BUILD = date(2026, 6, 1)  # any day after the newest shipped listing

PRE_TRAINING = "2025-12-08-hf-pre-training.txt"
CHECKPOINTS = "2025-12-26-hf-checkpoints.txt"
SELF_SUPERVISED = "2026-03-11-hf-self-supervised-fine-grained.txt"
MULTIMODAL = "multimodal-search.txt"
XIE = "saining-xie-publications.txt"


def parse_bytes(name: str, data: bytes, build: date = BUILD) -> tuple[Listing | None, Problems]:
    """Parse ``data`` as if it were ``content/listings/<name>``."""
    problems = Problems()
    return parse_listing(f"content/listings/{name}", data, build, problems), problems


def parse_fixture(name: str, build: date = BUILD) -> tuple[Listing | None, Problems]:
    return parse_bytes(name, (FIXTURES / name).read_bytes(), build)


def parse_clean(name: str, folder: Path = FIXTURES) -> Listing:
    """A listing that must parse without a single problem."""
    listing, problems = parse_bytes(name, (folder / name).read_bytes())
    assert not problems.items, [str(p) for p in problems.items]
    assert listing is not None
    return listing


@cache
def shipped(name: str) -> Listing:
    return parse_clean(name, LISTINGS)


@cache
def shipped_corpus() -> Corpus:
    problems = Problems()
    corpus = parse_all(listing_files(ROOT, ROOT / "content"), BUILD, problems)
    assert not problems.items, [str(p) for p in problems.items]
    return corpus


def by_title(listing: Listing, title: str) -> Entry:
    matches = [e for e in listing.entries if e.title == title]
    assert len(matches) == 1, f"{len(matches)} entries titled {title!r}"
    return matches[0]


def non_blank_lines(data: bytes) -> list[int]:
    """Numbers of the lines holding anything but (Unicode) white space, counted by hand."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return [number for number, raw in enumerate(text.split("\n"), start=1)
            if raw.replace("\u200b", "").strip()]
