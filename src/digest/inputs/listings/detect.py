"""Which format a listing is in, judged from its first lines."""

from __future__ import annotations

from digest.inputs.listings import authorlist, ids, paperpage
from digest.inputs.listings.text import Line

FORMATS = ("huggingface", "title-abstract", "author-list", "records", "ids")
STRUCTURED_SUFFIXES = (".json", ".yaml", ".yml")
_HF_MARKERS = frozenset(s.casefold() for s in ("Daily Papers", "byAK and the research community"))


def detect(suffix: str, lines: list[Line]) -> str:
    """Best guess of the format; front matter ``format:`` overrides it."""
    if suffix.lower() in STRUCTURED_SUFFIXES:
        return "records"
    if ids.looks_like_ids(lines):
        return "ids"
    texts = [line.text for line in lines]
    if any(t.casefold() in _HF_MARKERS for t in texts[:12]):
        return "huggingface"
    if any(t == paperpage.SEPARATOR or paperpage.AUTHORS_LINE.match(t) for t in texts[:40]):
        return "huggingface"
    if len(texts) >= 3 and authorlist.looks_like_owner(texts[0]) and \
            authorlist.looks_like_authors(texts[2]):
        return "author-list"
    return "title-abstract"
