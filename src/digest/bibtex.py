"""BibTeX ``@misc`` entries for papers (export and the paper page's citation block)."""

from __future__ import annotations

import re
from collections import Counter

from digest.model import Paper

_SPECIAL = re.compile(r"([&%$#_{}])")


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text.replace("\\", r"\textbackslash{}"))


def cite_key(paper: Paper) -> str:
    """``surname2024firstword``, the Google Scholar habit, from the id when names are unknown."""
    surname = paper.authors[0].split()[-1] if paper.authors else ""
    year = (paper.effective_date or "")[:4]
    first = next((w for w in re.findall(r"[A-Za-z0-9]+", paper.title) if len(w) > 3), "paper")
    key = re.sub(r"[^A-Za-z0-9]", "", f"{surname}{year}{first}").lower()
    return key or paper.id


def entry(paper: Paper, url: str | None = None, key: str | None = None) -> str:
    fields: list[tuple[str, str]] = [("title", "{" + _escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_escape(a) for a in paper.authors)))
    elif paper.submitter:
        fields.append(("author", "{" + _escape(paper.submitter) + "}"))
    when = paper.effective_date
    if when:
        fields.append(("year", when[:4]))
    if paper.abstract:
        fields.append(("abstract", _escape(paper.abstract)))
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or cite_key(paper)},\n{body}\n}}\n"


def entries(papers: tuple[Paper, ...] | list[Paper]) -> list[str]:
    """One entry per paper; clashing cite keys get a, b, c suffixes in id order."""
    used: Counter[str] = Counter()
    out = []
    for paper in sorted(papers, key=lambda p: p.id):
        key = cite_key(paper)
        used[key] += 1
        suffix = "" if used[key] == 1 else chr(ord("a") + used[key] - 2)
        out.append(entry(paper, key=key + suffix))
    return out
