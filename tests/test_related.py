"""Related papers (corpus/related.py): obvious neighbours found, noise left out, the lists
consistent both ways, the same in every build, and shown on paper pages and in feeds."""

from __future__ import annotations

import os
import pickle
import random
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sitebuild import tree

from digest import config as config_mod
from digest.build import BuildCache, BuildResult, build
from digest.corpus import related
from digest.errors import Problems
from digest.model import Paper

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "related_site"
DAY = date(2025, 12, 31)

LORA = "lora-low-rank-adaptation-of-large-language-models"
QLORA = "qlora-efficient-finetuning-of-quantized-llms"
DORA = "dora-weight-decomposed-low-rank-adaptation"
MMLU = "measuring-massive-multitask-language-understanding"
MMLU_PRO = "mmlu-pro-a-more-robust-and-challenging-multi-task-language-understanding-4c4d14"
DDPM = "denoising-diffusion-probabilistic-models"
IDDPM = "improved-denoising-diffusion-probabilistic-models"
RADAR = "radar-tracking-of-songbird-migration-over-the-north-sea"


def run(root: Path, cache: BuildCache | None = None) -> BuildResult:
    problems = Problems()
    cfg = config_mod.load(root, problems)
    result = build(cfg, DAY, problems, write=False, cache=cache)
    assert result is not None, [str(p) for p in problems.items]
    return result


@pytest.fixture(scope="module")
def fixture_build() -> BuildResult:
    return run(FIXTURE)


def neighbours(result: BuildResult, paper_id: str) -> list[str]:
    return [other for other, _ in result.site.related[paper_id]]


def test_each_family_finds_its_own_and_nothing_else(fixture_build: BuildResult) -> None:
    # A method and its two follow-ups; a benchmark and its harder version; a model and
    # its follow-up. The follow-ups of LoRA each list LoRA, and LoRA lists both, the
    # one that shares its name and words first.
    assert neighbours(fixture_build, LORA) == [DORA, QLORA]
    assert neighbours(fixture_build, QLORA) == [LORA]
    assert neighbours(fixture_build, DORA) == [LORA]
    assert neighbours(fixture_build, MMLU) == [MMLU_PRO]
    assert neighbours(fixture_build, MMLU_PRO) == [MMLU]
    assert neighbours(fixture_build, DDPM) == [IDDPM]
    assert neighbours(fixture_build, IDDPM) == [DDPM]


def test_a_paper_with_nothing_like_it_lists_nothing(fixture_build: BuildResult) -> None:
    assert fixture_build.site.related[RADAR] == ()
    page = fixture_build.outputs[f"papers/{RADAR}/index.html"].decode()
    assert "Related papers" not in page and "related-list" not in page


def test_the_paper_page_shows_related_cards_after_the_bibtex(fixture_build: BuildResult
                                                            ) -> None:
    page = fixture_build.outputs[f"papers/{LORA}/index.html"].decode()
    section = page[page.index('<section class="related"'):]
    assert page.index("Copy BibTeX") < page.index('<section class="related"')
    assert section.index(f'href="../{DORA}/"') < section.index(f'href="../{QLORA}/"')
    assert '<time datetime="2024-02-14">Feb 14, 2024</time>' in section  # DoRA's date
    assert "Shih-Yang Liu, Chien-Yi Wang" in section


def test_feed_items_carry_a_related_line(fixture_build: BuildResult) -> None:
    feed = fixture_build.outputs["feed.xml"].decode()
    item = feed[feed.index(f"<link>https://example.github.io/related/papers/{QLORA}/</link>"):]
    item = item[:item.index("</item>")]
    assert (f"Related: &lt;a href=\"https://example.github.io/related/papers/{LORA}/\"&gt;"
            "LoRA: Low-Rank Adaptation of Large Language Models&lt;/a&gt;") in item
    radar = feed[feed.index(f"papers/{RADAR}/</link>"):]
    assert "Related:" not in radar[:radar.index("</item>")]


