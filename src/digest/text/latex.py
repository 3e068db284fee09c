"""LaTeX fragments in titles and abstracts → readable Unicode text.

Abstracts are pasted from arXiv, where authors write ``17.5$\\times$`` and
``Fr\\'echet``; readers and feeds should see ``17.5×`` and ``Fréchet``. pylatexenc
does the conversion; this module only prepares plain prose for it, because prose
is not LaTeX: a bare ``%`` would start a comment and blank the rest, a lone
``$`` would open math mode, ``&`` would vanish, and URLs would lose their underscores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import MacroSpec

from digest.text.links import URL_RE

# Any of these makes a fragment LaTeX; quotes and dashes too, so that "``x''" and "a -- b"
# read the same whether or not the rest of the abstract happens to hold a ``\%``.
_TRIGGER = re.compile(r"[\\$~{}]|``|--")


def has_latex(text: str) -> bool:
    """Whether ``to_text`` has anything to convert: ``_TRIGGER.search(text)``, three times
    quicker (``in`` scans for a string in C); most titles and abstracts hold no LaTeX."""
    return ("\\" in text or "$" in text or "~" in text or "{" in text or "}" in text
            or "``" in text or "--" in text)


_BARE_PERCENT = re.compile(r"(?<!\\)%")
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")  # an alignment tab to LaTeX: "R&D" would lose it
_TIE = re.compile(r"(?<=[\w.,;:)\]])~(?=\S)")  # ``e.g.~fine``: a LaTeX tie, not "approximately"
# Inline math as Pandoc reads it: no space just inside either ``$`` (so "$5 and $10" is
# money), up to 200 characters (a regret bound with its log terms runs past 80).
_MATH = re.compile(r"(?<!\\)\$(?=\S)([^$]{1,200}?)(?<=[^\s\\])\$")
_NO_DELIMITER = re.compile(r"\\(?:left|right|middle)\s*\.")  # ``\right.``: nothing shown
_MACRO_THEN_SPACE = re.compile(r"(\\[A-Za-z]+)(?=\s)")  # LaTeX would swallow that space
_MACRO_THEN_GROUP = re.compile(r"(?<!\\)\\([A-Za-z]+)(?=\{[^}])")


def _arguments(node: Any, converter: Any) -> list[str]:
    """The text of each argument a macro node was given (none: an empty list)."""
    args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
    return [str(converter._groupnodecontents_to_text(n)) for n in args if n is not None]


def _fraction(node: Any, l2tobj: Any) -> str:
    """``\\frac{a+b}{c}`` → "(a+b)/c", not "a+b/c": a part of several terms goes in
    parentheses; one term stays bare ("∂ℒ/∂β", "1/√(d)", "n(n-1)/2")."""
    return "/".join(_one_term(part.strip()) for part in _arguments(node, l2tobj))


def _one_term(text: str) -> str:
    """``text`` as one term: in parentheses when, outside any bracket, a sign (past a
    leading minus) or a slash stands in it, or a space between two words ("log n", not
    the "∂ v" of ``\\partial v``)."""
    depth = 0
    for i, char in enumerate(text):
        if char in "([{⟨":
            depth += 1
        elif char in ")]}⟩":
            depth -= 1
        elif depth == 0 and (char in "+−±∓/" or (char == "-" and i > 0) or (
                char == " " and text[i - 1].isalnum() and text[i + 1:i + 2].isalnum())):
            return f"({text})"
    return text


def _accented(mark: str) -> Callable[[Any, Any], str]:
    """The text of an accent command: its argument with ``mark`` combined onto its last
    character, composed where Unicode has the letter (as pylatexenc's ``\\tilde``: Õ)."""

    def accented(node: Any, l2tobj: Any) -> str:
        text = "".join(_arguments(node, l2tobj))
        return unicodedata.normalize("NFC", text + mark) if text else ""

    return accented


# Macros common in arXiv abstracts that pylatexenc does not know by default.
_EXTRA_TEXT = [
    MacroTextSpec("eg", simplify_repl="e.g."),
    MacroTextSpec("ie", simplify_repl="i.e."),
    MacroTextSpec("etal", simplify_repl="et al."),
    MacroTextSpec("vs", simplify_repl="vs."),
    MacroTextSpec("texttt", discard=False),
    MacroTextSpec("textsc", discard=False),
    MacroTextSpec("url", discard=False),
    MacroTextSpec("|", simplify_repl="‖"),  # a norm's double bar: ``\|x\|`` → ‖x‖
    MacroTextSpec("colon", simplify_repl=":"),  # ``f\colon X\to Y``
    MacroTextSpec("frac", simplify_repl=_fraction),
    # wide accents as their narrow ones (pylatexenc drops them: "O(n)" for Õ(n))
    *(MacroTextSpec(name, simplify_repl=_accented(mark)) for name, mark in (
        ("widetilde", "\u0303"), ("widehat", "\u0302"), ("overline", "\u0305"),
        ("underline", "\u0332"))),
    # sized delimiters: the delimiter that follows is the text (``\left( x \right)``)
    *(MacroTextSpec(name, discard=True) for name in (
        "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
        "Bigr", "biggl", "biggr", "Biggl", "Biggr")),
    # Relations with a space each side, as TeX sets them (``\hat{d}\approx 0.66`` reads
    # "d̂ ≈ 0.66", not "d̂≈ 0.66"); a space the source has too is one (``to_text``
    # collapses runs). Binary operators stay as written: "a 10× speedup".
    *(MacroTextSpec(name, simplify_repl=f" {char} ") for name, char in (
        ("leq", "≤"), ("le", "≤"), ("geq", "≥"), ("ge", "≥"), ("approx", "≈"),
        ("in", "∈"), ("notin", "∉"), ("sim", "∼"), ("simeq", "≃"), ("neq", "≠"),
        ("ne", "≠"), ("equiv", "≡"), ("to", "→"), ("rightarrow", "→"), ("leftarrow", "←"),
        ("mapsto", "↦"), ("ll", "≪"), ("gg", "≫"), ("subset", "⊂"), ("subseteq", "⊆"),
        ("propto", "∝"))),
]


class _Converter(LatexNodes2Text):
    """Keep what an unknown macro says instead of dropping it (``\\model`` → ``model``)."""

    def macro_node_to_text(self, node):  # type: ignore[no-untyped-def]
        if self.latex_context.get_macro_spec(node.macroname) is not None:
            return super().macro_node_to_text(node)
        return "".join(_arguments(node, self)) or node.macroname


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


# A sub- or superscript's braced group (groups one deep inside) with the spaces before a
# command after it, and a group that reads alone as text: a word or number (``max``,
# ``ij``, ``-4``), one command (``\ell``, ``\text{max}``), or one already in parentheses.
_SCRIPT_GROUP = re.compile(r"([_^])\{((?:[^{}]|\{[^{}]*\})*)\}(\s*(?=\\))?")
_ONE_TOKEN = re.compile(r"\s*(?:-?[A-Za-z0-9.*']+|\\[A-Za-z]+(?:\{[^{}]*\})?|\([^()]*\))\s*")
# A binary operator between two operands (not at a formula's end: "a 10× speedup"), with
# whatever spaces the source has around it: TeX sets a space each side.
_BINARY = re.compile(r"(?<=[^\s$])\s*(\\(?:times|cdot|pm|mp|circ|oplus|otimes|cup|cap|setminus|"
                     r"wedge|vee)(?![A-Za-z]))\s*(?=[^\s$])")
# An operator's name after a letter, digit or group: TeX sets a space before it.
_OPERATOR = re.compile(r"([A-Za-z0-9}])(\\(?:log|ln|exp|lim|sup|inf|max|min|arg|det|dim|ker|"
                       r"deg|Pr|sin|cos|tan|tanh)(?![A-Za-z]))")


def _script(m: re.Match[str]) -> str:
    r"""``^{n \times d}`` → ``^(n \times d)``: without its braces, text would read
    "ℝ^n × d", another formula; one token keeps its plain form ("10^-4", "x_ij").
    The spaces before a command after it go, as they did after the braces
    ("argmin_(p_n)ℒ", not "argmin_(p_n) ℒ")."""
    inner = m.group(2)
    if _ONE_TOKEN.fullmatch(inner):
        return m.group(0)
    if "{" in inner:  # a script inside: grouped too (``_{\tau_{s,a}}`` → ``_(\tau_(s,a))``)
        inner = _SCRIPT_GROUP.sub(_script, inner)
    return f"{m.group(1)}({inner})"


def _spaced_operator(m: re.Match[str]) -> str:
    """``n\\log n`` → ``n \\log n``; not in ``\\arg\\min`` (a command's own letters)."""
    start = m.start(1)
    if m.group(1) != "}":
        while start > 0 and m.string[start - 1].isalpha():
            start -= 1
        if start > 0 and m.string[start - 1] == "\\":
            return m.group(0)
    return f"{m.group(1)}\\ {m.group(2)}"  # a control space: a bare one after a group goes


def _abstract_reading(formula: str) -> str:
    """A formula as an abstract shows it: long scripts grouped (``_script``), a space
    before an operator's name after a letter, and each side of a binary operator between
    two operands ("1 × 10^8", "ϵ · ‖θ‖")."""
    if "{" in formula:
        formula = _SCRIPT_GROUP.sub(_script, formula)
    if "\\" not in formula:
        return formula
    formula = _BINARY.sub(r"\\ \1\\ ", formula)  # control spaces: a bare one may go
    return _OPERATOR.sub(_spaced_operator, formula)


def _protect_dollars(text: str, abstract: bool = False) -> str:
    """Escape every ``$`` that does not open an inline formula (``$100K``, ``$5-$10``);
    ``abstract``: each formula as an abstract reads it (``_abstract_reading``)."""
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    while (j := text.find("$", i)) >= 0:  # only the dollars matter: jump from one to the next
        out.append(text[i:j])
        if j > 0 and text[j - 1] == "\\":
            out.append("$")
            i = j + 1
            continue
        m = _MATH.match(text, j)
        money_range = m is not None and m.group(1)[0].isdigit() and \
            text[m.end():m.end() + 1].isdigit()
        if m is None or money_range:
            out.append(r"\$")
            i = j + 1
        else:
            formula = m.group(0)
            out.append(_abstract_reading(formula) if abstract else formula)
            i = m.end()
    out.append(text[i:])
    return "".join(out)


def _drop_unknown(m: re.Match[str]) -> str:
    """``\\ourmethod{X}`` → ``{X}``: an unknown command's argument is what it says."""
    return m.group(0) if _converter().latex_context.get_macro_spec(m.group(1)) else ""


# What pylatexenc could change in a piece of prepared text; a piece without any of these
# comes out as it went in (whitespace aside, which to_text collapses anyway).
_LATEX = re.compile(r"[\\$~{}%&#^_]|``|''|--|[!?]`")
_SENTENCE_END = re.compile(r"(?<=[.!?]) (?=[A-Z])")


# What ``_sentences`` looks at: an escape with the character it escapes, a brace, a
# dollar, a possible cut; every other character leaves its state as it is.
_STRUCTURE = re.compile(r"\\.?|[{}$]|(?<=[.!?]) (?=[A-Z])", re.DOTALL)


def _sentences(prepared: str) -> list[str]:
    """``prepared`` cut after each sentence that ends outside any group, formula or
    environment, so that each piece is LaTeX on its own."""
    if _SENTENCE_END.search(prepared) is None:
        return [prepared]
    depth, math, envs = 0, False, 0
    safe: list[int] = []
    for m in _STRUCTURE.finditer(prepared):
        char = m.group()[0]
        if char == "\\":
            i = m.start()
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
        elif depth == 0 and not math and envs == 0:
            safe.append(m.start())
    pieces, start = [], 0
    for cut in safe:
        pieces.append(prepared[start:cut])
        start = cut + 1
    pieces.append(prepared[start:])
    return pieces


@lru_cache(maxsize=1)
def _walker_context() -> object:
    """The parsing context ``LatexWalker`` builds for itself on every call (made once)."""
    return latexwalker.get_default_latex_context_db()


def _nodes(text: str, *, tolerant: bool = True) -> list[object]:
    """The top-level nodes of ``text``, as ``latex_to_text`` parses it (``tolerant``)."""
    walker = latexwalker.LatexWalker(text, latex_context=_walker_context(),
                                     tolerant_parsing=tolerant)
    return list(walker.get_latex_nodes()[0])


# Where a piece may be cut: between two ASCII letters or digits (see ``_convert_piece``).
_CUT = re.compile(r"(?<=[A-Za-z0-9])(?=[A-Za-z0-9])")


@lru_cache(maxsize=1 << 14)
def _segment(text: str) -> str | None:
    """``text`` as text when, read alone, it parses without error and ends in plain
    characters at the top level (nothing open: group, formula, environment, a macro's
    arguments); else None.

    Without error, because a tolerant walker that meets the end inside a macro's
    arguments starts again after the macro and can still end in characters.
    Without error, the tolerant walker ``_whole`` uses reads exactly as the strict one.
    """
    try:
        nodes = _nodes(text, tolerant=False)
    except Exception:  # noqa: BLE001 (any failure: the caller reads a longer stretch)
        return None
    last = nodes[-1] if nodes else None
    if not isinstance(last, latexwalker.LatexCharsNode) or last.pos + last.len != len(text):
        return None
    return str(_converter().nodelist_to_text(nodes))


def _whole(piece: str) -> str:
    return str(_converter().nodelist_to_text(_nodes(piece)))


def _convert_piece(piece: str) -> str:
    """``latex_to_text(piece)``, with only the LaTeX and a few letters after it parsed.

    pylatexenc reads a character at a time (~2 µs each), so a sentence costs far more
    than the formulas in it. The result is the same: for this converter the text of a
    node list is the concatenation of its nodes' texts (no filling; spaces between
    constructs kept as they are), characters are copied as they are (a space before a
    construct too), and the walker reads left to right with no state at the top level
    between characters. So from a point where the walker is at the top level, text up
    to the next LaTeX (``_LATEX``) is characters, kept as is; from that LaTeX, the
    stretch up to a cut between two ASCII letters or digits where the stretch, parsed
    alone and strictly, ends in characters at the top level, is converted alone (once
    per distinct stretch), and the walker is at the top level at the cut again.
    """
    if piece.endswith("\\"):  # a backslash that ends the text drops the space before it
        return _whole(piece)
    out: list[str] = []
    pos = 0  # the walker is at the top level here
    while (m := _LATEX.search(piece, pos)) is not None:
        start = m.start()
        out.append(piece[pos:start])
        end, text = m.end(), None
        while text is None:
            cut = _CUT.search(piece, end)
            if cut is None:
                out.append(_whole(piece[start:]))
                return "".join(out)
            text = _segment(piece[start:cut.start()])
            if text is None:  # something is still open: retry after the next LaTeX
                more = _LATEX.search(piece, cut.start())
                if more is None:
                    out.append(_whole(piece[start:]))
                    return "".join(out)
                end = more.end()
            else:
                pos = cut.start()
        out.append(text)
    out.append(piece[pos:])
    return "".join(out)


def _convert(prepared: str) -> str:
    """pylatexenc on the sentences that hold LaTeX (it takes ~10 ms on a whole abstract),
    and there on the LaTeX only."""
    return " ".join(_convert_piece(piece) if _LATEX.search(piece) else piece
                    for piece in _sentences(prepared))


def to_text(text: str, *, abstract: bool = False) -> str:
    """Return ``text`` with LaTeX markup turned into Unicode; plain text comes back as is.

    ``abstract``: formulas read as ``_abstract_reading`` makes them (``ℝ^(n × d)``, not
    ``ℝ^n × d``; ``n log n``, not ``nlog n``). Not for titles: a paper's id is made from
    its title's text, and a parenthesis or a space between two letters would change it
    (``argmin_(p_n)ℒ`` keys as ``…-p-n-l``, ``argmin_p_nℒ`` as ``…-p-nl``), moving the
    paper's address.
    """
    if not has_latex(text):
        return text
    urls: list[str] = []

    def stash(m: re.Match[str]) -> str:
        urls.append(m.group(0))
        glued = text.startswith("{", m.end())  # ``…/repo{here}``: link text, keep it apart
        return f"DIGESTURL{len(urls) - 1}X" + (" " if glued else "")

    # Each step only where its character occurs: a pattern that opens with a lookbehind
    # is tried at every position, which costs more than the search.
    prepared = URL_RE.sub(stash, text) if "://" in text else text
    if "%" in prepared:
        prepared = _BARE_PERCENT.sub(r"\\%", prepared)
    if "&" in prepared:
        prepared = _BARE_AMPERSAND.sub(r"\\&", prepared)
    if "~" in prepared:
        prepared = _TIE.sub(" ", prepared)
        prepared = prepared.replace("~", r"\textasciitilde{}")
    prepared = _protect_dollars(prepared, abstract)
    if "\\" in prepared:
        prepared = _NO_DELIMITER.sub("", prepared).replace("\\operatorname*", "\\operatorname")
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
