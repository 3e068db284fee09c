"""LaTeX in titles and abstracts → Unicode text, without eating plain prose."""

from __future__ import annotations

import random

import pytest
from ingest_support import parse_clean
from sitebuild import REPO

from digest.text import latex
from digest.text.latex import to_text
from digest.text.slugs import title_key

CASES = [
    # (input, expected) — the list first, then prose that must survive
    (r"up to 9.8\% in simulation", "up to 9.8% in simulation"),
    (r"by over 17.5$\times$, matching", "by over 17.5×, matching"),
    (r"the Fr\'echet mean", "the Fréchet mean"),
    (r"Med-REFL, a \textbf{Med}ical \textbf{R}easoning", "Med-REFL, a Medical Reasoning"),
    (r"[Aky\"urek et al., 2023]", "[Akyürek et al., 2023]"),
    (r"Knowledge distillation~(KD) has", "Knowledge distillation (KD) has"),
    (r"features, e.g.~fine- or coarse-grained", "features, e.g. fine- or coarse-grained"),
    (r"show that \model achieves", "show that model achieves"),
    (r"show that \ourmethod{DiffuseX} wins", "show that DiffuseX wins"),
    (r"with less ($<$35\%) training cost", "with less (<35%) training cost"),
    (r"Pre-trained Transformers (\eg BERT)", "Pre-trained Transformers (e.g. BERT)"),
    (r"at a cost of \$0.70 per million", "at a cost of $0.70 per million"),
    ("How to Train It with $100K Budget", "How to Train It with $100K Budget"),
    ("costs $5 and $10 respectively", "costs $5 and $10 respectively"),
    ("from $5-$10 per run", "from $5-$10 per run"),
    ("costs US$5 to US$10, or $5M and then, after a long stretch of prose, US$2M",
     "costs US$5 to US$10, or $5M and then, after a long stretch of prose, US$2M"),
    ("a 5.5 ~ 221.3X faster speed", "a 5.5 ~ 221.3X faster speed"),
    ("EuroSAT (~7%), DTD (~7%)", "EuroSAT (~7%), DTD (~7%)"),
    ("from 36.2% to 40.7% with $x$ budget", "from 36.2% to 40.7% with x budget"),
    ("R&D costs {a lot}", "R&D costs a lot"),
    ("Document Screenshot Embedding} (DSE)", "Document Screenshot Embedding (DSE)"),
    ("termed the ``target model''", "termed the “target model”"),
    ("see https://github.com/x/a_b_c and {this}", "see https://github.com/x/a_b_c and this"),
    ("found https://github.com/x/Med-REFL{here}.", "found https://github.com/x/Med-REFL here."),
    (r"\url{https://example.org/a_b} today", "https://example.org/a_b today"),
    (r"first\\second \section{Intro} third", "first second § INTRO third"),
    ("plain text without markup_ stays as is", "plain text without markup_ stays as is"),
    # math: a norm's double bar, and relations spaced as TeX sets them, once each
    (r"bounded in $\|x\|_\infty$ norm", "bounded in ‖x‖_∞ norm"),
    (r"we get $\hat{d} \approx 0.66$ on average", "we get d̂ ≈ 0.66 on average"),
    (r"with $\mathbf{x} \in \mathbb{R}^{n}$ and ($\gamma\leq 512$)",
     "with 𝐱 ∈ ℝ^n and (γ ≤ 512)"),
    (r"a map $f\colon X\to Y$ with $a \neq b$", "a map f: X → Y with a ≠ b"),
    (r"under $\leq 5\%$ of the budget", "under ≤ 5% of the budget"),
    (r"a $10\times$ speedup, $\sim$10\% better", "a 10× speedup, ∼10% better"),
    # a fraction's part of several terms in parentheses; sized delimiters are delimiters
    (r"a rate $\frac{a+b}{c}$ or $\frac{\log n}{n}$", "a rate (a+b)/c or (log n)/n"),
    (r"$\frac{1}{\sqrt{d}}$, $\frac{n(n-1)}{2}$, $\frac{-1}{2}$", "1/√(d), n(n-1)/2, -1/2"),
    (r"grad $\frac{\partial \mathcal{L}}{\partial \beta_1}$, $\frac{\partial L}{\partial v}$",
     "grad ∂ℒ/∂β_1, ∂ L/∂ v"),
    (r"in $\left( x \right)$ and $\bigl[ a \bigr]$", "in ( x ) and [ a ]"),
    (r"at $\left. f \right|_0$ only", "at f |_0 only"),
    # wide accents as the narrow ones; a starred operator name
    (r"$\widetilde{O}(n)$ and $\overline{x}$, $\widehat{ab}$", "Õ(n) and x̅, ab̂"),
    (r"the $\operatorname*{argmax}_x f$ here", "the argmax_x f here"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1][:40] for c in CASES])
