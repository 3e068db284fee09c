"""The shipped index in lunr.js under Node: it is lunr.py's index, and queries find papers.

Runs ``assets/search.js`` with the shipped ``assets/lunr/lunr.min.js`` (lunr.js 2.3.9,
as ``vendor`` delivers it) on the search outputs of the shipped content.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sitebuild import REPO, shipped_site_data

from digest import porter, search, searchtext
from digest.site import SiteData

SEARCH_JS = REPO / "templates" / "assets" / "search.js"
RUNNER = r"""
"use strict";
const fs = require("fs");
const [lunrPath, searchPath, dir] = process.argv.slice(2);
const lunr = require(lunrPath);
const core = require(searchPath)(lunr);
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const load = (name) => JSON.parse(fs.readFileSync(dir + "/" + name, "utf8"));
const engine = () => core.engine(load("index.json"), load("docs.json"));
const commands = {
  unpack() {
    const s = core.unpack(load("index.json"));
    s.invertedIndex = s.invertedIndex.map(([term, posting]) => {
      const plain = { _index: posting._index };
      s.fields.forEach((f) => { plain[f] = posting[f]; });
      return [term, plain];
    });
    return s;
  },
  stem: () => request.words.map((w) => lunr.stemmer(new lunr.Token(w)).toString()),
  words: () => request.texts.map((t) => core.words(t, load("docs.json").fold)),
  search() {
    const e = engine();
    return request.queries.map((q) => {
      const found = e.search(q);
      return { mode: found.mode, fuzzy: found.fuzzy,
               results: found.results.map((r) => ({ ref: r.ref, score: r.score,
                                                    terms: [...r.terms].sort() })) };
    });
  },
  lunr() {
    const index = lunr.Index.load(core.unpack(load("index.json")));
    return request.queries.map((q) => index.search(q).map((r) => [r.ref, r.score]));
  },
  highlight: () => request.items.map(([text, terms]) => engine().highlight(text, new Set(terms))),
};
process.stdout.write(JSON.stringify(commands[request.command]()));
"""


@pytest.fixture(scope="module")
def site() -> SiteData:
    return shipped_site_data()


@pytest.fixture(scope="module")
def folder(site: SiteData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node not found: apt-get install -y nodejs")
    out = tmp_path_factory.mktemp("search")
    outputs = search.render_search(site)
    (out / "index.json").write_bytes(outputs[search.INDEX])
    (out / "docs.json").write_bytes(outputs[search.DOCS])
    (out / "lunr.min.js").write_bytes(outputs["assets/lunr/lunr.min.js"])
    (out / "runner.js").write_text(RUNNER)
    return out


def node(folder: Path, command: str, **payload: Any) -> Any:
    proc = subprocess.run(
        ["node", str(folder / "runner.js"), str(folder / "lunr.min.js"), str(SEARCH_JS),
         str(folder)],
        input=json.dumps({"command": command, **payload}), capture_output=True, text=True,
        timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_lunr_js_loads_exactly_the_index_lunr_py_built(site: SiteData, folder: Path) -> None:
    topic_names = {t.slug: t.name for t in site.topics}
    expected = search.build_index(site.papers, topic_names).build().serialize()
    loaded = node(folder, "unpack")
    assert loaded["version"] == expected["version"] == "2.3.9"
    assert loaded["fields"] == expected["fields"] == ["title", "authors", "topics", "abstract"]
    assert loaded["pipeline"] == expected["pipeline"] == ["stemmer"]
    assert loaded["invertedIndex"] == expected["invertedIndex"]
    assert loaded["fieldVectors"] == expected["fieldVectors"]  # every BM25 weight, exactly


TRICKY = [
    "Fréchet Inception Distance", "Akyürek", "ÅNGSTRÖM", "Straße", "α-divergence, β-VAE",
    "ﬁne-tuning", "model's", "pre\u00adtraining", "pre\u2011training", "e\u0301cole", "İstanbul",
    "ΣΟΦΟΣ", "x² + y²", "𝐱-space", "state-of-the-art", "a-b-c-d-e-f-g", "GPT-4V", "3D-aware",
    "ﬀ", "Ǆemal", "naïve café", "Dąbrowski Żukowski Søndergaard", "—", "",
]


def test_search_js_folds_text_as_python_does(site: SiteData, folder: Path) -> None:
    texts = TRICKY + [text for paper in site.papers
                      for text in search.field_texts(paper, {}).values()]
    texts += [t.name for t in site.topics]
    assert node(folder, "words", texts=texts) == [searchtext.words(t) for t in texts]


def test_lunr_js_stems_every_indexed_word_as_the_build_did(site: SiteData, folder: Path) -> None:
    vocabulary = sorted({word for paper in site.papers
                         for text in search.field_texts(paper, {}).values()
                         for word in searchtext.words(text)})
    vocabulary += ["try", "lay", "yellow", "happy", "generalization", "agreed", "hopping"]
    assert len(vocabulary) > 5000
    assert node(folder, "stem", words=vocabulary) == [porter.stem(w) for w in vocabulary]


LUNR_QUERIES = ["diffusion", "title:clip", "xie", "pretrain*", "+vision -language",
                "transformr~1", "authors:peebles", "abstract:frechet^5 title:model"]


def test_lunr_js_ranks_as_lunr_py_does(site: SiteData, folder: Path) -> None:
    topic_names = {t.slug: t.name for t in site.topics}
    index = search.build_index(site.papers, topic_names).build()
    for query, results in zip(LUNR_QUERIES, node(folder, "lunr", queries=LUNR_QUERIES),
                              strict=True):
        expected = [(r["ref"], r["score"]) for r in index.search(query)]
        assert results, query
        assert sorted(r for r, _ in results) == sorted(r for r, _ in expected), query
        scores = dict(expected)
        assert all(abs(score - scores[ref]) < 1e-9 for ref, score in results), query


# query → paper ids expected among the first results (how many: the third item)
EXPECTED = [
    ("Scalable Diffusion Models with Transformers",
     ["scalable-diffusion-models-with-transformers"], 1),
    ("peebles", ["scalable-diffusion-models-with-transformers"], 1),  # an author's surname
    ("frechet", ["effective-and-efficient-masked-image-generation-models",
                 "geometry-aware-adaptation-for-pretrained-models"], 3),  # Fréchet, unaccented
    ("Fréchet", ["effective-and-efficient-masked-image-generation-models"], 3),
    ("akyurek", ["one-step-of-gradient-descent-is-provably-the-optimal-in-context-learner-e5c8d9"],
     1),
    ("demystifying cl", ["demystifying-clip-data"], 1),  # prefix of the last word
    ("peebels", ["scalable-diffusion-models-with-transformers"], 1),  # misspelt: fuzzy
    ("pretraining", ["instruction-pre-training-language-models-are-supervised-multitask-learners",
                     "on-the-provable-advantage-of-unsupervised-pretraining"], 400),
    ("pre training", ["instruction-pre-training-language-models-are-supervised-multitask-learners",
                      "on-the-provable-advantage-of-unsupervised-pretraining"], 400),
    ("pre-training", ["instruction-pre-training-language-models-are-supervised-multitask-learners",
                      "on-the-provable-advantage-of-unsupervised-pretraining"], 400),
]


@pytest.fixture(scope="module")
def answers(folder: Path) -> dict[str, dict[str, Any]]:
    queries = [q for q, _, _ in EXPECTED] + [
        "diffus", "difusion", "xie", "medicine", "diffusi", "title:clip", "the of ",
        "demystifying clip ", "demystifying ",
        "diffusion:", "+", "title:", "foo:bar", "clip~x", "^2", "-", "*", ":", "~", "vision +"]
    return dict(zip(queries, node(folder, "search", queries=queries), strict=True))


def ids(site: SiteData, found: dict[str, Any]) -> list[str]:
    return [site.papers[int(r["ref"])].id for r in found["results"]]


@pytest.mark.parametrize(("query", "papers", "top"), EXPECTED, ids=[q for q, _, _ in EXPECTED])
def test_queries_find_the_expected_papers(site: SiteData, answers: dict[str, Any], query: str,
                                          papers: list[str], top: int) -> None:
    found = ids(site, answers[query])
    assert set(papers) <= set(found[:top]), found[:5]


def test_prefix_of_a_word_finds_its_stem(site: SiteData, answers: dict[str, Any]) -> None:
    for query in ("diffus", "diffusi"):
        found = answers[query]
        assert found["results"] and "diffus" in found["results"][0]["terms"], query
        assert not found["fuzzy"]
        assert "Diffusion" in site.papers[int(found["results"][0]["ref"])].title
    assert len(answers["diffusi"]["results"]) >= len(answers["diffus"]["results"]) - 5


def test_misspelling_falls_back_to_one_edit(answers: dict[str, Any]) -> None:
    found = answers["difusion"]
    assert found["fuzzy"] and found["results"]
    assert all("diffus" in r["terms"] for r in found["results"])


def test_author_finds_all_of_their_papers(site: SiteData, answers: dict[str, Any]) -> None:
    theirs = {p.id for p in site.papers if any(a.endswith(" Xie") for a in p.authors)}
    assert len(theirs) >= 10
    assert set(ids(site, answers["xie"])) == theirs


def test_topic_word_finds_papers_of_the_topic(site: SiteData, answers: dict[str, Any]) -> None:
    names = {t.slug: t.name.lower() for t in site.topics}
    first = [site.papers[int(r["ref"])] for r in answers["medicine"]["results"][:5]]
    assert len(first) == 5
    for paper in first:  # a title match weighs more than a topic match
        assert "medicine" in paper.title.lower() or \
            any("medicine" in names[t] for t in paper.topics), paper.id


def test_every_word_must_match_when_some_paper_matches_them_all(
        site: SiteData, answers: dict[str, Any]) -> None:
    both = answers["demystifying clip "]  # "demystifying" alone also finds Demystifying MMD GANs
    assert ids(site, both) == ["demystifying-clip-data"]
    assert both["results"][0]["terms"] == ["clip", "demystifi"]
    assert "demystifying-mmd-gans" in ids(site, answers["demystifying "])


def test_lunr_query_syntax_works(site: SiteData, answers: dict[str, Any]) -> None:
    found = answers["title:clip"]
    assert found["mode"] == "syntax"
    assert all("clip" in site.papers[int(r["ref"])].title.lower() for r in found["results"])


@pytest.mark.parametrize("query", ["diffusion:", "+", "title:", "foo:bar", "clip~x", "^2", "-",
                                   ":", "~", "vision +"])
def test_syntax_errors_fall_back_to_the_words(answers: dict[str, Any], query: str) -> None:
    found = answers[query]  # the runner would have failed on an exception
    assert found["mode"] == "words"
    if query in ("diffusion:", "foo:bar", "clip~x", "vision +"):
        assert found["results"], query


def test_stop_words_alone_find_nothing(answers: dict[str, Any]) -> None:
    assert answers["the of "]["results"] == []  # a trailing space: no prefix match


def test_highlight_marks_the_words_that_matched(folder: Path) -> None:
    text = "Pre-training Diffusion Models: the Fréchet distance of pretrained models"
    (segments,) = node(folder, "highlight", items=[[text, ["diffus", "frechet", "pretrain"]]])
    assert "".join(piece for piece, _ in segments) == text
    assert [piece for piece, marked in segments if marked] == [
        "Pre-training", "Diffusion", "Fréchet", "pretrained"]
    (segments,) = node(folder, "highlight", items=[[text, ["train"]]])
    assert [piece for piece, marked in segments if marked] == ["training"]
