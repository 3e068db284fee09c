"""LaTeX fragments in titles and abstracts → readable Unicode text.

Abstracts are pasted from arXiv, where authors write ``17.5$\\times$`` and
``Fr\\'echet``; readers and feeds should see ``17.5×`` and ``Fréchet``. pylatexenc
does the conversion; this module only prepares plain prose for it, because prose
is not LaTeX: a bare ``%`` would start a comment and blank the rest, a lone
``$`` would open math mode, ``&`` would vanish, and URLs would lose their underscores.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import MacroSpec

from digest.text.links import URL_RE

# Any of these makes a fragment LaTeX; quotes and dashes too, so that "``x''" and "a -- b"
# read the same whether or not the rest of the abstract happens to hold a ``\%``.
_TRIGGER = re.compile(r"[\\$~{}]|``|--")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")  # an alignment tab to LaTeX: "R&D" would lose it
_TIE = re.compile(r"(?<=[\w.,;:)\]])~(?=\S)")  # ``e.g.~fine``: a LaTeX tie, not "approximately"
# Inline math as Pandoc reads it: no space just inside either ``$`` (so "$5 and $10" is money).
_MATH = re.compile(r"(?<!\\)\$(?=\S)([^$]{1,60}?)(?<=[^\s\\])\$")
_MACRO_THEN_SPACE = re.compile(r"(\\[A-Za-z]+)(?=\s)")  # LaTeX would swallow that space
_MACRO_THEN_GROUP = re.compile(r"(?<!\\)\\([A-Za-z]+)(?=\{[^}])")

# Macros common in arXiv abstracts that pylatexenc does not know by default.
_EXTRA_TEXT = [
    MacroTextSpec("eg", simplify_repl="e.g."),
    MacroTextSpec("ie", simplify_repl="i.e."),
    MacroTextSpec("etal", simplify_repl="et al."),
    MacroTextSpec("vs", simplify_repl="vs."),
    MacroTextSpec("texttt", discard=False),
    MacroTextSpec("textsc", discard=False),
    MacroTextSpec("url", discard=False),
]


class _Converter(LatexNodes2Text):
    """Keep what an unknown macro says instead of dropping it (``\\model`` → ``model``)."""

    def macro_node_to_text(self, node):  # type: ignore[no-untyped-def]
        if self.latex_context.get_macro_spec(node.macroname) is not None:
            return super().macro_node_to_text(node)
        args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
        inner = "".join(self._groupnodecontents_to_text(n) for n in args if n is not None)
        return inner or node.macroname


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    db = get_default_latex_context_db()
    db.add_context_category(
        "digest-prose",
        macros=[MacroSpec("texttt", "{"), MacroSpec("textsc", "{"), MacroSpec("url", "{")],
        prepend=True,
    )
    db.add_context_category("digest-prose-text", macros=_EXTRA_TEXT, prepend=True)
    return _Converter(latex_context=db, math_mode="text", strict_latex_spaces=False,
                      keep_comments=True)


def _protect_dollars(text: str) -> str:
    """Escape every ``$`` that does not open a short inline formula (``$100K``, ``$5-$10``)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "$" or (i > 0 and text[i - 1] == "\\"):
            out.append(text[i])
            i += 1
            continue
        m = _MATH.match(text, i)
        money_range = m is not None and m.group(1)[0].isdigit() and \
            text[m.end():m.end() + 1].isdigit()
        if m is None or money_range:
            out.append(r"\$")
            i += 1
        else:
            out.append(m.group(0))
            i = m.end()
    return "".join(out)


def _drop_unknown(m: re.Match[str]) -> str:
    """``\\ourmethod{X}`` → ``{X}``: an unknown command's argument is what it says."""
    return m.group(0) if _converter().latex_context.get_macro_spec(m.group(1)) else ""


# What pylatexenc could change in a piece of prepared text; a piece without any of these
# comes out as it went in (whitespace aside, which to_text collapses anyway).
_LATEX = re.compile(r"[\\$~{}%&#^_]|``|''|--|[!?]`")
_SENTENCE_END = re.compile(r"(?<=[.!?]) (?=[A-Z])")


def _sentences(prepared: str) -> list[str]:
    """``prepared`` cut after each sentence that ends outside any group, formula or
    environment, so that each piece is LaTeX on its own."""
    cuts = [m.start() for m in _SENTENCE_END.finditer(prepared)]
    if not cuts:
        return [prepared]
    depth, math, envs, escaped = 0, False, 0, False
    safe: set[int] = set()
    wanted = set(cuts)
    for i, char in enumerate(prepared):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
            if prepared.startswith("begin{", i + 1):
                envs += 1
            elif prepared.startswith("end{", i + 1):
                envs -= 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "$":
            math = not math
        elif i in wanted and depth == 0 and not math and envs == 0:
            safe.add(i)
    pieces, start = [], 0
    for cut in sorted(safe):
        pieces.append(prepared[start:cut])
        start = cut + 1
    pieces.append(prepared[start:])
    return pieces


def _convert(prepared: str) -> str:
    """pylatexenc on the sentences that hold LaTeX (it takes ~10 ms on a whole abstract)."""
    return " ".join(_converter().latex_to_text(piece) if _LATEX.search(piece) else piece
                    for piece in _sentences(prepared))


def to_text(text: str) -> str:
    """Return ``text`` with LaTeX markup turned into Unicode; plain text comes back as is."""
    if not _TRIGGER.search(text):
        return text
    urls: list[str] = []

    def stash(m: re.Match[str]) -> str:
        urls.append(m.group(0))
        glued = text.startswith("{", m.end())  # ``…/repo{here}``: link text, keep it apart
        return f"DIGESTURL{len(urls) - 1}X" + (" " if glued else "")

    prepared = URL_RE.sub(stash, text)
    prepared = _BARE_PERCENT.sub(r"\\%", prepared)
    prepared = _BARE_AMPERSAND.sub(r"\\&", prepared)
    prepared = _TIE.sub(" ", prepared)
    prepared = prepared.replace("~", r"\textasciitilde{}")
    prepared = _protect_dollars(prepared)
    prepared = _MACRO_THEN_GROUP.sub(_drop_unknown, prepared)
    prepared = _MACRO_THEN_SPACE.sub(r"\1{}", prepared)
    try:
        converted = _convert(prepared)
    except Exception:  # noqa: BLE001 (pylatexenc is tolerant; this guards the abstract, never blanks it)
        converted = text
    for i, url in enumerate(urls):
        converted = converted.replace(f"DIGESTURL{i}X", url)
    converted = " ".join(converted.split())  # one line, whatever \\ or \section put in
    return converted or text
