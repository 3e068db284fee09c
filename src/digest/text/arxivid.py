"""arXiv identifiers: their two grammars, the URLs that carry them, the links built from them.

Pure text, shared by the listing parsers (an ``ids`` listing, a record's ``arxiv``
field), the arXiv client and the stored metadata. Ids are compared without version.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

SITE = "https://arxiv.org"
_NEW_ID = re.compile(r"(\d{4}\.\d{4,5})(?:v(\d+))?")
_OLD_ID = re.compile(r"([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?")
_ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")
_HF_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
_ARXIV_PATHS = ("abs", "pdf", "html", "format")


def split_id(text: str) -> tuple[str, int | None] | None:
    """``2410.17243v2`` → ``("2410.17243", 2)``; ``arXiv:`` prefix and old-style
    ``cond-mat/0603029`` accepted. None when the text is not a well-formed id."""
    text = text.strip()
    if text[:6].lower() == "arxiv:":
        text = text[6:].strip()
    m = _NEW_ID.fullmatch(text) or _OLD_ID.fullmatch(text)
    if m is None or not _plausible(m.group(1)):
        return None
    return m.group(1), int(m.group(2)) if m.group(2) else None


def _plausible(ident: str) -> bool:
    """A real month, and the number of digits arXiv used then: four until 2014, five since."""
    if "/" in ident:
        yymm = ident.rsplit("/", 1)[1][:4]
        return 1 <= int(yymm[2:]) <= 12
    yymm, number = ident.split(".")
    if not 1 <= int(yymm[2:]) <= 12:
        return False
    return len(number) == (5 if int(yymm) >= 1501 else 4)


def base_id(text: str) -> str | None:
    """The identifier without its version; None when malformed."""
    parts = split_id(text)
    return parts[0] if parts else None


def file_stem(arxiv_id: str) -> str:
    """A file name for an id: old-style ids hold a slash."""
    return arxiv_id.replace("/", "_")


class NotAnId(ValueError):
    """Text that names no arXiv paper; the message says what it is instead."""


def from_reference(text: str) -> tuple[str, int | None]:
    """An id, ``arXiv:id``, or an arXiv / Hugging Face paper URL → (base id, version).

    Raises NotAnId with a message fit for a ``path:line`` problem.
    """
    text = text.strip()
    parts = split_id(text)
    if parts:
        return parts
    if "://" not in text and re.match(r"^(?:www\.)?(?:arxiv\.org|huggingface\.co|hf\.co)/", text):
        text = "https://" + text
    if "://" not in text:
        raise NotAnId(f"not an arXiv id or paper URL: {text[:80]!r}")
    url = urlsplit(text)
    host = url.netloc.lower()
    path = [unquote(p) for p in url.path.split("/") if p]
    if host in _ARXIV_HOSTS:
        if len(path) >= 2 and path[0] in _ARXIV_PATHS:
            ident = "/".join(path[1:]).removesuffix(".pdf")
            parts = split_id(ident)
            if parts:
                return parts
        raise NotAnId(f"arXiv URL without a paper id: {text[:80]!r}")
    if host in _HF_HOSTS:
        if len(path) >= 2 and path[0] == "papers":
            parts = split_id(path[1])
            if parts:
                return parts
        raise NotAnId(f"Hugging Face URL without an arXiv id: {text[:80]!r}")
    raise NotAnId(f"not an arXiv or Hugging Face paper URL: {text[:80]!r}")


def _version(version: int | None) -> str:
    return f"v{version}" if version else ""


def abs_url(arxiv_id: str, version: int | None = None) -> str:
    return f"{SITE}/abs/{arxiv_id}{_version(version)}"


def pdf_url(arxiv_id: str, version: int | None = None) -> str:
    return f"{SITE}/pdf/{arxiv_id}{_version(version)}"


def html_url(arxiv_id: str, version: int | None = None) -> str:
    """arXiv's HTML rendering (papers from late 2023 on; older ones may have none)."""
    return f"{SITE}/html/{arxiv_id}{_version(version)}"
