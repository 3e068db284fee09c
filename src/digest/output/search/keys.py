"""Exact lookups beside the lunr index: one person's name, or an arXiv id, to papers.

Two things people type are not words to rank. A name ("Kaiming He", "He Kaiming",
"K. He") means the papers of one person, not those of a Kaiming and a He who wrote
together; an arXiv id or URL means one paper. Both are keys: for every author, each
pair of words of the name and each given name's initial with the last word, sorted and
joined by a space (``he kaiming``, ``he k``); for a paper, each arXiv id without its
version (``2410.06940``, ``hep-th/9901001``). ``search/keys/N.json`` holds the keys
whose CRC-32 is ``N`` modulo the number of files, as an object key → documents (gaps in
base64 VLQ, as the postings are), so ``search.js`` computes a query's keys and fetches
only their files. At 100,000 papers the keys are a million strings: hashing them to
files costs no manifest bytes, where lunr terms would all be listed in the manifest.
"""

from __future__ import annotations

import bisect
import json
import re
import zlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from digest.incremental import texts_digest
from digest.output.search import index as searchindex
from digest.output.search import text as searchtext
from digest.text.slugs import NAMES_CACHED

KEYS = "search/keys/"
NAME_WORDS = 4  # words of a name that make keys (particles and suffixes beyond are cut)
AUTHORS = 50  # authors of a paper whose names make keys (large collaborations list hundreds)
FILE_SIZE = 16_000  # characters a keys file holds, about 6 KB gzipped
PATCH_LIMIT = 2000  # changed documents (a month's, renumbered) up to which a memo is patched
APPEND_LIMIT = 5000  # documents added at the end up to which a memo is patched

_NEW_ID = r"\d{4}\.\d{4,5}"  # 2410.06940 (since 2007)
_OLD_ID = r"[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}"  # hep-th/9901001, math.GT/0309136
ID = re.compile(rf"^(?:arxiv:\s*)?({_NEW_ID}|{_OLD_ID})(?:v\d+)?$", re.IGNORECASE)
LINK = re.compile(
    rf"^https?://(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html)|(?:huggingface|hf)\.co/papers)"
    rf"/({_NEW_ID}|{_OLD_ID})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$", re.IGNORECASE)
_NAME_WORD = re.compile(r"[a-z0-9]+")


def bucket(key: str, files: int) -> int:
    """The keys file of ``key``: its CRC-32 (of UTF-8) modulo the number of files."""
    return zlib.crc32(key.encode("utf-8")) % files


def _pair(a: str, b: str) -> str:
    return f"{a} {b}" if a <= b else f"{b} {a}"


@lru_cache(maxsize=NAMES_CACHED)  # authors recur across papers and rebuilds
def name_keys(name: str) -> tuple[str, ...]:
    """The keys of one author's name, sorted: ``"Kaiming He"`` → ``("he k", "he kaiming")``."""
    words = _NAME_WORD.findall(searchtext.fold(name))[:NAME_WORDS]
    keys = {_pair(a, b) for a, b in combinations(words, 2) if len(a) > 1 or len(b) > 1}
    last = words[-1] if words else ""
    if len(last) > 1:
        keys.update(_pair(given[0], last) for given in words[:-1])
    return tuple(sorted(keys))


def arxiv_id(text: str) -> str | None:
    """The arXiv id (no version, lower-case) that ``text`` is, or whose page it links."""
    text = text.strip()
    m = ID.match(text) or LINK.match(text)
    return m.group(1).lower() if m else None


def arxiv_ids(paper: Any) -> tuple[str, ...]:
    """A paper's arXiv ids: its ``arxiv_id`` when the record has one, and its links'."""
    own = getattr(paper, "arxiv_id", None)
    texts = [link for link in paper.links if "arxiv" in link or "/papers/" in link]
    found = [arxiv_id(text) for text in ([own] if own else []) + texts]
    return tuple(dict.fromkeys(i for i in found if i))


