"""arXiv: the Atom feed in both formats, its error entry and empty pages, id batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from replay import EMPTY_FEED, Paper, ReplayServer, Reply, World, error_feed

from digest.fetch.arxiv import ArxivClient, parse_feed, title_query
from digest.fetch.policy import ApiError, BadResponse, Http, Policy

API = Path(__file__).resolve().parent / "fixtures" / "api"


def test_the_2026_format_with_affiliations_and_journal_ref() -> None:
    feed = parse_feed((API / "arxiv-2026-id-list-affiliation.xml").read_bytes())
    assert feed.total == 1
    (record,) = feed.records
    assert (record.id, record.version) == ("2403.07003", 2)
    assert record.title == "Learning Shadows from a Single Image"
    assert record.summary.startswith("One photograph suffices to estimate soft shadows & their")
    assert "V_max<17.5" in record.summary
    assert [a.name for a in record.authors] == ["Camille Moreau", "Rafael Ortiz", "Jo Lee"]
    assert record.authors[1].affiliations == ("Instituto Ficticio", "Université Fictive")
    assert record.authors[2].affiliations == ()
    assert record.published == "2024-03-11T10:00:00Z" and record.published_date == "2024-03-11"
    assert record.updated == "2024-04-02T09:12:44Z"
    assert record.primary_category == "cs.CV" and record.categories == ("cs.GR",)
    assert record.comment == "14 pages, 9 figures. Submitted to a fictional venue"
    assert record.journal_ref == "Fict. J. Vision 12:1-14, 2024"
    assert record.doi == "10.5555/fict.2024.0007"


def test_the_2016_format_wraps_and_orders_differently() -> None:
    (record,) = parse_feed((API / "arxiv-2016-legacy-wrapped.xml").read_bytes()).records
    assert (record.id, record.version) == ("hep-th/9901001", 3)
    assert record.title == ("Boundary States in Toy String Models with an Unusually Long Title "
                            "That Wraps onto a Second Line")
    assert "\n" not in record.summary and "  " not in record.summary
    assert record.summary.startswith("We classify the boundary states")
    assert [a.name for a in record.authors] == ["Karl Mertens", "Ada Quist"]
    assert record.comment == "10 pages, 2 figures; added reference"
    assert record.primary_category == "hep-th" and record.categories == ("math-ph",)
    assert record.doi == "10.5555/fict.1999.001"
    assert record.published_date == "1999-01-04"


def test_the_error_entry_is_an_api_error_naming_the_id() -> None:
    with pytest.raises(ApiError, match="incorrect id format for 2401.1") as caught:
        parse_feed((API / "arxiv-2026-error-400.xml").read_bytes(), "https://x/api?id_list=2401.1")
    assert caught.value.code == "incorrect_id_format_for_2401.1"
    assert caught.value.source == "arXiv"


def test_an_empty_feed() -> None:
    feed = parse_feed((API / "arxiv-2026-empty.xml").read_bytes())
    assert feed.total == 0 and feed.records == ()


@pytest.mark.parametrize(("body", "words"), [
    ((API / "arxiv-truncated.xml").read_bytes(), "malformed XML"),
    (b"<html><body>Service unavailable</body></html>", "expected an Atom feed"),
    (b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed/>', "DOCTYPE"),
    (b"", "malformed XML"),
])
def test_bodies_that_are_not_feeds(body: bytes, words: str) -> None:
    with pytest.raises(BadResponse, match=words):
        parse_feed(body, "https://export.arxiv.org/api/query")


@pytest.mark.parametrize(("title", "query"), [
    ("MM1: Methods, Analysis & Insights from Multimodal LLM Pre-training",
     'ti:"MM1 Methods Analysis Insights from Multimodal LLM Pre training"'),
    ("Qwen2.5-VL: the Model's Eyes", 'ti:"Qwen2 5 VL the Model Eyes"'),
    ('"Quoted" (and bracketed) [words]?', 'ti:"Quoted and bracketed words"'),
    ("Über α-Mixup", 'ti:"Über α Mixup"'),
])
def test_title_queries_carry_words_only(title: str, query: str) -> None:
    assert title_query(title) == query


# --- against the replay server ----------------------------------------------------------------

PAPER = Paper(id="2501.00042", title="Tiny Paper: A Test", authors=("A. Author",),
              published="2025-01-10T10:00:00Z", summary="Short.")


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(World({PAPER.id: PAPER})).running() as running:
        yield running


def arxiv_client(server: ReplayServer, http: Http, empty_retries: int = 2) -> ArxivClient:
    return ArxivClient(http, server.arxiv_url, empty_retries=empty_retries)


def fast() -> Http:
    return Http(policy=Policy(backoff=0.0, attempts=3))


def test_an_empty_page_is_asked_again(server: ReplayServer) -> None:
    server.queue("arxiv", Reply(200, EMPTY_FEED))
    with fast() as http:
        found = arxiv_client(server, http).search_title("Tiny Paper: A Test")
    assert [r.id for r in found] == ["2501.00042"]
    assert len(server.requests("arxiv")) == 2


def test_a_title_search_sends_the_phrase(server: ReplayServer) -> None:
    with fast() as http:
        arxiv_client(server, http).search_title("Tiny Paper: A Test")
    (query,) = server.requests("arxiv")
    assert query["search_query"] == ['ti:"Tiny Paper A Test"']
    assert query["max_results"] == ["10"]


def test_an_unknown_id_is_missing_only_after_the_retries(server: ReplayServer) -> None:
    with fast() as http:
        lookup = arxiv_client(server, http).fetch(["2501.99999v2"])
    assert lookup.missing == ("2501.99999",) and not lookup.records
    assert len(server.requests("arxiv")) == 3  # the page and two more looks


def test_an_id_missing_from_a_full_page_gets_a_second_look(server: ReplayServer) -> None:
    server.queue("arxiv", Reply(200, EMPTY_FEED))  # one empty page first
    with fast() as http:
        lookup = arxiv_client(server, http).fetch(["2501.00042", "2501.99999"])
    assert sorted(lookup.records) == ["2501.00042"] and lookup.missing == ("2501.99999",)
    asked = [q["id_list"][0] for q in server.requests("arxiv")]
    assert asked == ["2501.00042,2501.99999", "2501.00042,2501.99999", "2501.99999",
                     "2501.99999", "2501.99999"]


def test_a_malformed_id_is_rejected_and_the_rest_fetched(server: ReplayServer) -> None:
    with fast() as http:
        lookup = arxiv_client(server, http).fetch(["2401.1", "2501.00042"])
    assert list(lookup.records) == ["2501.00042"]
    assert lookup.rejected == {
        "2401.1": "arXiv refused the request: incorrect id format for 2401.1"}
    assert lookup.missing == ()


def test_an_error_entry_without_an_id_is_raised(server: ReplayServer) -> None:
    server.queue("arxiv", Reply(400, error_feed("ti_broken")))
    with fast() as http, pytest.raises(ApiError, match="incorrect id format for ti_broken"):
        arxiv_client(server, http).search_title("anything")


def test_a_malformed_body_is_an_error(server: ReplayServer) -> None:
    server.queue("arxiv", Reply(200, b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>"))
    with fast() as http, pytest.raises(BadResponse, match="malformed XML") as caught:
        arxiv_client(server, http).search_title("Tiny Paper")
    assert caught.value.url.startswith(server.arxiv_url)


def test_503_then_a_record(server: ReplayServer) -> None:
    server.queue("arxiv", Reply(503), Reply(503))
    with fast() as http:
        lookup = arxiv_client(server, http).fetch(["2501.00042"])
    assert list(lookup.records) == ["2501.00042"]
    assert len(server.requests("arxiv")) == 3


def test_ids_go_in_batches_of_a_hundred() -> None:
    papers = {f"2501.{n:05d}": Paper(id=f"2501.{n:05d}", title=f"Paper {n}", authors=("X Y",),
                                     published="2025-01-02T00:00:00Z") for n in range(1, 251)}
    with ReplayServer(World(papers)).running() as server, fast() as http:
        lookup = arxiv_client(server, http).fetch(sorted(papers))
        asked = server.requests("arxiv")
    assert len(lookup.records) == 250 and not lookup.missing
    assert [len(q["id_list"][0].split(",")) for q in asked] == [100, 100, 50]
    assert [q["max_results"] for q in asked] == [["100"], ["100"], ["50"]]


def test_the_2016_format_through_the_client() -> None:
    with ReplayServer(World({PAPER.id: PAPER}), legacy=True).running() as server, \
            fast() as http:
        (record,) = arxiv_client(server, http).search_title("Tiny Paper: A Test")
    assert record.title == "Tiny Paper: A Test" and record.authors[0].name == "A. Author"
