"""``digest.yaml`` → a frozen Config. Unknown keys and wrong types are errors naming the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from digest.errors import Problems
from digest.text import yamlsafe

CONFIG_NAME = "digest.yaml"


@dataclass(frozen=True)
class TopicRule:
    """A topic of the taxonomy and the words that put a paper in it."""

    name: str
    slug: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Apis:
    """Where ``digest enrich`` reaches arXiv and Hugging Face, and how far apart its requests
    to each are (seconds; arXiv's own host is never asked more often than its terms allow)."""

    arxiv: str = "https://export.arxiv.org/api/query"
    huggingface: str = "https://huggingface.co/api"
    arxiv_spacing: float = 3.0
    huggingface_spacing: float = 0.6  # about 500 anonymous requests per 5 minutes
    arxiv_rss: str = "https://rss.arxiv.org/atom"  # announcement feeds, spaced as arxiv

    def with_env(self, environ: Mapping[str, str]) -> Apis:
        """``DIGEST_ARXIV_API``, ``DIGEST_HUGGINGFACE_API`` and ``DIGEST_ARXIV_RSS``
        override the file."""
        return replace(self, arxiv=environ.get("DIGEST_ARXIV_API") or self.arxiv,
                       huggingface=environ.get("DIGEST_HUGGINGFACE_API") or self.huggingface,
                       arxiv_rss=environ.get("DIGEST_ARXIV_RSS") or self.arxiv_rss)


SOURCE_KINDS = ("huggingface", "arxiv")


@dataclass(frozen=True)
class Source:
    """A feed ``digest fetch`` keeps current: each of its days becomes one edition listing.

    ``max_age_days``: how old its newest fetched day may get before ``digest check
    --freshness`` fails (a broken fetch must not look like a quiet week);
    ``backfill_days``: how many recent days every run fetches again (papers keep
    arriving for a day after it), and where a first run starts.
    """

    name: str
    kind: str  # one of SOURCE_KINDS
    query: str | None = None  # arXiv search_query, e.g. cat:cs.CV AND abs:"self-supervised"
    max_age_days: int = 3
    backfill_days: int = 3
    line: int = 0  # where digest.yaml defines it


@dataclass(frozen=True)
class Config:
    root: Path
    title: str = "Paper digest"
    description: str = "Research papers we follow, grouped by topic and date."
    base_url: str = "http://127.0.0.1:8000/"
    author: str = ""
    language: str = "en"
    per_page: int = 25
    # Papers per page of an edition or a month: a records listing of 8,000 papers was one
    # 6.5 MB page.
    listing_per_page: int = 200
    feed_size: int = 50
    # An author gets a page of their own from this many papers on (1: every author); the
    # others' names are plain text, and the authors index links them to their papers.
    author_pages: int = 2
    output: str = "site"
    cname: str | None = None
    markdown_html: bool = False
    topics: tuple[TopicRule, ...] | None = None  # None: the shipped default taxonomy
    apis: Apis = Apis()
    sources: tuple[Source, ...] = ()
    path: Path | None = None  # the digest.yaml read, if any

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        out = Path(self.output)
        return out if out.is_absolute() else self.root / out

    @property
    def base_path(self) -> str:
        """The sub-path the site is served under: ``/`` or ``/papers/``."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def with_base_url(self, base_url: str) -> Config:
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


_SCALARS: dict[str, tuple[type, ...]] = {
    "title": (str,), "description": (str,), "base_url": (str,), "author": (str,),
    "language": (str,), "per_page": (int,), "feed_size": (int,), "author_pages": (int,),
    "listing_per_page": (int,), "output": (str,),
    "cname": (str,),
}
_KEYS = (*_SCALARS, "topics", "markdown", "apis", "sources")


def _line_of(text: str, key: str) -> int:
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith(f"{key}:"):
            return number
    return 1


def _topics(where: str, text: str, value: Any, problems: Problems) -> tuple[TopicRule, ...] | None:
    from digest.text.slugs import name_slug

    line = _line_of(text, "topics")
    if not isinstance(value, list):
        problems.error(where, line, "'topics' must be a list of topics")
        return None
    rules = []
    for index, item in enumerate(value):
        label = f"topics[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            problems.error(where, line, f"{label} must be a mapping with a 'name'")
            continue
        unknown = sorted(set(item) - {"name", "slug", "description", "keywords"})
        if unknown:
            problems.error(where, line, f"{label}: unknown key(s) {', '.join(map(str, unknown))}")
        keywords = item.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            problems.error(where, line, f"{label}.keywords must be a list of strings")
            keywords = []
        description = item.get("description", "")
        if not isinstance(description, str):
            problems.error(where, line, f"{label}.description must be text")
            description = ""
        slug = item.get("slug") or name_slug(item["name"])
        rules.append(TopicRule(item["name"], str(slug), description, tuple(keywords)))
    slugs = [r.slug for r in rules]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.error(where, line, f"two topics share the slug {slug!r}")
    return tuple(rules)


def _absolute_url(value: object) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)


def _apis(where: str, line: int, value: Any, problems: Problems) -> Apis | None:
    """``apis: {arxiv: URL, huggingface: URL, arxiv_rss: URL, spacing: {arxiv: 3,
    huggingface: 0.6}}`` (arxiv_rss: where the announcement feeds are, spaced as arxiv)."""
    if not isinstance(value, dict):
        problems.error(where, line, "'apis' must be a mapping: arxiv, huggingface, spacing")
        return None
    ok = True
    unknown = sorted(str(k) for k in set(value)
                     - {"arxiv", "huggingface", "arxiv_rss", "spacing"})
    if unknown:
        problems.error(where, line, f"apis: unknown key(s) {', '.join(unknown)} "
                       "(known: arxiv, huggingface, arxiv_rss, spacing)")
        ok = False
    fields: dict[str, Any] = {}
    for name in ("arxiv", "huggingface", "arxiv_rss"):
        if value.get(name) is None:
            continue
        if _absolute_url(value[name]):
            fields[name] = value[name]
        else:
            problems.error(where, line, f"apis.{name} must be an absolute http(s) URL, "
                           f"got {value[name]!r}")
            ok = False
    spacing = value.get("spacing") or {}
    if not isinstance(spacing, dict) or set(spacing) - {"arxiv", "huggingface"}:
        problems.error(where, line,
                       "apis.spacing takes seconds per API: {arxiv: 3, huggingface: 0.6}")
        return None
    for name, seconds in spacing.items():
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            problems.error(where, line, f"apis.spacing.{name} must be seconds (0 or more), "
                           f"got {seconds!r}")
            ok = False
        else:
            fields[f"{name}_spacing"] = float(seconds)
    return Apis(**fields) if ok else None


def _sources(where: str, text: str, value: Any, problems: Problems) -> tuple[Source, ...]:
    """``sources: [{name, kind: huggingface|arxiv, query, max_age_days, backfill_days}]``."""
    from digest.text.slugs import name_slug

    line = _line_of(text, "sources")
    if not isinstance(value, list):
        problems.error(where, line, "'sources' must be a list of sources "
                       "(- {name: hf, kind: huggingface})")
        return ()
    lines = text.splitlines()
    found: list[Source] = []
    for index, item in enumerate(value):
        label = f"sources[{index}]"
        # the item's own line: the index-th "- " under sources:, else the key's line
        dashes = [n for n, raw in enumerate(lines[line:], start=line + 1)
                  if raw.lstrip().startswith("- ")]
        at = dashes[index] if index < len(dashes) else line
        if not isinstance(item, dict):
            problems.error(where, at, f"{label} must be a mapping with a name and a kind")
            continue
        known = {"name", "kind", "query", "max_age_days", "backfill_days"}
        unknown = sorted(str(k) for k in set(item) - known)
        if unknown:
            problems.error(where, at, f"{label}: unknown key(s) {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(known))})")
            continue
        name, kind, query = item.get("name"), item.get("kind"), item.get("query")
        bad = []
        if not isinstance(name, str) or not name.strip() or name_slug(name) != name:
            bad.append(f"'name' must be a short slug like hf-daily (it names the listing "
                       f"files), got {name!r}")
        if kind not in SOURCE_KINDS:
            bad.append(f"'kind' must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
        if kind == "arxiv" and (not isinstance(query, str) or not query.strip()):
            bad.append("an arxiv source needs a 'query', like 'cat:cs.CV AND abs:\"diffusion\"'")
        if kind == "huggingface" and query is not None:
            bad.append("a huggingface source takes no 'query'")
        numbers: dict[str, int] = {}
        for key, default in (("max_age_days", 3), ("backfill_days", 3)):
            number = item.get(key, default)
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                bad.append(f"{key!r} must be a whole number of days (1 or more), got {number!r}")
            else:
                numbers[key] = number
        for message in bad:
            problems.error(where, at, f"{label}: {message}")
        if not bad:
            found.append(Source(str(name), str(kind), query, line=at, **numbers))
    names = [s.name for s in found]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.error(where, line, f"two sources are named {name!r}")
    return tuple(found)


def load(root: Path, problems: Problems, config_path: Path | None = None) -> Config:
    """Read ``digest.yaml`` (a missing file means defaults); report every bad key."""
    path = config_path or root / CONFIG_NAME
    if config_path is not None:
        root = config_path.parent
    if not path.exists():
        if config_path is not None:
            problems.error(str(path), 0, "config file not found")
        return Config(root=root.resolve())
    where = str(path)
    text = path.read_text(encoding="utf-8")
    loaded = yamlsafe.load_mapping(text, where, problems, what="digest.yaml")
    if loaded is None:
        return Config(root=root.resolve(), path=path)
    data, _key_lines = loaded
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(text, str(key))
        if key not in _KEYS:
            problems.error(where, line, f"unknown key {key!r} (known: {', '.join(_KEYS)})")
        elif key in _SCALARS:
            if value is None:
                continue
            if not isinstance(value, _SCALARS[key]) or isinstance(value, bool):
                kind = "a whole number" if _SCALARS[key] == (int,) else "text"
                problems.error(where, line, f"{key!r} must be {kind}, got {value!r}")
            elif key in ("per_page", "listing_per_page", "feed_size", "author_pages") \
                    and isinstance(value, int) and value < 1:
                problems.error(where, line, f"{key!r} must be at least 1")
            else:
                values[key] = value
        elif key == "markdown":
            if not isinstance(value, dict) or set(value) - {"html"} or \
                    not isinstance(value.get("html", False), bool):
                problems.error(where, line, "'markdown' takes one key, 'html: true|false'")
            else:
                values["markdown_html"] = value.get("html", False)
        elif key == "topics":
            topics = _topics(where, text, value, problems)
            if topics is not None:
                values["topics"] = topics
        elif key == "sources":
            values["sources"] = _sources(where, text, value, problems)
        elif key == "apis":
            apis = _apis(where, line, value, problems)
            if apis is not None:
                values["apis"] = apis
    if "base_url" in values:
        parts = urlsplit(values["base_url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.error(where, _line_of(text, "base_url"),
                           "'base_url' must be absolute, like https://user.github.io/papers/")
            del values["base_url"]
        else:
            values["base_url"] = normalise_base_url(values["base_url"])
    return Config(root=root.resolve(), path=path, **values)


__all__ = ["CONFIG_NAME", "SOURCE_KINDS", "Apis", "Config", "Source", "TopicRule", "load"]
