"""A deterministic synthetic corpus of N papers made from the seeds' real abstracts.

Every paper gets a made-up method name (``Vorkan-7B: <a real title>``, so titles are
unique and the vocabulary grows the way a real corpus's does), an abstract whose
sentences are drawn from the real abstracts, ten authors from a pool of names (a
few with diacritics), one to three topics of the default taxonomy, a date and an arXiv
link (a made-up id of that month). The
papers are written as ``records`` listings (JSON), 100 per file, into a project
folder that ``digest build`` can build.

    python benchmarks/corpus.py 10000 /tmp/corpus-10k
    python benchmarks/corpus.py 10000 /tmp/corpus-10k-real --realistic

Reuse it from Python: ``write_project(10_000, Path("/tmp/corpus"))``.

``--realistic`` (``realistic=True``) writes the corpus of ``realistic.py`` instead: LaTeX
in one abstract in five, topics left to the default rules, arXiv-like authors, one large
records file and many small pasted listings (issue 16).
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from digest import config as config_mod
from digest.build import load_corpus
from digest.errors import Problems
from digest.text.slugs import title_key

REPO = Path(__file__).resolve().parent.parent
PER_LISTING = 100
AUTHORS_PER_PAPER = 10
FIRST_DAY = date(2023, 1, 2)
DAYS = 3 * 365


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _names(
    "Ada Akira Alejandro Amara Anders Ayşe Bao Beatriz Björn Chen Chiara Dae-jung Dmitri "
    "Elif Emeka Eun-ji Fatima François Gustavo Hana Hiroshi Ingrid Ivan Jae-won Javier "
    "Jiahui Jonas Kai Kalinda Karim Lars Lea Li Luca Mateus Mei Mikhail Nadia Naveen "
    "Noor Olga Omar Priya Quentin Rafael Rania Renée Sakura Sven Tariq Tomás Uma Wei "
    "Xin Yara Yusuf Zofia Zoë"
)
LAST_NAMES = _names(
    "Abe Adeyemi Alvarez Andersen Bauer Bianchi Brown Castro Chen Cho Costa Dąbrowski "
    "Dubois Eriksson Fernández Fischer Fréchet García Gupta Haddad Hansen Hoang Huang "
    "Ibrahim Ito Jansen Jung Kapoor Kim Kowalski Kumar Larsen Lee Li Liu López Martin "
    "Meyer Moreau Müller Nakamura Nguyen Novak Okafor Olsen Park Patel Petrov Quispe "
    "Rossi Sato Schmidt Silva Singh Søndergaard Suzuki Tanaka Takahashi Tran Wagner Wang "
    "Weber Wu Xu Yamamoto Yang Yilmaz Zhang Zhao Zhou Żukowski"
)
TOPICS = (
    "Multimodal LLMs", "Vision-language pre-training", "Self-supervised learning",
    "Diffusion & generative models", "Large language models",
    "Fine-tuning & instruction tuning", "Data curation & selection",
    "Mixture of experts & efficiency", "Checkpoints, merging & training systems",
    "Reinforcement learning & agents", "Evaluation & benchmarks", "Fine-grained recognition",
    "Robustness & continual learning", "In-context learning & theory",
    "Speech, audio & music", "Retrieval & embeddings",
    "Vision architectures & dense prediction", "Multilingual & cross-lingual",
    "Medicine & science",
)
SYLLABLES = ("ka", "lo", "ven", "tri", "mar", "zen", "qu", "or", "dex", "fi", "ra", "sol",
             "nim", "ber", "ux", "tal", "gor", "pi", "sha", "vo", "lin", "kor", "e", "a")
SUFFIXES = ("", "", "", "-7B", "-XL", "-2", "-Lite", "-Zero", "++", "-V")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def source_papers(project: Path = REPO) -> list[tuple[str, str]]:
    """(title, abstract) of every paper with an abstract in ``project``'s listings."""
    problems = Problems()
    cfg = config_mod.load(project, problems, None)
    corpus = load_corpus(cfg, date(2026, 3, 31), problems)
    return sorted((p.title, p.abstract) for p in corpus.papers if p.abstract)


def _method_name(rng: random.Random) -> str:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return name.capitalize() + rng.choice(SUFFIXES)


