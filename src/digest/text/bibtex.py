"""BibTeX ``@misc`` entries for papers (export and the paper page's citation block)."""

from __future__ import annotations

import re

from digest.model import Paper

# One pass, so the braces of a replacement are never escaped again; braces themselves
# become commands, because BibTeX counts ``\{`` as an opening brace too.
_SPECIAL = re.compile(r"[\\&%$#_{}~^]")
_REPLACEMENT = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


_SPECIAL_CHARS = frozenset("\\&%$#_{}~^")
_WORD = re.compile(r"[A-Za-z0-9]+")
_NOT_KEY = re.compile(r"[^A-Za-z0-9]")


def _escape(text: str) -> str:
    if _SPECIAL_CHARS.isdisjoint(text):  # most titles and names: nothing to escape
        return text
    return _SPECIAL.sub(lambda m: _REPLACEMENT.get(m.group(0), "\\" + m.group(0)), text)


def cite_key(paper: Paper) -> str:
    """``surname2024firstword``, the Google Scholar habit, from the id when names are unknown."""
    surname = paper.authors[0].split()[-1] if paper.authors else ""
    year = (paper.effective_date or "")[:4]
    first = next((w for w in _WORD.findall(paper.title) if len(w) > 3), "paper")
    key = _NOT_KEY.sub("", f"{surname}{year}{first}").lower()
    return key or paper.id


def entry(paper: Paper, url: str | None = None, key: str | None = None, *,
          abstract: bool = True) -> str:
    """The paper's ``@misc`` entry; without its abstract when ``abstract`` is false."""
    fields: list[tuple[str, str]] = [("title", "{" + _escape(paper.title) + "}")]
    if paper.authors:  # escaping is per character: the names escaped at once
        fields.append(("author", _escape(" and ".join(paper.authors))))
    elif paper.submitter:
        fields.append(("author", "{" + _escape(paper.submitter) + "}"))
    when = paper.effective_date
    if when:
        fields.append(("year", when[:4]))
    if paper.arxiv_id:  # arXiv's own convention, which biblatex and natbib styles read
        fields.append(("eprint", paper.arxiv_id))
        fields.append(("archivePrefix", "arXiv"))
        if paper.arxiv is not None and paper.arxiv.primary_category:
            fields.append(("primaryClass", paper.arxiv.primary_category))
    if abstract and paper.abstract:
        fields.append(("abstract", _escape(paper.abstract)))
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or cite_key(paper)},\n{body}\n}}\n"


def _suffix(n: int) -> str:
    """0 → "", 1 → "a", …, 26 → "z", 27 → "aa": the suffixes of clashing keys."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def entries(papers: tuple[Paper, ...] | list[Paper]) -> list[str]:
    """One entry per paper; clashing cite keys get a, b, c suffixes in id order."""
    ordered = sorted(papers, key=lambda p: p.id)
    taken = {cite_key(p) for p in ordered}  # a suffixed key must not take another's plain key
    used: set[str] = set()
    out = []
    for paper in ordered:
        base = cite_key(paper)
        n = 0
        while (key := base + _suffix(n)) in used or (n and key in taken):
            n += 1
        used.add(key)
        out.append(entry(paper, key=key))
    return out
