"""One record per paper, whatever number of listings show it, in whatever order."""

from __future__ import annotations

from itertools import permutations

from ingest_support import (
    BUILD,
    CHECKPOINTS,
    LISTINGS,
    MULTIMODAL,
    PRE_TRAINING,
    SELF_SUPERVISED,
    shipped_corpus,
)

from digest.build import parse_all
from digest.corpus.merge import merge
from digest.errors import Problems
from digest.inputs.files import SourceFile
from digest.model import Entry, Listing


def listing(name: str, *entries: Entry, when: str | None = None) -> Listing:
    return Listing(id=name, path=f"content/listings/{name}.txt", title=name, format="records",
                   date=when, entries=entries)


def test_shipped_counts() -> None:
    corpus = shipped_corpus()
    assert sum(len(x.entries) for x in corpus.listings) == 426
    assert len(corpus.papers) == 413
    assert corpus.merged_duplicates == 13
    assert sum(len(p.sources) > 1 for p in corpus.papers) == 13


def test_shipped_duplicate_keeps_every_source_and_the_date() -> None:
    papers = {p.title: p for p in shipped_corpus().papers}
    paper = papers["Rethinking Supervised Pre-training for Better Downstream Transferring"]
    assert [(s.path, s.line) for s in paper.sources] == [
        (f"content/listings/{PRE_TRAINING}", 170),
        (f"content/listings/{SELF_SUPERVISED}", 80)]  # undated on that page
    assert (paper.date, paper.author_count) == ("2021-10-12", 5)
    global_local = papers["Global-Local Similarity for Efficient Fine-Grained Image Recognition "
                          "with Vision Transformers"]
    assert [s.path for s in global_local.sources] == [
        f"content/listings/{CHECKPOINTS}", f"content/listings/{SELF_SUPERVISED}"]
    assert global_local.links == ("https://github.com/arkel23/GLSim",)
    yi = papers["Yi: Open Foundation Models by 01.AI"]
    assert [s.path for s in yi.sources] == [
        f"content/listings/{SELF_SUPERVISED}", f"content/listings/{MULTIMODAL}"]
    assert yi.date is None and yi.effective_date == "2026-03-11"  # the dated listing's day


def test_union_of_fields() -> None:
    a = listing("a", Entry("Deep Nets", 1, abstract="Short.", upvotes=3, author_count=4,
                           links=("https://a.org",)), when="2025-01-01")
    b = listing("b", Entry("Deep nets", 5, abstract="A longer abstract.", date="2024-06-20",
                           upvotes=7, submitter="Gensyn", links=("https://b.org",)))
    c = listing("c", Entry("Deep Nets", 2, authors=("Ada Lovelace", "Alan Turing"), upvotes=1,
                           date="2024-06-21", topics=("Vision",)))
    (paper,) = merge([a, b, c])
    assert paper.title == "Deep Nets"  # the spelling seen most often
    assert paper.id == "deep-nets"
    assert paper.date == "2024-06-20"  # dated beats undated; the earliest sighting
    assert paper.upvotes == 7  # the highest count
    assert paper.abstract == "A longer abstract."
    assert (paper.authors, paper.author_count) == (("Ada Lovelace", "Alan Turing"), 4)
    assert paper.submitter == "Gensyn"
    assert paper.links == ("https://a.org", "https://b.org")
    assert paper.fixed_topics == ("Vision",)
    assert [(s.listing, s.line, s.date) for s in paper.sources] == \
        [("a", 1, "2025-01-01"), ("b", 5, None), ("c", 2, None)]


def test_merge_is_independent_of_listing_order() -> None:
    a = listing("a", Entry("X", 1, upvotes=1), Entry("Y", 3))
    b = listing("b", Entry("x", 1, abstract="About X.", links=("https://b.org",)), Entry("Z", 3))
    c = listing("c", Entry("X", 4, links=("https://c.org",), date="2023-01-01"))
    results = [merge(order) for order in permutations([a, b, c])]
    assert all(r == results[0] for r in results)
    assert [p.title for p in results[0]] == ["X", "Y", "Z"]


def test_parsing_listings_in_reversed_order_gives_identical_records() -> None:
    files = [SourceFile(f"content/listings/{p.name}", p.read_bytes())
             for p in sorted(LISTINGS.iterdir())]
    problems = Problems()
    backwards = parse_all(files[::-1], BUILD, problems)
    assert not problems.items
    assert backwards.papers == shipped_corpus().papers
