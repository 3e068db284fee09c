"""lunr.js 2.3.9's Porter stemmer, ported line by line so build and query stem alike.

lunr.py ships a different Porter implementation (its own docs note ``try`` → ``try``
where lunr.js gives ``tri``), and the index is queried by lunr.js, so an index built
with lunr.py's stemmer would miss such words. ``tests/test_search_node.py`` checks
this port against lunr.js on the whole vocabulary of the shipped content.

Provenance: the rules are Martin Porter's algorithm as lunr.js 2.3.9 implements it
(lunr.js: Copyright (C) 2013 by Oliver Nightingale, MIT licence; its stemmer follows
Porter's own JavaScript reference, https://tartarus.org/martin/PorterStemmer/). This
Python translation was written in this repository; the MIT notice of lunr.js, whose
behaviour it reproduces, ships with every built site in ``assets/lunr/LICENSE``.
"""

from __future__ import annotations

import re
from functools import cache

_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize",
    "bli": "ble", "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous",
    "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al", "iveness": "ive",
    "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "",
          "ness": ""}

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = _c + "[^aeiouy]*"  # consonant sequence
_V = _v + "[aeiou]*"  # vowel sequence
_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)  # [C]VC... is m>0
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")  # [C]VC[V] is m=1
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)  # [C]VCVC... is m>1
_S_V = re.compile("^(" + _C + ")?" + _v)  # vowel in stem

_1A = re.compile(r"^(.+?)(ss|i)es$")
_1A_2 = re.compile(r"^(.+?)([^s])s$")
_1B = re.compile(r"^(.+?)eed$")
_1B_2 = re.compile(r"^(.+?)(ed|ing)$")
_LAST = re.compile(r".$")
_1B_AT = re.compile(r"(at|bl|iz)$")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_1B_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous"
                r"|ive|ize)$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_5_LL = re.compile(r"ll$")
_5_CVC = re.compile("^" + _C + _v + "[^aeiouwxy]$")


@cache
def stem(word: str) -> str:
    """The stem lunr.js gives ``word`` (lower-case, as its pipeline passes it)."""
    w = word
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]
    # Step 1a
    if _1A.search(w):
        w = _1A.sub(r"\1\2", w, count=1)
    elif _1A_2.search(w):
        w = _1A_2.sub(r"\1\2", w, count=1)
    # Step 1b
    match = _1B.search(w)
    match2 = _1B_2.search(w)
    if match:
        if _MGR0.search(match.group(1)):
            w = _LAST.sub("", w, count=1)
    elif match2:
        base = match2.group(1)
        if _S_V.search(base):
            w = base
            if _1B_AT.search(w):
                w += "e"
            elif _1B_DOUBLE.search(w):
                w = _LAST.sub("", w, count=1)
            elif _1B_CVC.search(w):
                w += "e"
    # Step 1c
    match = _1C.search(w)
    if match:
        w = match.group(1) + "i"
    # Step 2
    match = _2.search(w)
    if match and _MGR0.search(match.group(1)):
        w = match.group(1) + _STEP2[match.group(2)]
    # Step 3
    match = _3.search(w)
    if match and _MGR0.search(match.group(1)):
        w = match.group(1) + _STEP3[match.group(2)]
    # Step 4
    match = _4.search(w)
    match2 = _4_2.search(w)
    if match:
        if _MGR1.search(match.group(1)):
            w = match.group(1)
    elif match2:
        base = match2.group(1) + match2.group(2)
        if _MGR1.search(base):
            w = base
    # Step 5
    match = _5.search(w)
    if match:
        base = match.group(1)
        if _MGR1.search(base) or (_MEQ1.search(base) and not _5_CVC.search(base)):
            w = base
    if _5_LL.search(w) and _MGR1.search(w):
        w = _LAST.sub("", w, count=1)
    if first == "y":
        w = "y" + w[1:]
    return w
