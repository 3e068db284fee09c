"""Hugging Face: Daily Papers (paged, a refused date), title search, one paper, its 404."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from replay import ReplayServer, Reply, World

from digest.fetch.huggingface import MAX_QUERY, HuggingFaceClient, parse_paper, search_query
from digest.fetch.policy import BadResponse, Http, Policy

API = Path(__file__).resolve().parent / "fixtures" / "api"


def test_a_daily_papers_body() -> None:
    items = json.loads((API / "hf-daily-papers.json").read_bytes())
    first, second, no_id = (parse_paper(item) for item in items)
    assert no_id is None
    assert first is not None and second is not None
    assert first.arxiv_id == "2602.20001"
    assert first.title == ("Sparse Mixture Routing for Efficient Speech Recognition at Half the "
                           "Compute")  # arXiv's wrap in paper.title collapsed
    assert first.summary.startswith("We route each audio frame to a few experts and cut the "
                                    "compute of a speech")
    assert first.authors == ("Mira Okafor", "Daniel Brandt", "Yuki Tanaka")
    assert first.published == "2026-02-27T18:01:12.000Z"
    assert first.upvotes == 41
    assert (first.github_repo, first.project_page, first.organization) == (None, None, ())
    assert first.submitter == "Mira Okafor"
    assert second.github_repo == "https://github.com/fict-lab/scr"
    assert second.project_page == "https://fict-lab.github.io/scr/"
    assert second.organization == ("Fictional AI Lab", "fict-lab")


def test_a_bare_paper_object() -> None:
    paper = parse_paper({"id": "2502.09006v2", "title": "T", "authors": [{"name": "A"}],
                         "upvotes": True})
    assert paper is not None and paper.arxiv_id == "2502.09006" and paper.upvotes is None


def test_long_titles_are_cut_at_a_word_for_the_search() -> None:
    title = " ".join(["word"] * 80)  # 399 characters
    query = search_query(title)
    assert len(query) <= MAX_QUERY and query.endswith("word") and title.startswith(query)
    assert search_query("  Short\n  title ") == "Short title"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(World.load()).running() as running:
        yield running


def hf(server: ReplayServer, http: Http, page_size: int = 100) -> HuggingFaceClient:
    return HuggingFaceClient(http, server.hf_url + "/", page_size=page_size)


def fast() -> Http:
    return Http(policy=Policy(backoff=0.0, attempts=2))


def test_daily_papers_page_after_page(server: ReplayServer) -> None:
    with fast() as http:
        daily = hf(server, http, page_size=2).daily_papers(date(2026, 3, 2))
    assert daily.rejected is None
    assert [p.arxiv_id for p in daily.papers] == [
        "2502.09001", "2602.20001", "2602.20002", "2602.20003", "2602.20004"]
    asked = server.requests("hf-daily")
    assert [(q["date"], q["p"], q["limit"]) for q in asked] == [
        (["2026-03-02"], ["0"], ["2"]), (["2026-03-02"], ["1"], ["2"]),
        (["2026-03-02"], ["2"], ["2"])]


def test_a_date_in_the_future_means_no_papers(server: ReplayServer) -> None:
    with fast() as http:
        daily = hf(server, http).daily_papers(date(2030, 1, 1))
    assert daily.papers == () and daily.rejected == "Invalid date"
    assert len(server.requests("hf-daily")) == 1  # a 400 is an answer, not retried


def test_search_returns_near_misses_too(server: ReplayServer) -> None:
    with fast() as http:
        found = hf(server, http).search("Beacon: Lightweight Localization for Indoor Robots")
    assert {"2406.05012", "2503.05112"} <= {p.arxiv_id for p in found}
    beacon = next(p for p in found if p.arxiv_id == "2406.05012")
    assert beacon.title == "Beacon: Lightweight Localization for Indoor Robots"
    assert len(beacon.authors) == 6 and beacon.upvotes == 19


def test_a_paper_and_a_paper_not_indexed(server: ReplayServer) -> None:
    with fast() as http:
        client = hf(server, http)
        paper = client.paper("2502.09006")
        missing = client.paper("2502.09002")
    assert paper is not None and paper.github_repo == "https://github.com/fict-edge/mea"
    assert missing is None
    assert [q["_path"] for q in server.requests("hf-paper")] == [
        ["/hf/api/papers/2502.09006"], ["/hf/api/papers/2502.09002"]]


@pytest.mark.parametrize("body", [b"<html>rate limited</html>", b'{"papers": []}'])
def test_bodies_that_are_not_paper_lists(server: ReplayServer, body: bytes) -> None:
    server.queue("hf-search", Reply(200, body))
    with fast() as http, pytest.raises(BadResponse) as caught:
        hf(server, http).search("anything")
    assert caught.value.source == "Hugging Face"


def test_429_then_the_answer(server: ReplayServer) -> None:
    server.queue("hf-search", Reply(429, b"", {"Retry-After": "0"}))
    with fast() as http:
        assert hf(server, http).search("Beacon")
    assert len(server.requests("hf-search")) == 2