def test_to_text(text: str, expected: str) -> None:
    assert to_text(text) == expected


@pytest.mark.parametrize(("text", "abstract", "title"), [
    (r"inputs $\mathbb{R}^{n \times d}$ here", "inputs ℝ^(n × d) here", "inputs ℝ^n × d here"),
    (r"the sum $\sum_{i=1}^{N} x_{ij}$", "the sum ∑_(i=1)^N x_ij", "the sum ∑_i=1^N x_ij"),
    (r"$O(d^{2/3})$ regret, $10^{-4}$ rate", "O(d^(2/3)) regret, 10^-4 rate",
     "O(d^2/3) regret, 10^-4 rate"),
    (r"as $\arg\min_{p_n} \mathcal{L}$", "as argmin_(p_n)ℒ", "as argmin_p_nℒ"),
    (r"with $\arg\min_{\tau_{s,a}} \mathcal{L}$", "with argmin_(τ_(s,a))ℒ",
     "with argmin_τ_s,aℒ"),
    (r"one token $T_{\ell}$, $\xi^{(t)}$, $w_{\text{max}}$", "one token T_ℓ, ξ^(t), w_max",
     "one token T_ℓ, ξ^(t), w_max"),
    (r"a loss $\mathbb{E}_{x\sim\mathcal{D}}[\ell(x)]$", "a loss 𝔼_(x ∼ 𝒟)[ℓ(x)]",
     "a loss 𝔼_x ∼ 𝒟[ℓ(x)]"),
    (r"$1\times 10^{8}$ weights, a $10\times$ gain, $\epsilon \cdot x$",
     "1 × 10^8 weights, a 10× gain, ϵ · x", "1× 10^8 weights, a 10× gain, ϵ· x"),
    ((r"a bound $\mathcal{O}(\sqrt{d T \log(1/\delta)}) + \epsilon \cdot \|\theta\|_2^2 + "
      r"\lambda_{\max}$ holds"), "a bound 𝒪(√(d T log(1/δ))) + ϵ · ‖θ‖_2^2 + λ_max holds",
     "a bound 𝒪(√(d T log(1/δ))) + ϵ·‖θ‖_2^2 + λ_max holds"),
    (r"in $O(n\log n)$, $\hat{x}\log y$, $\arg\min_x f$",
     "in O(n log n), x̂ log y, argmin_x f", "in O(nlog n), x̂log y, argmin_x f"),
])
def test_an_abstract_reads_a_formula_as_tex_sets_it(text: str, abstract: str, title: str
                                                    ) -> None:
    """Without its braces ``^{n \\times d}`` would read as another formula; an abstract
    shows it in parentheses, and an operator's name after a letter apart from it. A
    title keeps the plain form its paper's id was made from."""
    assert to_text(text, abstract=True) == abstract
    assert to_text(text) == title


@pytest.mark.parametrize(("title", "before"), [
    (r"$\gamma\leq 512$ Tokens Suffice", "γ≤ 512 Tokens Suffice"),
    (r"Bounds on $\|W\|_2$ for $x\in\mathbb{R}^d$", "Bounds on |W|_2 for x∈ℝ^d"),
])
def test_spacing_relations_keeps_a_papers_id(title: str, before: str) -> None:
    """A paper's id comes from its title's key: the spaced relations and the double bar
    must not move it (the text as it read before those rules, on the right)."""
    assert to_text(title) != before
    assert title_key(to_text(title)) == title_key(before)


