"""A corpus closer to a real digest than the uniform one of ``corpus.py`` (issue 16).

What makes it realistic, and why each part matters to the build's cost:

- **Abstracts that differ**: sentences of the seeds' real abstracts recombined, and
  about one in five holding LaTeX the way arXiv abstracts do (inline math of many
  shapes, made combinatorially so formulas repeat only as often as ``$\\alpha$`` does,
  ``\\textit{}``/``\\emph{}``/``\\textbf{}``, ````quotes''``, ``--``, ``\\%``, accents such as
  ``Fr\\'echet``): every one of them goes through the LaTeX converter.
- **No topics in the files**: the default taxonomy's rules assign them, as they would.
- **Authors as on arXiv**: 1 to 15 a paper (mean about 6), drawn from a pool of
  made-up names (first name, sometimes a middle initial, last name; some with
  diacritics): a third of the slots go to a long tail where most people have one
  paper, the rest to a smaller pool with a flat Zipf popularity, so a few people have
  dozens of papers. At 10k papers that gives about 2.5 distinct authors per paper.
- **Files as a digest has them**: one large records listing (JSON, sorted keys, sorted
  by arXiv id, the fields ``digest fetch`` writes) with about 80% of the papers (one
  file per 8,000), then many small pasted listings of 3 to 30 papers in the formats of
  the seeds: Hugging Face Daily Papers pages (chrome, a date, ``• N authors`` / an
  organisation, ``·``, date and upvotes), search results (title / abstract lines under
  the "Get trending papers" chrome) and publication lists (``Last, First`` owner and
  authors). Some have front matter, some are raw pastes dated by their file name.
  About one entry in six of a small listing is a paper of the records file too (the
  merge has duplicates to join), and publication lists hold their owner's papers
  wherever those are.

The same ``seed`` gives the same files.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from digest.text.slugs import name_slug, title_key

RECORDS_PER_FILE = 8000
RECORDS_SHARE = 0.8  # papers only in the records file(s); the rest are pasted
DUPLICATE_SHARE = 0.17  # entries of a small listing that are records papers too
LATEX_SHARE = 0.2
FIRST_DAY = date(2023, 1, 2)
DAYS = 3 * 365
# authors: the share of slots drawn from the long tail (mostly one paper each), the tail's
# size and the popular pool's size per paper, and the popular pool's Zipf exponent
TAIL_SHARE = 0.35
TAIL_PER_PAPER = 4
POPULAR_PER_PAPER = 1.0
ZIPF = 0.3
# authors per paper, 1 to 15: mean about 6
AUTHOR_WEIGHTS = (4, 7, 10, 12, 12, 11, 10, 8, 7, 5, 4, 3, 3, 2, 2)



def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words("""
Ada Adebayo Ahmed Aiko Akira Alejandro Alexei Alice Amara Amir Ana Anders Andrea Anika
Anna Antoine Arjun Ayşe Bao Beatriz Ben Björn Bo Camille Carlos Catalina Chao Chen
Chiara Chloé Daniel David Dae-jung Deepak Diego Dmitri Elena Elif Emeka Emily Emma
Eun-ji Fatima Felix Feng Fernando François Gabriel Georg Giulia Gustavo Hana Hannah Hao
Haruto Hiroshi Ibrahim Ingrid Isabel Ivan Jae-won Jakob Javier Jia Jiahui Jian Jie Jin
João Jonas Jorge Julia Jun Kai Kalinda Karim Kenji Kevin Krzysztof Lars Laura Lea Lei Li
Lin Ling Lucas Luca Maria Mateus Matteo Mei Michael Mikhail Min-jun Ming Mohammed Nadia
Naveen Nikolai Noor Olga Omar Pablo Peng Pierre Priya Qian Quentin Rafael Rahul Rania
Renée Ricardo Rui Sakura Samuel Sara Sebastián Sergey Shreya Siddharth Sofia Søren Sven
Takeshi Tariq Thomas Tian Tomás Uma Valentina Victor Wei Wen Xiang Xiao Xin Yan Yang
Yara Yi Ying Yu Yuki Yusuf Zhen Zhi Zofia Zoë
""")
LAST_NAMES = _words("""
Abe Adeyemi Agarwal Ahn Alvarez Andersen Arora Bae Bauer Becker Bianchi Brown Castro Chan
Chang Chatterjee Chen Cheng Cho Choi Costa Cruz Dąbrowski Das Dubois Eriksson Fang Feng
Fernández Fischer Fréchet Fu Gao García Ghosh Gómez Guo Gupta Haddad Han Hansen Hashimoto
He Hoang Hong Hu Huang Ibrahim Ito Iyer Jain Jansen Jiang Jin Johnson Jung Kang Kapoor Kato
Kaur Khan Kim Kobayashi Kowalski Kumar Kuo Lam Larsen Lee Leung Li Liang Lim Lin Liu Long
López Lu Luo Ma Malik Martin Martínez Meyer Mishra Moreau Müller Nakamura Nguyen Novak Okafor
Olsen Ortiz Park Patel Peng Petrov Pham Qian Qin Quispe Rao Reddy Ren Rossi Roy Sato Schmidt
Schneider Shah Shen Shi Silva Singh Smith Søndergaard Song Su Sun Suzuki Tan Tanaka Takahashi
Tang Tran Verma Wagner Wang Watanabe Weber Wei Wong Wu Xia Xie Xu Yamada Yamamoto Yan Yang Ye
Yilmaz Yu Yuan Zeng Zhang Zhao Zheng Zhong Zhou Zhu Żukowski
""") + ("van der Berg", "De la Cruz", "O'Brien", "Le Roux", "dos Santos")
INITIALS = tuple("ABCDEFGHJKLMNPRSTVWXYZ")
ORGANISATIONS = ("Gensyn Gensyn", "GD-ML AMAP-ML", "meituan-longcat LongCat",
                 "allenai Ai2", "google Google", "nvidia NVIDIA", "Qwen Qwen",
                 "deepseek-ai DeepSeek", "facebook AI at Meta", "microsoft Microsoft")

# --- LaTeX -------------------------------------------------------------------------------

GREEK = _words(r"\alpha \beta \gamma \delta \epsilon \varepsilon \eta \theta \lambda \mu \nu "
              r"\rho \sigma \tau \phi \psi \omega \kappa \xi \pi")
LATIN = tuple("xyzwhkdmpqsuvLNKTDH")
SUBSCRIPTS = ("i", "t", "k", "0", "1", "2", "j", "n", r"\theta", r"\phi", "{ij}", "{t+1}",
              r"\text{max}", r"\mathrm{KL}", "{\\ell}", "{s,a}")
BIG_O = ("O", "O", r"\mathcal{O}", r"\tilde{O}", r"\Omega", r"\Theta")
DIMENSIONS = ("d", "n", r"n \times d", "D", "k", r"H \times W")
NORMS = ("1", "2", "F", r"\infty", "*")
ACCENTED = (r"Fr\'echet Inception Distance", r"Schr\"odinger bridge", r"Poincar\'e ball",
            r"L\'evy process", r"Nystr\"om approximation", r"Erd\H{o}s--R\'enyi graph",
            r"Kullback--Leibler divergence", r"G\"odel machine", r"Hoeffding's inequality",
            r"Cram\'er--Rao bound", r"Sinkhorn--Knopp algorithm", r"M\"obius transformation")


def _symbol(rng: random.Random) -> str:
    """A variable: Greek or Latin, maybe with a subscript, a superscript or a hat."""
    base = rng.choice(GREEK) if rng.random() < 0.55 else rng.choice(LATIN)
    if rng.random() < 0.12:
        base = rf"\{rng.choice(('hat', 'tilde', 'bar'))}{{{base}}}"
    if rng.random() < 0.4:
        base += "_" + rng.choice(SUBSCRIPTS)
    if rng.random() < 0.12:
        base += "^" + rng.choice(("2", "{(t)}", "{(k)}", r"\top", "*", "{-1}"))
    return base


def _number(rng: random.Random) -> str:
    return rng.choice((
        lambda: f"10^{{-{rng.randint(2, 8)}}}",
        lambda: rf"{rng.randint(1, 9)}\times 10^{{{rng.randint(3, 9)}}}",
        lambda: f"{rng.randint(1, 99) / 100:g}",
        lambda: str(2 ** rng.randint(1, 12)),
        lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
    ))()


def _complexity(rng: random.Random) -> str:
    n = rng.choice(("n", "N", "T", "d", "L", "k"))
    body = rng.choice((f"{n}^2", rf"{n} \log {n}", rf"\sqrt{{{n}}}", f"{n}^{{{rng.choice(('1.5', '3', '2/3'))}}}",
                       rf"\log {n}", rf"1/\epsilon^{rng.randint(1, 3)}", f"{n} d", rf"{n}^2 / \epsilon",
                       rf"\sqrt{{d{n}}}", f"{n} + k"))
    return f"{rng.choice(BIG_O)}({body})"


def _space(rng: random.Random) -> str:
    return rng.choice((
        lambda: rf"\mathbb{{{rng.choice('RRRNCZ')}}}^{{{rng.choice(DIMENSIONS)}}}",
        lambda: rf"\mathcal{{{rng.choice('XYZSDAMH')}}}",
        lambda: rf"f_\theta: \mathcal{{X}} \to \mathcal{{{rng.choice('YZH')}}}",
        lambda: rf"{_symbol(rng)} \in \mathbb{{R}}^{{{rng.choice('dnkm')}}}",
    ))()


def _relation(rng: random.Random) -> str:
    return rng.choice((
        lambda: rf"{_symbol(rng)} \leq {_number(rng)}",
        lambda: rf"{_symbol(rng)} \geq {rng.randint(1, 64)}",
        lambda: rf"{_symbol(rng)} \in [0, 1]",
        lambda: f"{rng.choice(LATIN)} = {2 ** rng.randint(1, 10)}",
        lambda: rf"{_symbol(rng)} \approx {_number(rng)}",
        lambda: f"p < 0.0{rng.randint(1, 5)}",
        lambda: rf"{_symbol(rng)} \ll {rng.choice('nNdT')}",
    ))()


def _expression(rng: random.Random) -> str:
    return rng.choice((
        lambda: rf"\frac{{1}}{{\sqrt{{{rng.choice('dnkT')}}}}}",
        lambda: rf"\frac{{\partial \mathcal{{L}}}}{{\partial {_symbol(rng)}}}",
        lambda: rf"\|{_symbol(rng)}\|_{rng.choice(NORMS)}",
        lambda: rf"\ell_{rng.choice(NORMS[:2] + ('p', NORMS[3]))}",
        lambda: rf"\sum_{{i=1}}^{{{rng.choice('nNK')}}} {_symbol(rng)}",
        lambda: rf"\mathbb{{E}}[{_symbol(rng)}]",
        lambda: rf"\log p_\theta({rng.choice('xyz')} \mid {rng.choice('xyzc')})",
        lambda: rf"\exp(-{_symbol(rng)})",
        lambda: rf"\arg\min_{{{_symbol(rng)}}} \mathcal{{L}}",
        lambda: rf"\max_{{{rng.choice('ijk')}}} {_symbol(rng)}",
        lambda: r"\mathrm{softmax}(QK^\top/\sqrt{d})",
        lambda: rf"{_symbol(rng)} \sim \mathcal{{N}}(0, \sigma^2 I)",
    ))()


def _math(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"${_symbol(rng)}$"
    maker: Callable[[random.Random], str] = rng.choice(
        (_complexity, _space, _relation, _relation, _expression, _expression, _number))
    return f"${maker(rng)}$"


def _latex_sentence(rng: random.Random, name: str) -> str:
    """One sentence of an abstract with LaTeX in it, in one of many shapes."""
    m = lambda: _math(rng)
    return rng.choice((
        lambda: f"We prove that the estimator converges at a rate of ${_complexity(rng)}$, "
                "matching the known lower bound.",
        lambda: f"The resulting algorithm runs in ${_complexity(rng)}$ time and "
                f"${_complexity(rng)}$ memory.",
        lambda: f"Given inputs ${_space(rng)}$, the model learns a mapping to {m()}.",
        lambda: f"We set {m()} and ${_relation(rng)}$ in all experiments.",
        lambda: f"It achieves a ${rng.randint(11, 99) / 10:g}\\times$ speedup and reduces "
                f"memory by {rng.randint(5, 80)}\\%.",
        lambda: f"Under mild assumptions, the error is bounded by ${_relation(rng)}$ with "
                rf"probability at least $1-\delta$.",
        lambda: rf"We introduce \textbf{{{name}}}, a \textit{{simple}} yet effective approach "
                f"that scales with {m()}.",
        lambda: rf"Unlike ``black-box'' methods, {name} is \emph{{interpretable}} by design.",
        lambda: f"It improves the {rng.choice(ACCENTED)} by {rng.randint(1, 9)}--"
                f"{rng.randint(10, 30)} points over strong baselines.",
        lambda: rf"\emph{{Surprisingly}}, the optimal {m()} does not depend on {m()}.",
        lambda: f"We minimise the ${_expression(rng)}$ objective with a penalty {m()}.",
        lambda: rf"Our analysis relies on the {rng.choice(ACCENTED)} and gives "
                f"${_complexity(rng)}$ regret after $T$ rounds.",
        lambda: f"We evaluate with ${rng.choice('nkK')} = {2 ** rng.randint(1, 4)}$ to "
                f"${2 ** rng.randint(5, 9)}$ samples per prompt ({rng.randint(20, 95)}\\% "
                "of the budget).",
        lambda: rf"Models with up to ${rng.randint(1, 9)} \times 10^{{{rng.randint(8, 11)}}}$ "
                rf"parameters are trained with learning rate ${_number(rng)}$ -- "
                "no tuning needed.",
        lambda: rf"We call our approach \textsc{{{name}}} (\textit{{{name.lower()}}}).",
        lambda: f"Attention weights {m()} are computed as ${_expression(rng)}$.",
        lambda: rf"Code and models are released for ``{name}'' (\texttt{{{name.lower()}}}).",
    ))()


def latex_abstract(rng: random.Random, sentences: list[str], name: str) -> list[str]:
    """Add one to three LaTeX sentences and arXiv's ``\\%`` to an abstract's sentences."""
    out = [re.sub(r"(?<=\d)%", r"\\%", s) for s in sentences]
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        out.insert(rng.randint(1, max(1, len(out))), _latex_sentence(rng, name))
    return out


# --- authors -----------------------------------------------------------------------------


@dataclass
class AuthorPool:
    """Names for ``n`` papers: a popular pool (flat Zipf) and a long tail (uniform)."""

    popular: list[str]
    tail: list[str]
    cumulative: list[float] = field(default_factory=list)

    @classmethod
    def make(cls, n: int, rng: random.Random) -> AuthorPool:
        popular_size = max(50, int(n * POPULAR_PER_PAPER))
        tail_size = max(200, n * TAIL_PER_PAPER)
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < popular_size + tail_size:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = (f"{first} {rng.choice(INITIALS)}. {last}" if rng.random() < 0.25
                    else f"{first} {last}")
            if name not in seen:
                seen.add(name)
                names.append(name)
        weights = [(rank + 1) ** -ZIPF for rank in range(popular_size)]
        return cls(names[:popular_size], names[popular_size:],
                   list(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> str:
        if rng.random() < TAIL_SHARE:
            return self.tail[rng.randrange(len(self.tail))]
        index = bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])
        return self.popular[min(index, len(self.popular) - 1)]

    def byline(self, rng: random.Random) -> list[str]:
        count = rng.choices(range(1, 16), weights=AUTHOR_WEIGHTS)[0]
        names: list[str] = []
        while len(names) < count:
            name = self.draw(rng)
            if name not in names:
                names.append(name)
        return names


# --- papers ------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def generate(n: int, sources: Sequence[tuple[str, str]], seed: int = 0,
             method_name: Callable[[random.Random], str] | None = None) -> list[dict[str, object]]:
    """N records with the fields ``digest fetch`` writes (no topics), oldest first."""
    from corpus import _method_name

    make_name = method_name or _method_name
    rng = random.Random(seed)
    pool = AuthorPool.make(n, rng)
    sentences = [s for _, abstract in sources for s in _SENTENCE.split(abstract)]
    keys: set[str] = set()
    drafts: list[tuple[str, str, str, list[str]]] = []
    while len(drafts) < n:
        base_title, base_abstract = sources[rng.randrange(len(sources))]
        name = make_name(rng)
        title = f"{name}: {base_title}"
        if title_key(title) in keys:
            continue
        keys.add(title_key(title))
        own = _SENTENCE.split(base_abstract)
        # half the sentences of a real abstract, the others from any abstract, shuffled a little
        body = [s if rng.random() < 0.5 else rng.choice(sentences) for s in own]
        if rng.random() < 0.3 and len(body) > 3:
            middle = body[1:-1]
            rng.shuffle(middle)
            body = [body[0], *middle, body[-1]]
        body.insert(min(1, len(body)), f"We call our approach {name}.")
        if rng.random() < LATEX_SHARE:
            body = latex_abstract(rng, body, name)
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        drafts.append((day.isoformat(), title, " ".join(body), pool.byline(rng)))
    drafts.sort()
    per_month: dict[str, int] = defaultdict(int)
    papers: list[dict[str, object]] = []
    for day, title, abstract, authors in drafts:
        month = day[2:4] + day[5:7]
        per_month[month] += 1
        arxiv = f"{month}.{per_month[month]:05d}"
        links = [f"https://arxiv.org/abs/{arxiv}", f"https://arxiv.org/pdf/{arxiv}"]
        if rng.random() < 0.3:
            links.append(f"https://github.com/{name_slug(authors[0])}/{name_slug(title)[:30]}")
        record: dict[str, object] = {"arxiv": arxiv, "title": title, "authors": authors,
                                     "abstract": abstract, "date": day, "links": links}
        if rng.random() < 0.6:
            record["upvotes"] = min(int(rng.paretovariate(1.2)) - 1, 3000)
        if rng.random() < 0.2:
            record["submitter"] = rng.choice(pool.popular[:200])
        papers.append(record)
    return papers


# --- files -------------------------------------------------------------------------------

HF_CHROME = ("new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
             "byAK and the research community")
SEARCH_CHROME = ("Get trending papers in your email inbox once a day!",
                 "Get trending papers in your email inbox!")


def _month_day(day: str, listing_day: str) -> str:
    """A date as Hugging Face prints it: the year only when it is not the listing's."""
    d = date.fromisoformat(day)
    text = f"{d:%b} {d.day}"
    return text if day[:4] == listing_day[:4] else f"{text}, {d.year}"