def generate(n: int, sources: Sequence[tuple[str, str]], seed: int = 0) -> list[dict[str, object]]:
    """N paper records (export field names), the same for the same arguments."""
    rng = random.Random(seed)
    sentences = [s for _, abstract in sources for s in _SENTENCE.split(abstract)]
    titles: set[str] = set()
    papers: list[dict[str, object]] = []
    while len(papers) < n:
        base_title, base_abstract = sources[rng.randrange(len(sources))]
        name = _method_name(rng)
        title = f"{name}: {base_title}"
        if title_key(title) in titles:  # the key papers are merged by
            continue
        titles.add(title_key(title))
        # Half the sentences of a real abstract, the other half from any abstract.
        own = _SENTENCE.split(base_abstract)
        body = [s if rng.random() < 0.5 else rng.choice(sentences) for s in own]
        body.insert(min(1, len(body)), f"We call our approach {name}.")
        authors: list[str] = []
        while len(authors) < AUTHORS_PER_PAPER:
            author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if author not in authors:
                authors.append(author)
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        papers.append({
            "title": title,
            "authors": authors,
            "abstract": " ".join(body),
            "date": day.isoformat(),
            "links": [f"https://arxiv.org/abs/{day:%y%m}.{len(papers):05d}"],
            "upvotes": rng.randrange(0, 200),
            "topics": rng.sample(TOPICS, rng.randint(1, 3)),
        })
    return papers


def listings(papers: Sequence[dict[str, object]]) -> dict[str, str]:
    """File name → JSON text, PER_LISTING papers a file, named after its newest date."""
    out: dict[str, str] = {}
    ordered = sorted(papers, key=lambda p: (str(p["date"]), str(p["title"])))
    for number, start in enumerate(range(0, len(ordered), PER_LISTING), start=1):
        chunk = ordered[start:start + PER_LISTING]
        name = f"{chunk[-1]['date']}-synthetic-{number:04d}.json"
        out[name] = json.dumps(chunk, indent=1, ensure_ascii=False) + "\n"
    return out


def write_project(n: int, outdir: Path, seed: int = 0, source: Path = REPO, *,
                  realistic: bool = False) -> Path:
    """Write a buildable project (digest.yaml + content/listings) of N papers; return it."""
    folder = outdir / "content" / "listings"
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("*.json"), *folder.glob("*.txt")]:
        old.unlink()
    if realistic:
        import realistic as real

        papers = real.generate(n, source_papers(source), seed)
        files = real.listings(papers, seed)
        found = real.stats(papers, files)
        (outdir / "corpus-stats.json").write_text(json.dumps(found, indent=1) + "\n",
                                                  encoding="utf-8")
    else:
        files = listings(generate(n, source_papers(source), seed))
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    kind = "realistic" if realistic else "synthetic"
    (outdir / "digest.yaml").write_text(
        f"title: {kind.capitalize()} digest ({n} papers)\n"
        "base_url: http://127.0.0.1:8000/papers/\n", encoding="utf-8")
    return outdir


def describe(project: Path) -> str:
    """One line of the realistic corpus's stats (files, formats, LaTeX, authors)."""
    path = project / "corpus-stats.json"
    if not path.is_file():
        return ""
    s = json.loads(path.read_text(encoding="utf-8"))
    formats = ", ".join(f"{count} {name}" for name, count in s["formats"].items())
    return (f"{s['papers']} papers in {s['files']} files ({formats}; {s['bytes'] / 2**20:.1f} MB), "
            f"LaTeX in {s['latex_share']:.1%} of abstracts, {s['authors_per_paper']:.1f} "
            f"authors a paper, {s['distinct_authors']} distinct authors "
            f"({s['distinct_authors'] / s['papers']:.2f} per paper, "
            f"{s['single_paper_authors']:.0%} with one paper, most papers: "
            f"{', '.join(map(str, s['top_author_papers']))})")


def main(argv: Sequence[str]) -> int:
    args = [a for a in argv if a != "--realistic"]
    if len(args) != 2 or not args[0].isdigit():
        print("usage: python benchmarks/corpus.py N OUTDIR [--realistic]", file=sys.stderr)
        return 2
    project = write_project(int(args[0]), Path(args[1]), realistic="--realistic" in argv)
    print(f"wrote {args[0]} papers to {project / 'content' / 'listings'}")
    if "--realistic" in argv:
        print(describe(project))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
