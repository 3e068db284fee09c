"""Stored metadata: what ``digest enrich`` found about each paper, read back for the build.

``content/metadata/papers/<id>.json`` holds one arXiv paper (old-style ids write ``/``
as ``_``): the pasted titles resolved to it and how, the arXiv record, the Hugging Face
data, and the code and project links, each block with its source and fetch date.
``content/metadata/overrides.yaml`` holds the matches the user confirmed. Reading is
pure apart from opening those files; every bad value is a ``path:line`` problem and
the rest of the store is still used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from digest.errors import Problems
from digest.text import yamlsafe
from digest.text.arxivid import NotAnId, abs_url, file_stem, from_reference, html_url, pdf_url
from digest.text.slugs import title_key

FOLDER = "metadata"  # under content/
PAPERS = "papers"
OVERRIDES = "overrides.yaml"
NOT_ON_ARXIV = "none"  # an override's arxiv value that stops the search for a paper


@dataclass(frozen=True)
class Sourced:
    """A filled value with where it came from (``arxiv`` / ``huggingface``) and when."""

    value: Any
    source: str
    fetched: str


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArxivBlock:
    fetched: str
    title: str
    summary: str
    authors: tuple[Author, ...]
    published: str  # first version, ISO 8601
    updated: str
    version: int | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()  # the other categories
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class HuggingFaceBlock:
    fetched: str  # upvotes are as of this date
    indexed: bool = True  # False: Hugging Face had no page for the paper on that date
    upvotes: int | None = None
    github_repo: str | None = None
    project_page: str | None = None
    organization: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None


@dataclass(frozen=True)
class Link:
    url: str
    source: str  # "huggingface" or "arxiv abstract"
    fetched: str


@dataclass(frozen=True)
class Match:
    how: str  # "titles equal", "close title (97%) and author count", "listing", "override"
    source: str  # where the id was found: "huggingface search", "arxiv search", ...
    date: str
    titles: tuple[str, ...] = ()  # the pasted titles resolved to this paper


@dataclass(frozen=True)
class PaperMetadata:
    """Everything stored about one arXiv paper."""

    arxiv_id: str
    path: str
    match: Match
    arxiv: ArxivBlock | None = None
    huggingface: HuggingFaceBlock | None = None
    code: Link | None = None
    project: Link | None = None

    @property
    def abs_url(self) -> str:
        return abs_url(self.arxiv_id)

    @property
    def pdf_url(self) -> str:
        return pdf_url(self.arxiv_id)

    @property
    def html_url(self) -> str:
        return html_url(self.arxiv_id)

    @property
    def authors(self) -> Sourced | None:
        """Names in order: arXiv's, else Hugging Face's."""
        if self.arxiv and self.arxiv.authors:
            return Sourced(tuple(a.name for a in self.arxiv.authors), "arxiv",
                           self.arxiv.fetched)
        if self.huggingface and self.huggingface.authors:
            return Sourced(self.huggingface.authors, "huggingface", self.huggingface.fetched)
        return None

    @property
    def date(self) -> Sourced | None:
        """The first version's submission date (ISO), arXiv's else Hugging Face's."""
        if self.arxiv and self.arxiv.published:
            return Sourced(self.arxiv.published[:10], "arxiv", self.arxiv.fetched)
        if self.huggingface and self.huggingface.published:
            return Sourced(self.huggingface.published[:10], "huggingface",
                           self.huggingface.fetched)
        return None

    @property
    def upvotes(self) -> Sourced | None:
        """Hugging Face upvotes as of the fetch date (a live counter)."""
        hf = self.huggingface
        if hf is None or hf.upvotes is None:
            return None
        return Sourced(hf.upvotes, "huggingface", hf.fetched)


@dataclass(frozen=True)
class Override:
    title: str
    arxiv_id: str | None  # None: the user says it is not on arXiv
    path: str
    line: int


