"""Bytes of a pasted listing → normalised lines with their line numbers."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from digest.errors import Problems

# Characters that web pages paste in place of ordinary spaces.
_SPACE_LIKE = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ",
                             "\ufeff": "", "\u200b": ""})


@dataclass(frozen=True)
class Line:
    """A non-blank line, stripped, with its 1-based number in the file."""

    number: int
    text: str


def decode(path: str, data: bytes, problems: Problems) -> str | None:
    """Decode UTF-8 (BOM allowed) or BOM-marked UTF-16; else Windows-1252, with a warning.

    Returns None for a binary file, which no paste can produce.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        return data.decode("utf-16", errors="replace")
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        problems.error(path, data[:nul].count(b"\n") + 1,
                       "binary file (NUL bytes): a listing must be text")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = f"invalid UTF-8 (byte 0x{data[exc.start]:02x})"
        lenient = data.decode("utf-8-sig", errors="replace")
        if any(ord(c) > 127 and c != "\ufffd" for c in lenient):
            # Real UTF-8 with a few damaged bytes: Windows-1252 would garble every accent.
            problems.warning(path, line, f"{bad}; the damaged bytes read as '\ufffd'")
            return lenient
        problems.warning(path, line, f"{bad}; read the file as Windows-1252 — "
                         "save it as UTF-8 to silence this")
        return data.decode("cp1252", errors="replace")


def has_text(text: str) -> bool:
    """Whether ``split_lines(text)`` would find a line (the spaces it maps are whitespace to
    ``strip``; only the zero-width ones it drops need removing)."""
    return bool(text.strip().replace("\ufeff", "").replace("\u200b", "").strip())


def split_lines(text: str, first_number: int = 1) -> list[Line]:
    """Non-blank lines with CRLF/CR endings and non-breaking spaces normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for offset, raw in enumerate(text.split("\n")):
        # str.translate is slow on non-ASCII text, and ASCII has none of these spaces
        cleaned = " ".join((raw if raw.isascii() else raw.translate(_SPACE_LIKE)).split())
        if cleaned:
            lines.append(Line(first_number + offset, cleaned))
    return lines
