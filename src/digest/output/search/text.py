"""Search folding: the words the index stores and a query looks up, the same on both ends.

``search.js`` implements the same steps for queries and takes ``FOLD`` from the
document store, so there is one table: lower-case, NFKD, drop combining marks
(``Fréchet`` → ``frechet``), map the letters NFKD leaves alone (``ß`` → ``ss``,
``α`` → ``alpha``), drop apostrophes (``model's`` → ``models``), and cut at every
other character that is not ``a-z`` or ``0-9``. A hyphenated compound yields its
parts and their joined forms, so ``pre-training``, ``pretraining`` and ``pre training``
find each other (the query side tries adjacent words joined).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi",
          "chi", "psi", "omega")
FOLD: dict[str, str] = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŋ": "ng", "ĸ": "k",
    "'": "", "\u2019": "", "\u02bc": "", "\u00ad": "",  # apostrophes and soft hyphens join
    "\u2010": "-", "\u2011": "-",  # Unicode hyphens are hyphens
    "ς": "sigma",  # final sigma; NFKD already maps the symbol variants (ϵ ϑ ϕ ϱ ϖ)
    **{chr(0x3B1 + i + (i > 16)): name for i, name in enumerate(_GREEK)},
}
_TABLE = str.maketrans(FOLD)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD = re.compile(r"[a-z0-9]{2,}")  # one-letter words live on inside joined forms (gpt4)
_COMPOUND = re.compile(r"(?<![a-z0-9])[a-z0-9]++(?:-[a-z0-9]++)+")
MAX_PARTS = 6  # a longer hyphen chain is not a compound word


def _fold_run(match: re.Match[str]) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", match.group())
                     if not unicodedata.category(c).startswith("M"))
    return folded.translate(_TABLE)


def fold(text: str) -> str:
    """Lower-case, without diacritics, through ``FOLD``; see the module docstring."""
    # NFKD only reorders combining marks, which go, so non-ASCII runs fold on their own.
    text = text.lower()
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_run, text)
    return text.replace("'", "")


def words(text: str) -> list[str]:
    """The words to index (order is irrelevant): every word, and each compound's joins."""
    folded = fold(text)
    out = _WORD.findall(folded)
    if "-" in folded:  # compounds never span spaces: search the hyphenated chunks only
        chunks = " ".join([chunk for chunk in folded.split() if "-" in chunk])
        for compound in _COMPOUND.findall(chunks):
            parts = compound.split("-")
            if len(parts) <= MAX_PARTS:
                out += [a + b for a, b in pairwise(parts)]
                if len(parts) > 2:
                    out.append("".join(parts))
    return out