def test_lists_are_consistent_both_ways(fixture_build: BuildResult) -> None:
    """Scores are symmetric: ``b`` lists ``a`` whenever ``a`` lists ``b``, unless
    ``b``'s list is full of papers at least as close."""
    found = fixture_build.site.related
    for paper, near in found.items():
        for other, score in near:
            back = dict(found[other])
            if paper not in back:
                assert len(back) == related.LIMIT and min(back.values()) >= score
            else:
                assert back[paper] == score


def test_the_score_is_the_cosine_of_the_tf_idf_vectors() -> None:
    """Three titles: "alpha beta", "alpha gamma", "delta epsilon". Each title word
    counts three times; alpha is in 2 of 3 papers, beta and gamma in one. An IDF is
    ln N − ln df with each logarithm in steps of 1/8: alpha's is (9 − 6) / 8 = 0.375
    (8 ln 3 = 8.79, 8 ln 2 = 5.55), beta's and gamma's 9 / 8 = 1.125. The first two
    papers' vectors are (1 + ln 3)·(0.375, 1.125) on different second axes: their
    cosine is 0.375² / (0.375² + 1.125²) = 0.1."""
    papers = [Paper(id="a", title="alpha beta"), Paper(id="b", title="alpha gamma"),
              Paper(id="c", title="delta epsilon")]
    expected = 0.375**2 / (0.375**2 + 1.125**2)
    found = related.related(papers)
    assert found["a"] == (("b", pytest.approx(expected, abs=2e-4)),)
    assert found["b"] == (("a", found["a"][0][1]),)
    assert found["c"] == ()


def test_scores_below_the_threshold_are_not_listed() -> None:
    # The same two papers with a third word each: the cosine falls to
    # 0.375² / (0.375² + 2 · 1.125²) = 0.053, under THRESHOLD (0.08).
    papers = [Paper(id="a", title="alpha beta zeta"), Paper(id="b", title="alpha gamma eta"),
              Paper(id="c", title="delta epsilon")]
    assert related.related(papers) == {"a": (), "b": (), "c": ()}


def test_authors_and_topics_are_terms_and_stop_words_are_not() -> None:
    # Titles of stop words only: each paper is its author, or its topic.
    shared_author = [Paper(id="a", title="On the", authors=("Zoë Kim",)),
                     Paper(id="b", title="Of the", authors=("Zoe Kim",)),
                     Paper(id="c", title="three")]
    assert [o for o, _ in related.related(shared_author)["a"]] == ["b"]
    shared_topic = [Paper(id="a", title="On the", topics=("robots",)),
                    Paper(id="b", title="Of the", topics=("robots",)),
                    Paper(id="c", title="three")]
    assert [o for o, _ in related.related(shared_topic)["a"]] == ["b"]
    stop_words = [Paper(id="a", title="the of and"), Paper(id="b", title="the of and"),
                  Paper(id="c", title="three")]
    assert related.related(stop_words)["a"] == ()


@pytest.mark.parametrize(("word", "stem"), [
    ("models", "model"), ("studies", "study"), ("images", "image"), ("class", "class"),
    ("corpus", "corpus"), ("analysis", "analysis"), ("gas", "gas"), ("toes", "toe"),
])
def test_plurals_fold_to_singulars(word: str, stem: str) -> None:
    assert related.stem(word) == stem


def test_the_lists_do_not_depend_on_input_order_or_a_memo(fixture_build: BuildResult) -> None:
    papers = list(fixture_build.site.papers)
    notes = {pid: note.body for pid, note in fixture_build.site.notes.items()}
    random.Random(7).shuffle(papers)
    memo = related.RelatedMemo()
    assert related.related(papers, notes, memo) == fixture_build.site.related
    # The memo now holds the words of every paper; change one paper and drop another.
    lora = next(p for p in papers if p.id == LORA)
    changed = [replace(lora, abstract=lora.abstract + " Adapters for diffusion models.")
               if p is lora else p for p in papers if p.id != MMLU]
    assert related.related(changed, notes, memo) == related.related(changed, notes)
    # Nothing any paper is read from changed (only upvotes): the last lists are reused.
    voted = [replace(p, upvotes=(p.upvotes or 0) + 1) for p in changed]
    assert related.related(voted, notes, memo) is memo.result