@pytest.mark.parametrize("text", [
    r"\iffalse", r"\textit{}", r"\begin{comment} hidden", "%", "$", "~", "{}", "\\",
    r"\newcommand{\x}{y}", r"\href{https://a.b/c}{here}", r"\verb", r"$\frac{a}{",
])
def test_never_blank(text: str) -> None:
    assert to_text(text).strip()


def test_latex_fixture_end_to_end() -> None:
    listing = parse_clean("latex-markup.txt")
    abstracts = {e.title: e.abstract for e in listing.entries}
    assert abstracts == {
        "Escaped percent": "Success rate rose by up to 9.8% in simulation.",
        "Times in math mode": "It speeds up training by over 17.5×, matching the baseline.",
        "Acute accent": "Quality is measured by Fréchet Inception Distance.",
        "Bold fragments of a word": "We propose Med-REFL, a Medical Reasoning model.",
        "Umlaut": "A transformer is a predictor [Akyürek et al., 2023].",
        "Tie": "Knowledge distillation (KD) has proven effective, e.g. for small models.",
        "Unknown macro": "We show that model achieves a new state of the art.",
        "Unknown macro with an argument": "We show that DiffuseX beats every baseline.",
        "Bare percent and dollars":
            "It costs $5 and $10 per run for 50% of users, or $0.70 per million tokens.",
        "Math with a less-than sign": "Zero-shot classification with less (<35%) training cost.",
        "Fréchet Distances in a Title": "The title of this entry carries LaTeX too.",
    }


def whole(prepared: str) -> str:
    """pylatexenc on the whole text at once, as ``latex._convert`` would without cutting."""
    return " ".join(latex._converter().latex_to_text(prepared).split())


SENTENCES = [
    r"We study $x. Y$ in math. Then \textbf{bold. Still} grouped. A 17.5$\times$ gain.",
    r"Plain first. Then \begin{quote} One. Two. \end{quote}. After it. Last.",
    r"Quotes ``here.'' And ''there.'' So --- dashes -- too. Done!` Ok?` Yes.",
    r"Set A_1. B^2 here. The \% of 5\&6. Curly {A. B} end. \model wins. Mr. Smith agrees.",
    r"One sentence only with \emph{LaTeX} and no cut",
    r"Escaped \{ brace. Then \} closes. Then \$ sign. Then {open. Not closed",
]


@pytest.mark.parametrize("prepared", SENTENCES)
def test_only_the_sentences_with_latex_are_converted_and_the_text_is_the_same(
        prepared: str) -> None:
    assert " ".join(latex._convert(prepared).split()) == whole(prepared)


def test_sentences_are_cut_only_outside_groups_math_and_environments() -> None:
    pieces = latex._sentences(SENTENCES[0])
    assert pieces == [r"We study $x. Y$ in math.", r"Then \textbf{bold. Still} grouped.",
                      r"A 17.5$\times$ gain."]
    assert latex._sentences(SENTENCES[1]) == [  # the environment stays whole
        "Plain first.", r"Then \begin{quote} One. Two. \end{quote}.", "After it.", "Last."]


def test_seed_lines_read_as_converting_them_whole_would(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [line.strip() for path in sorted((REPO / "content" / "listings").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines()
             if latex._TRIGGER.search(line)]
    assert len(lines) > 20
    cut = [latex.to_text(line) for line in lines]
    monkeypatch.setattr(latex, "_convert", latex._converter().latex_to_text)
    assert cut == [latex.to_text(line) for line in lines]


# --- converting only the LaTeX of a piece (``_convert_piece``) -------------------------

ATOMS = ["a", "b", "ab", "x1", "9", " ", "  ", "\n", "\n\n", "word", "Then", ".", ",", "(", ")",
         "[", "]", "*", "$", "$x$", r"$\alpha$", "{", "}", "{x}", "\\", r"\%", r"\&", r"\$", r"\{",
         r"\}", r"\\", r"\\[2pt]", r"\alpha", r"\alpha{}", r"\times", r"\frac", r"\frac12",
         r"\frac{a}{b}", r"\'", r"\'e", r"\"u", r"\`a", r"\textbf", r"\textbf{B}", r"\emph{x y}",
         r"\sqrt[3]{x}", r"\sqrt", r"\href{u}{t}", r"\url{h_t}", r"\begin{quote}", r"\end{quote}",
         r"\begin", r"\end", r"\begin{equation}", r"\end{equation}", r"\(", r"\)", r"\[", r"\]",
         "$$", "%", "%c\n", "&", "~", "-", "--", "---", "``", "''", "'", "`", "!`", "?`", "!", "?",
         "#", "^", "_", "^2", "_i", r"\model", r"\eg", r"\etal", r"\item", r"\item[a]", r"\section",
         r"\section*{S}", r"\verb|x|", r"\newcommand{\x}{y}", r"\cite{k}", "é", r"\'é", r"\ss",
         r"\mathbb{R}", r"\left(", r"\right)", r"\text{a b}"]


def pieces(count: int, seed: int, longest: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ATOMS) for _ in range(rng.randint(1, longest)))
            for _ in range(count)]