def _front_matter(rng: random.Random, title: str, fmt: str, **more: str) -> str:
    if rng.random() < 0.5:
        return ""  # a raw paste, dated by its file name
    lines = [f'title: "{title}"', f"source: {more.pop('source')}", f"format: {fmt}"]
    lines += [f"{key}: {value}" for key, value in more.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def hf_entry(record: dict[str, object], listing_day: str, rng: random.Random) -> str:
    """One paper as a Hugging Face papers page shows it when pasted."""
    authors = record["authors"]
    assert isinstance(authors, list)
    who = (rng.choice(ORGANISATIONS) if rng.random() < 0.1
           else f"  • {len(authors)} authors")
    votes = record.get("upvotes")
    when = _month_day(str(record["date"]), listing_day) + (f" {votes}" if votes else "")
    return f"{record['title']}\n\n{record['abstract']}\n\n{who}\n·\n{when}\n"


def hf_listing(records: Sequence[dict[str, object]], day: str, rng: random.Random) -> str:
    d = date.fromisoformat(day)
    chrome = [c for c in HF_CHROME if c != "Daily Papers" or rng.random() < 0.7]
    head = "\n\n".join([*chrome, f"{d:%b} {d.day}"]) + "\n\n"
    return (_front_matter(rng, f"Hugging Face papers: {d:%B} {d.day}", "huggingface",
                          source="https://huggingface.co/papers")
            + head + "\n".join(hf_entry(r, day, rng) for r in records))


def search_listing(records: Sequence[dict[str, object]], query: str, rng: random.Random) -> str:
    body = "\n".join(f"{r['title']}\n{r['abstract']}" for r in records)
    return (_front_matter(rng, f"Paper search: {query}", "title-abstract",
                          source="https://huggingface.co/papers")
            + "\n".join(SEARCH_CHROME) + "\nSubscribe" + body + "\n")


def _last_first(name: str) -> str:
    """``Quoc V. Le`` → ``Le, Quoc V.``; ``Anna van der Berg`` → ``van der Berg, Anna``
    (pool names are one first name, an optional initial, then the last name)."""
    first, _, last = name.partition(" ")
    if len(last) > 3 and last[1:3] == ". ":
        first, last = f"{first} {last[:2]}", last[3:]
    return f"{last}, {first}"


def author_listing(owner: str, records: Sequence[dict[str, object]], rng: random.Random) -> str:
    body = "\n".join(f"{r['title']}\n{', '.join(_last_first(a) for a in r['authors'])}\n"  # type: ignore[attr-defined]
                     f"{r['abstract']}" for r in records)
    return (_front_matter(rng, f"Publications: {owner}", "author-list",
                          source="https://scholar.google.com/", owner=owner)
            + _last_first(owner) + "\n" + body + "\n")


def records_text(records: Sequence[dict[str, object]]) -> str:
    """As ``digest fetch`` writes a day: sorted keys, sorted by arXiv id."""
    ordered = sorted(records, key=lambda r: str(r["arxiv"]))
    return json.dumps(ordered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _pasted(record: dict[str, object]) -> dict[str, object]:
    """What a paste shows of a paper (no arXiv id, links or submitter)."""
    return {k: record[k] for k in ("title", "abstract", "authors", "date", "upvotes")
            if k in record}


def listings(papers: Sequence[dict[str, object]], seed: int = 0) -> dict[str, str]:
    """File name → text: records file(s), then small pasted listings of three formats."""
    rng = random.Random(seed + 1)
    order = list(range(len(papers)))
    rng.shuffle(order)
    cut = round(len(papers) * RECORDS_SHARE)
    in_records = sorted(order[:cut])
    pasted = set(order[cut:])
    out: dict[str, str] = {}
    for number, start in enumerate(range(0, len(in_records), RECORDS_PER_FILE), start=1):
        chunk = [papers[i] for i in in_records[start:start + RECORDS_PER_FILE]]
        out[f"{chunk[-1]['date']}-arxiv-{number:02d}.json"] = records_text(chunk)
    by_author: dict[str, list[int]] = defaultdict(list)
    for index, paper in enumerate(papers):
        for name in paper["authors"]:  # type: ignore[attr-defined]
            by_author[name].append(index)

    def duplicates(near: int, count: int) -> list[int]:
        """Records papers dated close to paper ``near`` (papers are sorted by date)."""
        spot = bisect.bisect(in_records, near)
        window = in_records[max(0, spot - 40):spot + 40]
        return rng.sample(window, min(count, len(window)))

    # publication lists of prolific authors: their papers, wherever those are
    placed: set[int] = set()
    prolific = sorted(by_author, key=lambda a: (-len(by_author[a]), a))
    owners = prolific[: max(1, len(papers) // 700)]
    for number, owner in enumerate(owners, start=1):
        mine = sorted(by_author[owner], reverse=True)[: rng.randint(5, 30)]
        placed.update(i for i in mine if i in pasted)
        day = str(papers[mine[0]]["date"])
        out[f"{day}-{name_slug(owner)}-publications.txt"] = author_listing(
            owner, [_pasted(papers[i]) for i in mine], rng)
    # the other pasted papers, a few days' worth to a listing, with some duplicates
    rest = sorted(pasted - placed)
    start, number = 0, 0
    while start < len(rest):
        size = rng.randint(3, 30)
        own = rest[start:start + size]
        start += size
        number += 1
        extra = duplicates(own[0], sum(rng.random() < DUPLICATE_SHARE for _ in own))
        chosen = sorted(set(own) | set(extra))
        if rng.random() < 0.6:
            rng.shuffle(chosen)  # a Daily Papers page is ordered by upvotes, not by date
            day = max(str(papers[i]["date"]) for i in chosen)
            out[f"{day}-hf-daily-{number:04d}.txt"] = hf_listing(
                [_pasted(papers[i]) for i in chosen], day, rng)
        else:
            day = max(str(papers[i]["date"]) for i in chosen)
            query = " ".join(str(papers[chosen[0]]["title"]).split(":")[-1].split()[:3])
            out[f"{day}-search-{number:04d}.txt"] = search_listing(
                [_pasted(papers[i]) for i in chosen], query, rng)
    return out


def add_paper(path: Path, count: int) -> str:
    """Add one paper to a small pasted listing in its own format; return the old text."""
    text = path.read_text(encoding="utf-8")
    title = f"Edited Paper {count}: a new entry pasted into {path.stem}"
    abstract = ("We study what one more pasted paper costs a rebuild. "
                f"Our method improves accuracy by {count + 3}\\% with $O(n \\log n)$ cost.")
    if "-hf-daily-" in path.name:
        day = path.name[:10]
        d = date.fromisoformat(day)
        entry = f"\n{title}\n\n{abstract}\n\n  • 3 authors\n·\n{d:%b} {d.day} 4\n"
    elif "-publications" in path.name:
        owner = text.split("---\n")[-1].splitlines()[0]
        entry = f"{title}\n{owner}, Rossi, Alice\n{abstract}\n"
    else:
        entry = f"{title}\n{abstract}\n"
    path.write_text(text + entry, encoding="utf-8")
    return text


def small_listing(project: Path) -> Path:
    """The middle Daily Papers paste of a realistic project (the one-listing edit)."""
    files = sorted((project / "content" / "listings").glob("*-hf-daily-*.txt"))
    return files[len(files) // 2]


def stats(papers: Sequence[dict[str, object]], files: dict[str, str]) -> dict[str, object]:
    """What the corpus holds: files by format, LaTeX share, authors."""
    from collections import Counter

    kinds = Counter("records" if n.endswith(".json") else
                    "huggingface" if "-hf-daily-" in n else
                    "author-list" if n.endswith("-publications.txt") else "title-abstract"
                    for n in files)
    papers_per_author = Counter(a for p in papers for a in p["authors"])  # type: ignore[attr-defined]
    counts = sorted(papers_per_author.values(), reverse=True)
    return {
        "papers": len(papers), "files": len(files), "formats": dict(sorted(kinds.items())),
        "latex_share": sum(bool(re.search(r"[\\$]", str(p["abstract"]))) for p in papers)
        / max(1, len(papers)),
        "authors_per_paper": sum(len(p["authors"]) for p in papers) / max(1, len(papers)),  # type: ignore[arg-type]
        "distinct_authors": len(counts),
        "single_paper_authors": sum(c == 1 for c in counts) / max(1, len(counts)),
        "top_author_papers": counts[:5],
        "bytes": sum(len(t.encode()) for t in files.values()),
    }