def _families(count: int, seed: int) -> list[Paper]:
    """``count`` papers in families of eight: a family shares a name and most of its
    words, every paper draws the rest from words all families use."""
    rng = random.Random(seed)
    common = [f"common{i}" for i in range(60)]
    papers = []
    for i in range(count):
        family = i // 8
        own = [f"fam{family}w{k}" for k in range(12)]
        words = rng.sample(own, 8) + rng.sample(common, 10)
        papers.append(Paper(id=f"p{i:04d}", title=f"Family{family} {rng.choice(own)}",
                            abstract=" ".join(words), authors=(f"Author {family}",)))
    return papers


@pytest.mark.parametrize("splice", [False, True])
def test_patched_lists_are_the_lists_computed_in_full(splice: bool) -> None:
    """The preview patches the lists after each edit (memo.patched), and splices the
    terms of the papers between the unchanged ends into the last call's (``splice``);
    every time they equal the lists computed from nothing, in the same order."""
    rng = random.Random(3)
    papers = _families(400, 1)
    notes = {"p0003": "A note on common1 and fam0w2."}
    memo = related.RelatedMemo(splice=splice)
    related.related(papers, notes, memo)
    patched = []
    for step in range(30):
        i = rng.randrange(len(papers))
        paper = papers[i]
        kind = step % 6
        if kind == 0:  # a title edited: the id follows the title
            papers[i] = replace(paper, id=f"{paper.id}-v{step}", title=f"{paper.title} v{step}")
        elif kind == 1:  # words every family uses
            papers[i] = replace(paper, abstract=f"{paper.abstract} common{step} common{step + 1}")
        elif kind == 2:  # another family's abstract
            papers[i] = replace(paper, abstract=papers[(i + 80) % len(papers)].abstract)
        elif kind == 3:
            papers.pop(i)
        elif kind == 4:
            papers.append(replace(papers[(i + 3) % len(papers)], id=f"new{step}"))
        else:
            notes[paper.id] = f"fam{step}w1 fam{step}w2 common{step}"
        found = related.related(papers, notes, memo)
        patched.append(memo.patched)
        fresh = related.related(list(reversed(papers)), notes)
        assert found == fresh, step
        assert list(found) == list(fresh)
    # The lists were patched, not computed again, after most edits (in a corpus this
    # small, one paper moves a common word's IDF step often, and with it many vectors).
    assert sum(1 for count in patched if count is not None) >= 15, patched


def test_a_memo_read_back_from_disk_keeps_every_papers_words() -> None:
    """On disk each paper's terms and counts are end to end in two arrays; read back,
    every paper has its own again, and an edit patches the lists from them."""
    papers = _families(200, 4)
    memo = related.RelatedMemo()
    related.related(papers, None, memo)
    back = pickle.loads(pickle.dumps(memo.for_disk()))
    assert list(back.words) == list(memo.words)
    for pid, (text, terms, counts) in memo.words.items():
        again = back.words[pid]
        assert again[0] == text
        assert again[1].tolist() == terms.tolist() and again[2].tolist() == counts.tolist()
    edited = [replace(p, abstract=f"{p.abstract} fam3w1") if p.id == "p0042" else p
              for p in papers]
    assert related.related(edited, None, back) == related.related(edited)
    assert back.patched is not None
    empty = pickle.loads(pickle.dumps(related.RelatedMemo()))
    assert empty.words == {}