@dataclass(frozen=True)
class Store:
    papers: Mapping[str, PaperMetadata] = field(default_factory=dict)  # by base id
    overrides: Mapping[str, Override] = field(default_factory=dict)  # by title key

    @cached_property
    def titles(self) -> dict[str, str]:
        """Title key → arXiv id, from the stored matches, then the overrides (they win)."""
        found = {title_key(t): p.arxiv_id for p in self.papers.values() for t in p.match.titles}
        for key, override in self.overrides.items():
            if override.arxiv_id is None:
                found.pop(key, None)
            else:
                found[key] = override.arxiv_id
        return found

    def arxiv_id_for(self, title: str, listed: str | None = None) -> str | None:
        """The id a paper resolves to: the one its listing names, else its title's."""
        return listed or self.titles.get(title_key(title))

    def for_paper(self, title: str, listed: str | None = None) -> PaperMetadata | None:
        """The stored metadata of a pasted paper, if any (``listed``: its listing's id)."""
        arxiv_id = self.arxiv_id_for(title, listed)
        return self.papers.get(arxiv_id) if arxiv_id else None


# --- reading ----------------------------------------------------------------------------

class _Bad(Exception):
    def __init__(self, keys: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.keys = keys
        self.message = message


def _line(text: str, keys: tuple[str, ...]) -> int:
    """The line of a nested key, found by walking the text key after key."""
    at = 0
    for key in keys:
        found = text.find(f'"{key}":', at)
        if found < 0:
            break
        at = found
    return text.count("\n", 0, at) + 1


def _str(data: Mapping[str, Any], key: str, where: tuple[str, ...],
         required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Bad((*where, key), f"'{'.'.join((*where, key))}' must be text, got {value!r}")
    return value


def _strings(data: Mapping[str, Any], key: str, where: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad((*where, key), f"'{'.'.join((*where, key))}' must be a list of text")
    return tuple(value)


def _int(data: Mapping[str, Any], key: str, where: tuple[str, ...]) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad((*where, key), f"'{'.'.join((*where, key))}' must be a whole number")
    return value


def _block(data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad((key,), f"'{key}' must be an object")
    return value


def _arxiv_block(data: dict[str, Any]) -> ArxivBlock:
    w = ("arxiv",)
    authors = data.get("authors", [])
    if not isinstance(authors, list) or not all(
            isinstance(a, str) or isinstance(a, dict) and isinstance(a.get("name"), str)
            for a in authors):
        raise _Bad((*w, "authors"), "'arxiv.authors' must be a list of names "
                   "or {name, affiliations}")
    return ArxivBlock(
        fetched=_str(data, "fetched", w, True) or "", title=_str(data, "title", w, True) or "",
        summary=_str(data, "summary", w) or "",
        authors=tuple(Author(a) if isinstance(a, str) else
                      Author(a["name"], _strings(a, "affiliations", (*w, "authors")))
                      for a in authors),
        published=_str(data, "published", w, True) or "", updated=_str(data, "updated", w) or "",
        version=_int(data, "version", w), primary_category=_str(data, "primary_category", w),
        categories=_strings(data, "categories", w), comment=_str(data, "comment", w),
        journal_ref=_str(data, "journal_ref", w), doi=_str(data, "doi", w))


def _hf_block(data: dict[str, Any]) -> HuggingFaceBlock:
    w = ("huggingface",)
    return HuggingFaceBlock(
        fetched=_str(data, "fetched", w, True) or "", indexed=data.get("indexed") is not False,
        upvotes=_int(data, "upvotes", w),
        github_repo=_str(data, "github_repo", w), project_page=_str(data, "project_page", w),
        organization=_str(data, "organization", w), authors=_strings(data, "authors", w),
        published=_str(data, "published", w))


def _link(links: dict[str, Any], key: str) -> Link | None:
    value = links.get(key)
    if value is None:
        return None
    w = ("links", key)
    if not isinstance(value, dict):
        raise _Bad(w, f"'links.{key}' must be an object with url, source, fetched")
    return Link(_str(value, "url", w, True) or "", _str(value, "source", w, True) or "",
                _str(value, "fetched", w, True) or "")


KEYS = frozenset({"id", "match", "arxiv", "huggingface", "links"})


def parse_paper(path: str, text: str, problems: Problems) -> PaperMetadata | None:
    """One paper file; None (with a problem) when it cannot be trusted."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, f"cannot read stored metadata: {exc.msg}")
        return None
    if not isinstance(data, dict):
        problems.error(path, 1, "stored metadata must be a JSON object")
        return None
    for key in sorted(set(data) - KEYS):
        problems.warning(path, _line(text, (key,)), f"unknown key {key!r} ignored")
    try:
        raw_id = _str(data, "id", (), True) or ""
        try:
            arxiv_id, _ = from_reference(raw_id)
        except NotAnId:
            raise _Bad(("id",), f"'id' is not an arXiv id: {raw_id!r}") from None
        stem = Path(path).stem
        if stem != file_stem(arxiv_id):
            raise _Bad(("id",), f"file is named {stem!r} but holds {arxiv_id!r}")
        match = _block(data, "match") or {}
        w = ("match",)
        found_match = Match(_str(match, "how", w) or "", _str(match, "source", w) or "",
                            _str(match, "date", w) or "", _strings(match, "titles", w))
        arxiv = _block(data, "arxiv")
        hf = _block(data, "huggingface")
        links = _block(data, "links") or {}
        return PaperMetadata(
            arxiv_id=arxiv_id, path=path, match=found_match,
            arxiv=_arxiv_block(arxiv) if arxiv is not None else None,
            huggingface=_hf_block(hf) if hf is not None else None,
            code=_link(links, "code"), project=_link(links, "project"))
    except _Bad as bad:
        problems.error(path, _line(text, bad.keys), bad.message)
        return None


def _scalar(node: yaml.Node) -> str | None:
    """A scalar's text as written: ``arxiv: 2401.10`` stays ``2401.10``, not a number."""
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else None


def parse_overrides(path: str, text: str, problems: Problems) -> dict[str, Override]:
    """``- {title: "...", arxiv: "2401.01234"}`` items (``arxiv: none``: not on arXiv)."""
    try:
        root = yamlsafe.compose(text)
    except yamlsafe.YamlError as exc:
        problems.error(path, exc.line, f"cannot read overrides: {exc.message}")
        return {}
    if root is None:
        return {}
    if not isinstance(root, yaml.SequenceNode):
        problems.error(path, yamlsafe.line_of(root),
                       "overrides must be a list of {title, arxiv} items")
        return {}
    found: dict[str, Override] = {}
    for node in root.value:
        line = yamlsafe.line_of(node)
        if not isinstance(node, yaml.MappingNode):
            problems.error(path, line, "each override is a mapping: title, arxiv")
            continue
        fields = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        for key in sorted(set(fields) - {"title", "arxiv"}):
            problems.error(path, yamlsafe.line_of(fields[key]), f"unknown override key {key!r}")
        title = _scalar(fields["title"]) if "title" in fields else None
        raw = _scalar(fields["arxiv"]) if "arxiv" in fields else None
        if not title or raw is None:
            problems.error(path, line, "an override needs a 'title' and an 'arxiv' id (or none)")
            continue
        arxiv_id: str | None = None
        if raw.lower() != NOT_ON_ARXIV:
            try:
                arxiv_id = from_reference(raw)[0]
            except NotAnId as exc:
                problems.error(path, yamlsafe.line_of(fields["arxiv"]), str(exc))
                continue
        key = title_key(title)
        if key in found and found[key].arxiv_id != arxiv_id:
            problems.error(path, line, f"{title[:60]!r} is also overridden on line "
                           f"{found[key].line} with another id")
            continue
        found[key] = Override(title, arxiv_id, path, line)
    return found


def read_store(root: Path, content: Path, problems: Problems) -> Store:
    """Every stored paper and the overrides under ``content/metadata``; bad files are
    reported and left out."""
    folder = content / FOLDER
    papers: dict[str, PaperMetadata] = {}
    if (folder / PAPERS).is_dir():
        for file in sorted((folder / PAPERS).glob("*.json")):
            if file.name.startswith("."):
                continue  # an interrupted write's temporary file
            rel = _relative(root, file)
            paper = parse_paper(rel, file.read_text(encoding="utf-8"), problems)
            if paper is not None:
                papers[paper.arxiv_id] = paper
    overrides: dict[str, Override] = {}
    if (folder / OVERRIDES).is_file():
        file = folder / OVERRIDES
        overrides = parse_overrides(_relative(root, file), file.read_text(encoding="utf-8"),
                                    problems)
    return Store(papers, overrides)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
