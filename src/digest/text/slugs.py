"""Stable, unique URL slugs.

Slugging goes through unidecode and is the hottest call of a large build, so
results are cached (they are pure functions of their text).

A paper's slug depends only on its own title, never on which other papers exist or
in what order listings are read, so adding a listing never moves an existing page.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from functools import lru_cache, partial

from slugify import slugify as _library_slugify

# python-slugify 9 picks its transliteration by what is installed ("auto": unidecode when
# present, else text-unidecode, the one it depends on and the only one 8.x used), and
# tries to import unidecode again on every call it is missing (a third of a millisecond:
# 2.5 s of a 100k-paper build's 30,000 non-ASCII names). The slug of a name must not
# depend on another package being installed: text-unidecode, always.
_slugify = partial(_library_slugify, backend="text-unidecode") \
    if "backend" in inspect.signature(_library_slugify).parameters else _library_slugify

MAX_SLUG = 80
# Distinct author names a build slugs: 270,000 at 100,000 papers; a smaller cache misses
# on every lookup of the planner's second pass and of the search keys.
NAMES_CACHED = 1 << 19
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DIGIT_COMMA_DIGIT = re.compile(r"\d,\d")


def slugify(text: str) -> str:
    """python-slugify's slug, made directly for plain ASCII text (nine times quicker:
    a build slugs every title and author name). Text with ``&`` (HTML entities), a
    comma between digits (``1,000`` → ``1000``) or anything beyond ASCII goes to the
    library; tests compare both on random text."""
    if not text.isascii() or "&" in text or _DIGIT_COMMA_DIGIT.search(text):
        return _slugify(text)
    return _NOT_WORD.sub("-", text.lower()).strip("-")


@lru_cache(maxsize=1 << 17)
def title_key(title: str) -> str:
    """The identity of a paper: its title reduced to lower-case ASCII words."""
    return slugify(title) or hashlib.sha1(title.encode()).hexdigest()[:12]


@lru_cache(maxsize=1 << 17)
def paper_slug(title: str) -> str:
    """A readable slug, shortened at a word boundary with a hash of the full key."""
    key = title_key(title)
    if len(key) <= MAX_SLUG:
        return key
    digest = hashlib.sha1(key.encode()).hexdigest()[:6]
    cut = key[: MAX_SLUG - 7]
    short = cut.rsplit("-", 1)[0] if key[MAX_SLUG - 7] != "-" and "-" in cut else cut
    return f"{short.strip('-')}-{digest}"


@lru_cache(maxsize=NAMES_CACHED)
def name_slug(name: str) -> str:
    """Slug of an author, topic or listing name."""
    return slugify(name) or hashlib.sha1(name.encode()).hexdigest()[:8]
