"""A listing of papers by id: arXiv ids or arXiv / Hugging Face paper URLs, one per line.

What a browser's address bar gives when papers are collected one tab at a time::

    2410.17243
    https://arxiv.org/abs/2406.14833v2
    https://huggingface.co/papers/2501.12948

Such a listing says nothing but the id; ``digest enrich`` fills in the rest. Until it
has, a paper's title is its id (``arXiv:2410.17243``). Lines starting with ``#`` are
comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.errors import Problems
from digest.inputs.listings.text import Line
from digest.text.arxivid import NotAnId, abs_url, from_reference

SAMPLE = 20  # lines detection looks at
_URLISH = re.compile(r"^(?:https?://|(?:www\.)?(?:arxiv\.org|huggingface\.co|hf\.co)/|\d{4}\.\d)")


@dataclass(frozen=True)
class IdEntry:
    arxiv_id: str  # base id
    line: int

    @property
    def title(self) -> str:
        return f"arXiv:{self.arxiv_id}"

    @property
    def link(self) -> str:
        return abs_url(self.arxiv_id)


def is_reference(text: str) -> bool:
    try:
        from_reference(text)
    except NotAnId:
        return False
    return True


def _id_or_url(text: str) -> bool:
    """A line meant as a reference, valid or not: a single URL or something id-shaped."""
    return " " not in text and (_URLISH.match(text) is not None or is_reference(text))


def looks_like_ids(lines: list[Line]) -> bool:
    """The first line is an id or paper URL and four in five of the first lines are
    id-shaped or URLs (so a listing with a few damaged lines is still one)."""
    sample = [line.text for line in lines[:SAMPLE] if not line.text.startswith("#")]
    if not sample or not is_reference(sample[0]):
        return False
    return sum(map(_id_or_url, sample)) * 5 >= len(sample) * 4


def parse(path: str, lines: list[Line],
          problems: Problems) -> tuple[list[IdEntry], tuple[int, ...]]:
    """The ids in order (a repeated one kept once, with a warning) and the comment lines."""
    entries: list[IdEntry] = []
    comments: list[int] = []
    seen: dict[str, int] = {}
    for line in lines:
        if line.text.startswith("#"):
            comments.append(line.number)
            continue
        try:
            arxiv_id, _version = from_reference(line.text)
        except NotAnId as exc:
            problems.error(path, line.number, str(exc))
            continue
        if arxiv_id in seen:
            problems.warning(path, line.number,
                             f"arXiv:{arxiv_id} is already listed on line {seen[arxiv_id]}")
            comments.append(line.number)  # read, and reported: not an unread line
            continue
        seen[arxiv_id] = line.number
        entries.append(IdEntry(arxiv_id, line.number))
    return entries, tuple(comments)
