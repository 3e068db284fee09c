"""The Hugging Face papers API: a day's Daily Papers, title search, one paper by arXiv id.

A paper object carries its arXiv id (``paper.id``), the authors, the first arXiv
version's time (``publishedAt``), its title with arXiv's line wraps kept (collapsed
here), upvotes (a live counter: the caller stores it "as of" the fetch date), and in
newer responses ``githubRepo``, ``projectPage`` and ``organization``. A 404 for a
paper means Hugging Face has not indexed it; a 400 for a day means the date is
invalid or still in the future. Neither is an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from digest.fetch.policy import BadResponse, Http
from digest.text.arxivid import base_id

SOURCE = "Hugging Face"
DEFAULT_URL = "https://huggingface.co/api"
MAX_QUERY = 250  # characters of q= the search accepts
PAGE_SIZE = 100  # the largest limit= of daily_papers


@dataclass(frozen=True)
class HfPaper:
    arxiv_id: str  # base id
    title: str
    summary: str = ""
    authors: tuple[str, ...] = ()
    published: str | None = None  # arXiv first version, ISO 8601
    upvotes: int | None = None
    github_repo: str | None = None
    project_page: str | None = None
    organization: tuple[str, ...] = ()  # its handle and display name, as given
    submitter: str | None = None  # who put it on Daily Papers (display name)


@dataclass(frozen=True)
class DailyPapers:
    """A day's featured papers; ``rejected`` holds the reason when the API refused the
    date (HTTP 400: invalid, or in the future in UTC): the caller reads it as "none"."""

    day: str
    papers: tuple[HfPaper, ...] = ()
    rejected: str | None = None


def _collapse(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _text(value: object) -> str | None:
    return _collapse(value) or None


def _names(value: object) -> tuple[str, ...]:
    """An organisation or user object (or a bare string) → its non-empty names."""
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, dict):
        names = (_text(value.get(key)) for key in ("fullname", "name", "user"))
        return tuple(dict.fromkeys(n for n in names if n))
    return ()


def parse_paper(item: Any) -> HfPaper | None:
    """A paper object, or a list item wrapping one (``{"paper": {...}, ...}``).

    None when it has no usable arXiv id or title (the API indexes a few non-arXiv papers).
    """
    if not isinstance(item, dict):
        return None
    inner = item.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else item
    raw_id = paper.get("id")
    arxiv_id = base_id(raw_id) if isinstance(raw_id, str) else None
    title = _collapse(paper.get("title")) or _collapse(item.get("title"))
    if arxiv_id is None or not title:
        return None
    listed = paper.get("authors")
    authors: list[Any] = listed if isinstance(listed, list) else []
    upvotes = paper.get("upvotes")
    submitter = item.get("submittedBy") or paper.get("submittedOnDailyBy")
    return HfPaper(
        arxiv_id=arxiv_id, title=title,
        summary=_collapse(paper.get("summary")) or _collapse(item.get("summary")),
        authors=tuple(n for n in (_collapse(a.get("name")) for a in authors
                                  if isinstance(a, dict)) if n),
        published=_text(paper.get("publishedAt")),
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
        github_repo=_text(paper.get("githubRepo")), project_page=_text(paper.get("projectPage")),
        organization=_names(paper.get("organization") or item.get("organization")),
        submitter=next(iter(_names(submitter)), None),
    )


def _json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadResponse(SOURCE, url, f"malformed JSON: {exc}") from None


def _papers(data: Any, url: str) -> tuple[HfPaper, ...]:
    if not isinstance(data, list):
        raise BadResponse(SOURCE, url, f"expected a list of papers, got {type(data).__name__}")
    return tuple(p for p in (parse_paper(item) for item in data) if p is not None)


def _error_message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return body[:200].decode("utf-8", "replace").strip() or "HTTP 400"
    return str(data.get("error", data)) if isinstance(data, dict) else str(data)


def search_query(title: str) -> str:
    """The title cut at a word boundary to fit the API's 250 characters."""
    text = _collapse(title)
    if len(text) <= MAX_QUERY:
        return text
    return text[:MAX_QUERY + 1].rsplit(" ", 1)[0]


class HuggingFaceClient:
    def __init__(self, http: Http, base_url: str = DEFAULT_URL, *,
                 page_size: int = PAGE_SIZE) -> None:
        self.http = http
        self.url = base_url.rstrip("/")
        self.page_size = page_size

    def daily_papers(self, day: date) -> DailyPapers:
        """Every paper featured on ``day``, page after page."""
        found: list[HfPaper] = []
        page = 0
        while True:
            params: dict[str, str | int] = {"date": day.isoformat(), "p": page,
                                            "limit": self.page_size}
            response = self.http.get(SOURCE, f"{self.url}/daily_papers", params,
                                     accept=frozenset({200, 400}))
            if response.status_code == 400:
                return DailyPapers(day.isoformat(), tuple(found), _error_message(response.content))
            data = _json(response.content, str(response.url))
            found.extend(_papers(data, str(response.url)))
            if len(data) < self.page_size:
                return DailyPapers(day.isoformat(), tuple(found))
            page += 1

    def search(self, title: str) -> list[HfPaper]:
        """Papers the hybrid search finds for a title, near misses included (verify them)."""
        response = self.http.get(SOURCE, f"{self.url}/papers/search", {"q": search_query(title)})
        return list(_papers(_json(response.content, str(response.url)), str(response.url)))

    def paper(self, arxiv_id: str) -> HfPaper | None:
        """The paper page's data; None when Hugging Face has not indexed the paper (404)."""
        response = self.http.get(SOURCE, f"{self.url}/papers/{quote(arxiv_id, safe='')}",
                                 accept=frozenset({200, 404}))
        if response.status_code == 404:
            return None
        data = _json(response.content, str(response.url))
        paper = parse_paper(data)
        if paper is None:
            raise BadResponse(SOURCE, str(response.url), "paper object without an id or title")
        return paper