CUT_CASES = [
    r"speeds up training by 17.5$\times$ over the baseline, with $O(n^2)$ memory",
    r"the Fr\'echet distance and Aky\"urek et al.",
    r"we take \frac12 of it and \frac{a}{b} more",  # bare arguments past a cut
    r"\alpha[\{\end{quote}\frac%c" + "\nword",  # a tolerant walker restarts after \frac
    r"a group {opened here and closed} later, \textbf{Med}ical",
    r"an unclosed {group runs to the end",
    r"a stray } brace and $x y$ math",
    r"``quoted'' -- dashed --- text with \% and \& and e.g.\ fine",
    r"\begin{quote} One. Two. \end{quote} after it",
    "ends in a backslash \\", "a \\ b \\",  # the space before a last backslash goes
]


def whole_piece(piece: str) -> str:
    try:
        return str(latex._converter().latex_to_text(piece))
    except Exception as exc:  # noqa: BLE001 (compared, not hidden)
        return f"raised {type(exc).__name__}"


def cut_piece(piece: str) -> str:
    try:
        return latex._convert_piece(piece)
    except Exception as exc:  # noqa: BLE001
        return f"raised {type(exc).__name__}"


@pytest.mark.parametrize("piece", CUT_CASES + pieces(600, 1, 14) + pieces(150, 2, 40))
def test_converting_only_the_latex_gives_what_converting_the_piece_gives(piece: str) -> None:
    assert cut_piece(piece) == whole_piece(piece)


def test_plain_stretches_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    nodes = latex._nodes
    monkeypatch.setattr(latex, "_nodes", lambda text, **kw: parsed.append(text) or nodes(text, **kw))
    latex._segment.cache_clear()
    text = "A long sentence of plain words " * 20 + r"with 9.8\% gain " + "and more plain words" * 20
    assert latex._convert_piece(text) == whole_piece(text)
    assert parsed and max(map(len, parsed)) < 30


def sentences_char_by_char(prepared: str) -> list[str]:
    """The first ``_sentences``: a loop over every character (the reference)."""
    cuts = [m.start() for m in latex._SENTENCE_END.finditer(prepared)]
    if not cuts:
        return [prepared]
    depth, math, envs, escaped = 0, False, 0, False
    safe: set[int] = set()
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
        elif i in cuts and depth == 0 and not math and envs == 0:
            safe.add(i)
    out, start = [], 0
    for cut in sorted(safe):
        out.append(prepared[start:cut])
        start = cut + 1
    out.append(prepared[start:])
    return out


@pytest.mark.parametrize("prepared", SENTENCES + [p.replace("\n", " ") + ". The end. So"
                                                   for p in pieces(300, 3, 20)])
def test_sentences_cut_where_the_character_loop_cut(prepared: str) -> None:
    assert latex._sentences(prepared) == sentences_char_by_char(prepared)


@pytest.mark.parametrize("text", ["plain", "a - b", "a ` b", "x \\ y", "$", "~", "{", "}", "``",
                                  "--", "-`-", "` `"] + pieces(200, 4, 6))
def test_the_quick_trigger_is_the_pattern(text: str) -> None:
    assert latex.has_latex(text) == bool(latex._TRIGGER.search(text))
