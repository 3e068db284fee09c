"""Writing ``content/metadata/papers/<id>.json``: the other half of ``inputs.metadata``.

Each file is replaced atomically (a temporary file in the same folder, then
``os.replace``), so a Ctrl-C or a kill leaves either the old file or the new one,
never half of one. JSON with sorted keys, two-space indents and empty values left
out: a refresh shows in a diff as the lines that changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from digest.fetch.arxiv import ArxivRecord
from digest.fetch.huggingface import HfPaper
from digest.inputs.metadata import (
    FOLDER,
    PAPERS,
    ArxivBlock,
    Author,
    HuggingFaceBlock,
    Link,
    Match,
    PaperMetadata,
)
from digest.text.arxivid import file_stem
from digest.text.links import extract_links

_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


def papers_folder(content: Path) -> Path:
    return content / FOLDER / PAPERS


def paper_file(content: Path, arxiv_id: str) -> Path:
    return papers_folder(content) / f"{file_stem(arxiv_id)}.json"


def arxiv_block(record: ArxivRecord, fetched: str) -> ArxivBlock:
    return ArxivBlock(
        fetched=fetched, title=record.title, summary=record.summary,
        authors=tuple(Author(a.name, a.affiliations) for a in record.authors),
        published=record.published, updated=record.updated, version=record.version,
        primary_category=record.primary_category, categories=record.categories,
        comment=record.comment, journal_ref=record.journal_ref, doi=record.doi)


def huggingface_block(paper: HfPaper | None, fetched: str) -> HuggingFaceBlock:
    """Hugging Face's data as of ``fetched``; ``None`` records that it has no page."""
    if paper is None:
        return HuggingFaceBlock(fetched=fetched, indexed=False)
    return HuggingFaceBlock(
        fetched=fetched, upvotes=paper.upvotes, github_repo=paper.github_repo,
        project_page=paper.project_page,
        organization=paper.organization[0] if paper.organization else None,
        authors=paper.authors, published=paper.published)


def _code_url(url: str) -> bool:
    parts = url.split("/")
    return len(parts) >= 5 and parts[2].lower().removeprefix("www.") in _CODE_HOSTS and \
        bool(parts[3]) and bool(parts[4])


def _project_url(url: str) -> bool:
    return url.split("/")[2].lower().endswith(".github.io") if url.count("/") >= 2 else False


def with_links(meta: PaperMetadata) -> PaperMetadata:
    """Code and project page: Hugging Face's ``githubRepo`` / ``projectPage``, else the
    first repository / ``github.io`` URL in arXiv's abstract."""
    hf, ax = meta.huggingface, meta.arxiv
    code = project = None
    if hf and hf.github_repo:
        code = Link(hf.github_repo, "huggingface", hf.fetched)
    if hf and hf.project_page:
        project = Link(hf.project_page, "huggingface", hf.fetched)
    if ax is not None:
        urls = extract_links(ax.summary)
        if code is None:
            code = next((Link(u, "arxiv abstract", ax.fetched) for u in urls if _code_url(u)),
                        None)
        if project is None:
            project = next((Link(u, "arxiv abstract", ax.fetched) for u in urls
                            if _project_url(u)), None)
    return replace(meta, code=code, project=project)


def merge(old: PaperMetadata | None, new: PaperMetadata) -> PaperMetadata:
    """What is stored after an update: the first match kept, the pasted titles united,
    blocks replaced only by fresher ones."""
    if old is None:
        return _lean(with_links(new))
    titles = tuple(sorted(set(old.match.titles) | set(new.match.titles)))
    match = replace(old.match if old.match.how else new.match, titles=titles)
    return _lean(with_links(replace(old, match=match, arxiv=new.arxiv or old.arxiv,
                                    huggingface=new.huggingface or old.huggingface)))


def _lean(meta: PaperMetadata) -> PaperMetadata:
    """Hugging Face's copy of the authors and date is kept only while arXiv's is missing."""
    if meta.arxiv is None or meta.huggingface is None:
        return meta
    return replace(meta, huggingface=replace(meta.huggingface, authors=(), published=None))


def _clean(value: Any) -> Any:
    """Drop None and empty values, recursively: absent means unknown."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {}, "")}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def document(meta: PaperMetadata) -> dict[str, Any]:
    """The JSON shape ``inputs.metadata.parse_paper`` reads."""
    def link(value: Link | None) -> dict[str, str] | None:
        return None if value is None else {"url": value.url, "source": value.source,
                                           "fetched": value.fetched}

    ax, hf, m = meta.arxiv, meta.huggingface, meta.match
    doc: dict[str, Any] = {
        "id": meta.arxiv_id,
        "match": {"how": m.how, "source": m.source, "date": m.date, "titles": list(m.titles)},
        "arxiv": None if ax is None else {
            "fetched": ax.fetched, "title": ax.title, "summary": ax.summary,
            "authors": [{"name": a.name, "affiliations": list(a.affiliations)}
                        if a.affiliations else a.name for a in ax.authors],
            "published": ax.published, "updated": ax.updated, "version": ax.version,
            "primary_category": ax.primary_category, "categories": list(ax.categories),
            "comment": ax.comment, "journal_ref": ax.journal_ref, "doi": ax.doi},
        "huggingface": None if hf is None else {
            "fetched": hf.fetched, "indexed": None if hf.indexed else False,
            "upvotes": hf.upvotes, "github_repo": hf.github_repo,
            "project_page": hf.project_page, "organization": hf.organization,
            "authors": list(hf.authors), "published": hf.published},
        "links": {"code": link(meta.code), "project": link(meta.project)},
    }
    cleaned: dict[str, Any] = _clean(doc)
    return cleaned


def dumps(meta: PaperMetadata) -> str:
    return json.dumps(document(meta), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a kill leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(content: Path) -> list[Path]:
    """Temporary files a killed run left behind (``.name.XXXX.tmp``)."""
    folder = papers_folder(content)
    stale = sorted(folder.glob(".*.tmp")) if folder.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def write_paper(content: Path, meta: PaperMetadata) -> Path:
    path = paper_file(content, meta.arxiv_id)
    write_atomic(path, dumps(meta))
    return path


def new_match(how: str, source: str, date: str, titles: tuple[str, ...] = ()) -> Match:
    return Match(how=how, source=source, date=date, titles=tuple(sorted(set(titles))))
