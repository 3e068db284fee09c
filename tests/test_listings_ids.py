"""Listings of arXiv ids and paper URLs, and the ``arxiv`` field of records."""

from __future__ import annotations

import pytest
from ingest_support import BAD, parse_bytes, parse_fixture

from digest.text.arxivid import NotAnId, abs_url, from_reference, html_url, pdf_url, split_id


@pytest.mark.parametrize(("text", "expected"), [
    ("2410.17243", ("2410.17243", None)),
    ("2410.17243v12", ("2410.17243", 12)),
    ("arXiv:1412.6980", ("1412.6980", None)),
    ("0704.0001v1", ("0704.0001", 1)),
    ("cond-mat/0603029", ("cond-mat/0603029", None)),
    ("math.GT/0309136v2", ("math.GT/0309136", 2)),
])
def test_well_formed_ids(text: str, expected: tuple[str, int | None]) -> None:
    assert split_id(text) == expected


@pytest.mark.parametrize("text", [
    "2410.1724",  # 2015 on: five digits
    "1412.69801",  # until 2014: four digits
    "2413.00001",  # no thirteenth month
    "abc", "", "2410.17243v", "cond-mat/06030", "arXiv:",
])
def test_malformed_ids(text: str) -> None:
    assert split_id(text) is None


@pytest.mark.parametrize(("url", "expected"), [
    ("https://arxiv.org/abs/2406.14833v2", ("2406.14833", 2)),
    ("https://arxiv.org/pdf/2406.14833", ("2406.14833", None)),
    ("http://export.arxiv.org/pdf/2406.14833v1.pdf", ("2406.14833", 1)),
    ("https://arxiv.org/html/2406.14833v3", ("2406.14833", 3)),
    ("arxiv.org/abs/hep-th/9901001", ("hep-th/9901001", None)),
    ("https://huggingface.co/papers/2501.12948", ("2501.12948", None)),
    ("https://hf.co/papers/2501.12948#community", ("2501.12948", None)),
])
def test_paper_urls(url: str, expected: tuple[str, int | None]) -> None:
    assert from_reference(url) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("https://huggingface.co/papers", "Hugging Face URL without an arXiv id"),
    ("https://huggingface.co/papers/trending", "Hugging Face URL without an arXiv id"),
    ("https://arxiv.org/list/cs.LG/recent", "arXiv URL without a paper id"),
    ("https://example.org/2410.17243", "not an arXiv or Hugging Face paper URL"),
    ("Attention is all you need", "not an arXiv id or paper URL"),
])
def test_references_that_name_no_paper(text: str, words: str) -> None:
    with pytest.raises(NotAnId, match=words):
        from_reference(text)


def test_links_are_built_from_the_id() -> None:
    assert abs_url("2410.17243") == "https://arxiv.org/abs/2410.17243"
    assert pdf_url("2410.17243", 2) == "https://arxiv.org/pdf/2410.17243v2"
    assert html_url("cond-mat/0603029") == "https://arxiv.org/html/cond-mat/0603029"


def test_an_ids_listing_is_detected_and_read_in_order() -> None:
    listing, problems = parse_fixture("ids-as-copied.txt")
    assert listing is not None and listing.format == "ids"
    assert [e.arxiv_id for e in listing.entries] == [
        "2410.17243", "2406.14833", "2501.00001", "2501.00002", "2501.00003", "2501.00004",
        "cond-mat/0603029", "2501.00005", "2501.00006", "2501.00007"]
    assert [e.line for e in listing.entries] == list(range(2, 12))
    assert listing.entries[0].title == "arXiv:2410.17243"
    assert listing.entries[1].links == ("https://arxiv.org/abs/2406.14833",)
    assert listing.chrome == (1, 13)  # the comment, and the repeated id
    assert [str(p) for p in problems.items] == [(
        "content/listings/ids-as-copied.txt:13: warning: "
        "arXiv:2410.17243 is already listed on line 2")]


def test_an_ids_listing_keeps_its_good_lines() -> None:
    listing, _ = parse_bytes("bad/ids-bad-lines.txt", (BAD / "ids-bad-lines.txt").read_bytes())
    assert listing is not None and listing.format == "ids"
    assert [e.arxiv_id for e in listing.entries] == ["2410.17243", "2501.00005"]


def test_titles_and_abstracts_are_not_taken_for_ids() -> None:
    listing, _ = parse_bytes("x.txt", b"2410.17243 is a paper\nIts abstract.\n")
    assert listing is not None and listing.format == "title-abstract"


def test_a_record_carries_its_arxiv_id() -> None:
    data = b'[{"title": "A", "arxiv": "arXiv:2401.00010v2"}, {"title": "B"}]'
    listing, problems = parse_bytes("records.json", data)
    assert not problems.items
    assert listing is not None
    assert [e.arxiv_id for e in listing.entries] == ["2401.00010", None]
