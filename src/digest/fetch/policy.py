"""The one HTTP policy every client uses: timeouts, retries, spacing, User-Agent.

arXiv asks for at most one request every 3 seconds on one connection and answers
bursts with 429 or 503; Hugging Face allows anonymous clients a few hundred requests
per five minutes. So every request waits for its host's spacing, transient failures
(timeouts, dropped connections, 429, 5xx) are retried with exponential backoff or
after the server's ``Retry-After``, and what still fails becomes a ``FetchError``
naming the source and the URL. Time comes from an injectable clock, so tests check
the spacing and the backoff without waiting.
"""

from __future__ import annotations

import email.utils
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, Self
from urllib.parse import urlsplit

import httpx
import tenacity

from digest import __version__

USER_AGENT = f"digest/{__version__} (static site generator for paper digests; python-httpx)"
# Hosts whose terms of use set a minimum spacing that configuration cannot lower.
TERMS_SPACING = {"export.arxiv.org": 3.0, "arxiv.org": 3.0, "rss.arxiv.org": 3.0}
_RETRY_STATUSES = frozenset({408, 429})


class Clock(Protocol):
    """Where the policy reads time and waits; tests pass a fake one."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...  # wall clock (seconds since the epoch), for Retry-After dates

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class FetchError(Exception):
    """A request that failed for good: which source, which URL, why."""

    def __init__(self, source: str, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{source}: {reason} ({url})")
        self.source = source
        self.url = url
        self.reason = reason
        self.status = status


class ApiError(FetchError):
    """The service understood the request and refused it (arXiv's ``Error`` entry)."""

    code: str | None = None  # the service's own name for the error, when it gives one


class BadResponse(FetchError):
    """A body that cannot be read as the format the service promises."""


class _Transient(Exception):
    """A failure worth another attempt; ``retry_after`` is the server's wish, if any."""

    def __init__(self, reason: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Policy:
    """Timeouts and retry budget; the defaults suit arXiv and Hugging Face."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempts: int = 5  # requests per call, the first included
    backoff: float = 2.0  # wait before the second attempt; doubles after each failure
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a server asking for longer gets a FetchError instead


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)


def host_of(url: str) -> str:
    """The ``host:port`` a URL's requests are spaced by."""
    return urlsplit(url).netloc.lower()


def spacing_for(host: str, configured: float) -> float:
    """The configured spacing, never below what the host's terms require."""
    hostname = host.rsplit("@", 1)[-1].split(":", 1)[0]
    return max(configured, TERMS_SPACING.get(hostname, 0.0))


class Http:
    """A synchronous client that spaces, retries and names its failures.

    ``spacing`` maps ``host:port`` to the minimum seconds between two requests to it;
    one connection per host (arXiv's terms), requests made one at a time.
    """

    def __init__(self, *, spacing: Mapping[str, float] | None = None,
                 policy: Policy | None = None, clock: Clock | None = None,
                 user_agent: str = USER_AGENT,
                 notify: Callable[[str], None] | None = None) -> None:
        self.policy = policy or Policy()
        self.clock: Clock = clock or SystemClock()
        self.notify = notify
        self._spacing = {host.lower(): spacing_for(host.lower(), seconds)
                         for host, seconds in (spacing or {}).items()}
        self._last: dict[str, float] = {}  # host → monotonic time its last request was sent
        self.sent: Counter[str] = Counter()  # source → requests sent, retries included
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout,
                                  connect=self.policy.connect_timeout),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"User-Agent": user_agent}, follow_redirects=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def spacing(self, host: str) -> float:
        return self._spacing.get(host.lower(), 0.0)

    def _wait_turn(self, host: str) -> None:
        """Sleep until the host's spacing since its previous request has passed."""
        last = self._last.get(host)
        if last is not None:
            remaining = self.spacing(host) - (self.clock.monotonic() - last)
            if remaining > 0:
                self.clock.sleep(remaining)
        self._last[host] = self.clock.monotonic()

    def _once(self, source: str, url: str, params: Mapping[str, str | int] | None,
              accept: frozenset[int]) -> httpx.Response:
        self._wait_turn(host_of(url))
        self.sent[source] += 1
        try:
            response = self._client.get(url, params=params)
        except httpx.TimeoutException as exc:
            kind = type(exc).__name__.removesuffix("Timeout").lower() or "request"
            raise _Transient(f"{kind} timed out") from exc
        except httpx.TransportError as exc:
            raise _Transient(f"connection failed: {exc or type(exc).__name__}") from exc
        status = response.status_code
        if status in accept:
            return response
        if status in _RETRY_STATUSES or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"), self.clock.time())
            if wait is not None and wait > self.policy.max_retry_after:
                raise FetchError(source, str(response.url),
                                 f"HTTP {status}, asked to wait {wait:.0f} s; try again later",
                                 status)
            raise _Transient(f"HTTP {status}", status, wait)
        raise FetchError(source, str(response.url), f"HTTP {status}", status)

    def _backoff(self, state: tenacity.RetryCallState) -> float:
        """The server's ``Retry-After`` when it gave one, else doubling waits."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        return float(min(self.policy.max_backoff,
                         self.policy.backoff * 2 ** (state.attempt_number - 1)))

    def _before_sleep(self, source: str, url: str) -> Callable[[tenacity.RetryCallState], None]:
        def tell(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            if self.notify is not None:
                self.notify(f"{source}: {exc}; retrying in {wait:.0f} s ({url})")
        return tell

    def get(self, source: str, url: str, params: Mapping[str, str | int] | None = None, *,
            accept: frozenset[int] = frozenset({200})) -> httpx.Response:
        """GET with the policy; statuses in ``accept`` are returned, the rest raise.

        Raises FetchError once the attempts are spent or on a status not worth retrying.
        """
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.policy.attempts),
            wait=self._backoff,
            retry=tenacity.retry_if_exception_type(_Transient),
            sleep=self.clock.sleep,
            before_sleep=self._before_sleep(source, url),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(source, url, params, accept)
        except _Transient as exc:
            full = str(httpx.URL(url, params=params)) if params else url
            raise FetchError(source, full, f"{exc.reason} (gave up after "
                             f"{self.policy.attempts} attempts)", exc.status) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")
