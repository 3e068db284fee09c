"""Code and project links mentioned in abstracts."""

from __future__ import annotations

import re

# Braces end a URL: LaTeX wraps them (``\url{…}``) or glues link text on (``…/repo{here}``).
URL_RE = re.compile(r"https?://[^\s<>\"'`{}]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_PAIRS = {")": "(", "]": "["}


def _trim(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from a URL's end."""
    while url:
        last = url[-1]
        if last in _TRAILING or last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def extract_links(text: str) -> tuple[str, ...]:
    """Return the distinct URLs in ``text``, in order, without trailing punctuation."""
    if "://" not in text:  # a quick look first: most abstracts link nothing
        return ()
    seen: dict[str, None] = {}
    for m in URL_RE.finditer(text):
        url = _trim(m.group(0))
        if "://" in url and len(url) > len("https://x"):
            seen.setdefault(url, None)
    return tuple(seen)
