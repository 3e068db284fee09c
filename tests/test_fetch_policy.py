"""The HTTP policy: spacing (on a fake clock), retries, Retry-After, timeouts, named errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.utils import formatdate

import pytest
from replay import FakeClock, ReplayServer, Reply

from digest.fetch.policy import (
    USER_AGENT,
    FetchError,
    Http,
    Policy,
    host_of,
    retry_after_seconds,
    spacing_for,
)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer().running() as running:
        yield running


def url(server: ReplayServer) -> str:
    return f"{server.url}/x"


def client(server: ReplayServer, clock: FakeClock, spacing: float = 0.0, **policy: float) -> Http:
    return Http(spacing={host_of(server.url): spacing}, clock=clock,
                policy=Policy(**policy))  # type: ignore[arg-type]


def test_requests_to_a_host_are_spaced(server: ReplayServer) -> None:
    clock = FakeClock()
    server.queue("unknown", *[Reply(200, b"ok")] * 4)
    with client(server, clock, spacing=3.0) as http:
        for _ in range(3):
            http.get("Test", url(server))
        assert clock.sleeps == [3.0, 3.0]
        clock.advance(1.25)  # time spent elsewhere counts towards the spacing
        http.get("Test", url(server))
    assert clock.sleeps == [3.0, 3.0, 1.75]
    assert len(server.log) == 4


def test_arxivs_terms_cannot_be_configured_away() -> None:
    assert spacing_for("export.arxiv.org", 0.0) == 3.0
    assert spacing_for("export.arxiv.org:443", 1.0) == 3.0
    assert spacing_for("127.0.0.1:8123", 0.0) == 0.0
    assert spacing_for("huggingface.co", 0.6) == 0.6
    assert Http(spacing={"export.arxiv.org": 0}).spacing("export.arxiv.org") == 3.0


def test_429_waits_as_long_as_retry_after_says(server: ReplayServer) -> None:
    clock = FakeClock()
    server.queue("unknown", Reply(429, b"slow down", {"Retry-After": "7"}), Reply(200, b"ok"))
    with client(server, clock) as http:
        assert http.get("Test", url(server)).text == "ok"
    assert clock.sleeps == [7.0]
    assert len(server.log) == 2


def test_retry_after_as_an_http_date(server: ReplayServer) -> None:
    clock = FakeClock()
    when = formatdate(clock.time() + 12, usegmt=True)
    server.queue("unknown", Reply(503, b"", {"Retry-After": when}), Reply(200, b"ok"))
    with client(server, clock) as http:
        http.get("Test", url(server))
    assert clock.sleeps == [12.0]


def test_503_then_success_backs_off_exponentially(server: ReplayServer) -> None:
    clock = FakeClock()
    server.queue("unknown", Reply(503), Reply(502), Reply(500), Reply(200, b"ok"))
    with client(server, clock, backoff=2.0) as http:
        assert http.get("Test", url(server)).status_code == 200
    assert clock.sleeps == [2.0, 4.0, 8.0]


def test_503_past_the_retries_names_source_url_and_status(server: ReplayServer) -> None:
    clock = FakeClock()
    server.queue("unknown", *[Reply(503)] * 5)
    with client(server, clock, attempts=5, backoff=1.0, max_backoff=4.0) as http, \
            pytest.raises(FetchError) as caught:
        http.get("arXiv", url(server), {"id_list": "2501.00001"})
    error = caught.value
    assert error.source == "arXiv" and error.status == 503
    assert "HTTP 503 (gave up after 5 attempts)" in str(error)
    assert f"{server.url}/x?id_list=2501.00001" in str(error)
    assert clock.sleeps == [1.0, 2.0, 4.0, 4.0]  # capped at max_backoff
    assert len(server.log) == 5


def test_a_very_long_retry_after_is_not_waited_out(server: ReplayServer) -> None:
    clock = FakeClock()
    server.queue("unknown", Reply(429, b"", {"Retry-After": "3600"}))
    with client(server, clock) as http, pytest.raises(FetchError, match="asked to wait 3600 s"):
        http.get("Hugging Face", url(server))
    assert clock.sleeps == [] and len(server.log) == 1


def test_client_errors_are_not_retried(server: ReplayServer) -> None:
    server.queue("unknown", Reply(403, b"no"))
    with client(server, FakeClock()) as http, pytest.raises(FetchError, match="HTTP 403"):
        http.get("Test", url(server))
    assert len(server.log) == 1


def test_accepted_statuses_come_back(server: ReplayServer) -> None:
    server.queue("unknown", Reply(404, b"{}"))
    with client(server, FakeClock()) as http:
        assert http.get("Test", url(server), accept=frozenset({200, 404})).status_code == 404


def test_a_read_timeout_is_retried(server: ReplayServer) -> None:
    clock = FakeClock()
    server.queue("unknown", Reply(200, b"late", delay=1.0), Reply(200, b"ok"))
    with client(server, clock, read_timeout=0.2, backoff=0.5) as http:
        assert http.get("Test", url(server)).text == "ok"
    assert clock.sleeps == [0.5]


def test_read_timeouts_past_the_retries(server: ReplayServer) -> None:
    server.queue("unknown", *[Reply(200, b"late", delay=1.0)] * 2)
    with client(server, FakeClock(), read_timeout=0.2, attempts=2) as http, \
            pytest.raises(FetchError, match=r"read timed out \(gave up after 2 attempts\)"):
        http.get("Test", url(server))


def test_a_refused_connection_is_a_fetch_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    with Http(clock=clock, policy=Policy(attempts=3)) as http, \
            pytest.raises(FetchError, match="connection failed") as caught:
        http.get("Hugging Face", f"http://127.0.0.1:{port}/api/papers/search")
    assert caught.value.source == "Hugging Face"
    assert len(clock.sleeps) == 2


def test_the_user_agent_names_digest(server: ReplayServer) -> None:
    server.queue("unknown", Reply(200))
    with client(server, FakeClock()) as http:
        http.get("Test", url(server))
    assert server.log[0][1]["_ua"] == [USER_AGENT]
    assert USER_AGENT.startswith("digest/")


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), (" 5 ", 5.0), (None, None), ("", None), ("soon", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: no wait
])
def test_retry_after_values(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, now=1_780_000_000.0) == expected