def key_inputs(paper: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a paper's keys are made from: its first ``AUTHORS`` names and its arXiv ids."""
    return tuple(paper.authors[:AUTHORS]), arxiv_ids(paper)


def keys_of(names: Sequence[str], ids: Sequence[str]) -> tuple[str, ...]:
    """The keys of these names and arXiv ids (``key_inputs``), sorted: a tuple takes a
    fifth of a frozenset's memory (the search worker holds every paper's, the build
    cache keeps them) and compares equal to the same keys from another process."""
    return tuple(sorted(frozenset().union(*map(name_keys, names), ids)))


def paper_keys(paper: Any) -> tuple[str, ...]:
    """Every key that finds ``paper``."""
    return keys_of(*key_inputs(paper))


def keys_source(names: Sequence[str], ids: Sequence[str]) -> bytes:
    """A short digest of ``key_inputs``: equal digests, equal keys. A rebuild from the
    cache on disk compares it rather than keying every paper again (a tenth of a
    millisecond a paper, its names' keys made anew in a fresh process)."""
    return texts_digest([str(len(names)), *names, *ids])


@dataclass
class KeyMemo:
    """What keying nearly the same documents again may reuse: each document's keys, the
    documents of each key and their code, the keys of each file, and the files' bytes."""

    rows: list[Collection[str]] = field(default_factory=list)
    table: dict[str, list[int]] = field(default_factory=dict)
    size: int = 0  # the characters ``_cost`` counts, which decide the number of files
    per_file: list[set[str]] = field(default_factory=list)
    files: list[bytes] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # key → its documents encoded


def _cost(key: str, documents: int) -> int:
    """About the characters a key takes in its file (quotes, colon, comma, 2 per gap)."""
    return len(key) + 4 + 2 * documents if documents else 0


def files_for(size: int) -> int:
    return max(1, -(-size // FILE_SIZE))


def _encode(documents: Sequence[int]) -> str:
    gaps, last = [], -1
    for doc in documents:
        gaps.append(doc - last - 1)
        last = doc
    return searchindex.encode(gaps)


def _dump(codes: dict[str, str], keys: Iterable[str]) -> bytes:
    return json.dumps({key: codes[key] for key in sorted(keys)},
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _fill(memo: KeyMemo, rows: Sequence[Collection[str]]) -> None:
    table: dict[str, list[int]] = {}
    for number, keys in enumerate(rows):
        for key in keys:
            documents = table.get(key)
            if documents is None:
                table[key] = [number]
            else:
                documents.append(number)
    memo.rows, memo.table = list(rows), table
    memo.codes = {key: _encode(documents) for key, documents in table.items()}
    memo.size = sum(_cost(key, len(documents)) for key, documents in table.items())
    _dump_all(memo)


def _dump_all(memo: KeyMemo) -> None:
    files = files_for(memo.size)
    memo.per_file = [set() for _ in range(files)]
    for key in memo.table:
        memo.per_file[bucket(key, files)].add(key)
    memo.files = [_dump(memo.codes, keys) for keys in memo.per_file]


def _patch(memo: KeyMemo, rows: Sequence[Collection[str]]) -> bool:
    """Update the memo for the documents whose keys changed; False when it cannot."""
    old = memo.rows
    if not old:
        return False
    changed = [n for n, (was, now) in enumerate(zip(old, rows, strict=False))
               if was is not now and was != now]
    added = range(len(old), len(rows))  # appended documents: each key's list grows at its end
    removed = range(len(rows), len(old))  # documents removed from the end
    if len(changed) + len(removed) > PATCH_LIMIT or len(added) > APPEND_LIMIT:
        return False
    files, dirty = len(memo.files), set()
    for n in [*changed, *added, *removed]:
        was = set(old[n]) if n < len(old) else set()
        now = set(rows[n]) if n < len(rows) else set()
        for key in (was - now) | (now - was):
            documents = memo.table.setdefault(key, [])
            memo.size -= _cost(key, len(documents))
            if key in now:
                bisect.insort(documents, n)
            else:
                documents.remove(n)
            memo.size += _cost(key, len(documents))
            b = bucket(key, files)
            if documents:
                memo.per_file[b].add(key)
                memo.codes[key] = _encode(documents)
            else:
                del memo.table[key]
                memo.codes.pop(key, None)
                memo.per_file[b].discard(key)
            dirty.add(b)
    memo.rows = list(rows)
    if files_for(memo.size) != files:
        _dump_all(memo)
    else:
        for b in dirty:
            memo.files[b] = _dump(memo.codes, memo.per_file[b])
    return True


def render_keys(rows: Sequence[Collection[str]], memo: KeyMemo | None = None
                ) -> tuple[int, dict[str, bytes]]:
    """The number of keys files and the files, from each document's keys (in ref order)."""
    memo = KeyMemo() if memo is None else memo
    if not _patch(memo, rows):
        _fill(memo, rows)
    if not memo.table:
        return 0, {}
    return len(memo.files), {f"{KEYS}{n}.json": data for n, data in enumerate(memo.files)}