def test_a_title_edit_patches_few_lists() -> None:
    papers = _families(400, 2)
    memo = related.RelatedMemo()
    before = related.related(papers, None, memo)
    edited = [replace(p, id="p0009-v2", title=f"{p.title} v2") if p.id == "p0009" else p
              for p in papers]
    after = related.related(edited, None, memo)
    assert memo.patched is not None and memo.patched <= 16
    assert after == related.related(edited)
    changed = {pid for pid in after if after[pid] != before.get(pid)}
    # The renamed paper, the papers that listed it under its old id, those it entered,
    # and those whose neighbour moved in or out of a word's postings beside it: few.
    assert "p0009-v2" in changed
    assert len(changed) <= 16, changed


def test_words_read_in_forked_workers_give_the_same_lists(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Each worker numbers the terms it meets first; numbered again here, in text order."""
    papers = _families(120, 4)
    expected = related.related(papers)
    monkeypatch.setattr(related, "READ_IN_PARALLEL", 10)
    memo = related.RelatedMemo()
    assert related.related(papers, None, memo, processes=2) == expected
    # The vocabulary holds every term once, with the numbers the arrays use.
    assert sorted(memo.vocabulary.terms.values()) == list(range(len(memo.vocabulary.terms)))
    assert related.related(papers[:-1], None, memo) == related.related(papers[:-1])


def test_two_builds_in_fresh_processes_are_byte_identical(tmp_path: Path) -> None:
    """Different hash seeds change set and dict orders; the lists must not move."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1767139200"}
        subprocess.run([sys.executable, "-m", "digest", "build", "--quiet", "--output",
                        str(out)], cwd=FIXTURE, env=env, check=True)
        outputs.append(tree(out, skip=("assets/",)))
    assert outputs[0] == outputs[1]


def test_an_edit_rerenders_only_pages_whose_related_list_changed(tmp_path: Path) -> None:
    root = tmp_path / "related"
    shutil.copytree(FIXTURE, root)
    cache = BuildCache()
    first = run(root, cache)
    listing = root / "content" / "listings" / "2025-06-30-families.yaml"
    text = listing.read_text(encoding="utf-8")
    # The radar paper now shares the benchmark family's words: MMLU lists it.
    listing.write_text(text.replace(
        "predict the nights of heavy passage.",
        "predict the nights of heavy passage. We propose MMLU-Birds, a multiple-choice "
        "benchmark of 57 subjects on migration; accuracy of models is near random chance."),
        encoding="utf-8")
    result = run(root, cache)
    assert RADAR in neighbours(result, MMLU)
    assert f"papers/{MMLU}/index.html" in cache.rendered
    assert f"papers/{RADAR}/index.html" in cache.rendered
    # LoRA's neighbours and their records are the same: its page is not made again.
    assert neighbours(result, LORA) == neighbours(first, LORA)
    assert f"papers/{LORA}/index.html" not in cache.rendered
    assert result.outputs == run(root).outputs  # the same bytes as a full build


def test_a_hundred_thousand_papers_fit_the_packed_keys() -> None:
    """Two papers far apart in 100,000 share one term, each with one of its own. In
    eighths, ln 100,000 = 92 and ln 2 = 6, so the IDFs are 86/8 = 10.75 and 92/8 = 11.5:
    the cosine is 10.75² / (10.75² + 11.5²) = 0.466."""
    import numpy as np

    n = 100_000
    ids = [f"p{i:06d}" for i in range(n)]
    empty = np.zeros(0, np.int32)
    terms = [empty] * n
    frequencies = [empty] * n
    terms[3], terms[n - 2] = np.array([0, 1], np.int32), np.array([0, 2], np.int32)
    frequencies[3] = frequencies[n - 2] = np.array([1, 1], np.int32)
    found = related.nearest(ids, terms, frequencies, {"shared": 0, "one": 1, "two": 2})
    expected = 10.75**2 / (10.75**2 + 11.5**2)
    assert found[ids[3]] == ((ids[n - 2], pytest.approx(expected, abs=2e-4)),)
    assert found[ids[n - 2]] == ((ids[3], found[ids[3]][0][1]),)
    assert sum(1 for near in found.values() if near) == 2
