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
from sitebuild import REPO, documents, shipped_site_data
from vlq import decode

from digest.output.search import build as search
from digest.output.search import porter
from digest.output.search import text as searchtext
from digest.site.data import SiteData

SEARCH_JS = REPO / "templates" / "assets" / "search.js"
RUNNER = r"""
"use strict";
const fs = require("fs");
const [lunrPath, searchPath, dir] = process.argv.slice(2);
const lunr = require(lunrPath);
const core = require(searchPath)(lunr);
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const read = (name) => JSON.parse(fs.readFileSync(dir + "/" + name, "utf8"));
const manifest = read("index.json");
const fetched = [];
const load = (kind, n) => { fetched.push(kind + "/" + n); return Promise.resolve(read(kind + "/" + n + ".json")); };
const engine = () => core.engine(manifest, load);
const everyShard = () => {
  const shards = {};
  fs.readdirSync(dir + "/shards").forEach((f) => { shards[parseInt(f, 10)] = read("shards/" + f); });
  return shards;
};
const plain = (s) => {
  s.invertedIndex = s.invertedIndex.map(([term, posting]) => {
    const out = { _index: posting._index };
    s.fields.forEach((f) => { out[f] = posting[f]; });
    return [term, out];
  });
  return s;
};
const found = (f) => ({ mode: f.mode, fuzzy: f.fuzzy,
  results: f.results.map((r) => ({ ref: r.ref, score: r.score, terms: [...r.terms].sort() })) });
const commands = {
  unpack: () => plain(core.unpack(core.catalog(manifest), everyShard(), true)),
  stem: () => request.words.map((w) => lunr.stemmer(new lunr.Token(w)).toString()),
  words: () => request.texts.map((t) => core.words(t, manifest.fold)),
  async search() {
    const e = engine(), out = [];
    for (const q of request.queries) out.push(found(await e.search(q)));
    return out;
  },
  async fetches() { // per query, on a fresh engine: what it fetched, and its documents
    const out = [];
    for (const q of request.queries) {
      fetched.length = 0;
      const e = engine(), f = await e.search(q);
      const refs = f.results.slice(0, 50).map((r) => r.ref);
      await e.documents(refs);
      out.push({ fetched: [...fetched], found: found(f), docs: refs.map((r) => e.document(r)) });
    }
    return out;
  },
  lunr() {
    const index = lunr.Index.load(core.unpack(core.catalog(manifest), everyShard(), true));
    return request.queries.map((q) => index.search(q).map((r) => [r.ref, r.score]));
  },
  highlight: () => request.items.map(([text, terms]) => engine().highlight(text, new Set(terms))),
  buckets: () => request.keys.map(([key, files]) => core.bucket(key, files)),
  ids: () => request.texts.map((t) => core.arxivId(t)),
  async results() { // per query: filtered and ordered as the page shows them, with snippets
    const e = engine(), out = [];
    for (const { q, topics = [], year = "", sort = "relevance", top = 50 } of request.queries) {
      const f = await e.search(q);
      await e.prepare({ topics, year, sort });
      const a = e.arrange(f.results, { topics, year, sort });
      const shown = a.results.slice(0, top);
      await e.documents(shown.map((r) => r.ref));
      out.push({ mode: f.mode, total: f.results.length, count: a.results.length,
        years: Object.fromEntries(a.years), topics: Object.fromEntries(a.topics),
        results: shown.map((r) => {
          const s = e.snippet(r.ref, r.terms);
          const people = new Set([...r.terms, ...(r.people || [])]);
          return { ref: r.ref, terms: [...r.terms].sort(), snippet: s.text, note: s.note,
            marked: e.highlight(s.text, r.terms).filter((x) => x[1]).map((x) => x[0]),
            named: e.highlight(e.document(r.ref)[2], people).filter((x) => x[1]).map((x) => x[0]) };
        }) });
    }
    return out;
  },
};
Promise.resolve(commands[request.command]()).then((out) => process.stdout.write(JSON.stringify(out)));
"""


@pytest.fixture(scope="module")
def site() -> SiteData:
    return shipped_site_data()


def write_folder(site: SiteData, out: Path, **options: Any) -> Path:
    """The search outputs in ``out`` as the site has them under ``search/``, and the runner."""
    if shutil.which("node") is None:
        raise RuntimeError("node not found: apt-get install -y nodejs")
    outputs = search.render_search(site, **options)
    for name, data in outputs.items():
        if name.startswith("search/"):
            (out / name.removeprefix("search/")).parent.mkdir(exist_ok=True)
            (out / name.removeprefix("search/")).write_bytes(data)
    (out / "lunr.min.js").write_bytes(outputs["assets/lunr/lunr.min.js"])
    (out / "runner.js").write_text(RUNNER)
    return out


@pytest.fixture(scope="module")
def folder(site: SiteData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(site, tmp_path_factory.mktemp("search"))


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
    expected = search.build_index(documents(site), topic_names).build().serialize()
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


# Names are indexed as written, which lunr's own query pipeline (a stemmer) does not know:
# "authors:xie" is a name its stem leaves alone (search.js queries names as written).
LUNR_QUERIES = ["diffusion", "title:clip", "xie", "pretrain*", "+vision -language",
                "transformr~1", "authors:xie", "abstract:frechet^5 title:model"]


def test_lunr_js_ranks_as_lunr_py_does(site: SiteData, folder: Path) -> None:
    topic_names = {t.slug: t.name for t in site.topics}
    index = search.build_index(documents(site), topic_names).build()
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
    return [documents(site)[int(r["ref"])].id for r in found["results"]]


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
        assert "Diffusion" in documents(site)[int(found["results"][0]["ref"])].title
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
    first = [documents(site)[int(r["ref"])] for r in answers["medicine"]["results"][:5]]
    assert len(first) == 5
    for paper in first:  # a title match weighs more than a topic match
        assert "medicine" in paper.title.lower() or \
            any("medicine" in names[t] for t in paper.topics), paper.id


def test_every_word_must_match_when_some_paper_matches_them_all(
        site: SiteData, answers: dict[str, Any]) -> None:
    both = answers["demystifying clip "]  # "demystifying" alone also finds Demystifying MMD GANs
    assert ids(site, both)[0] == "demystifying-clip-data"  # the one paper with both words
    assert both["results"][0]["terms"] == ["clip", "demystifi"]
    assert all(len(r["terms"]) == 1 for r in both["results"][1:])  # the rest: one word of two
    assert "demystifying-mmd-gans" in ids(site, answers["demystifying "])


def test_lunr_query_syntax_works(site: SiteData, answers: dict[str, Any]) -> None:
    found = answers["title:clip"]
    assert found["mode"] == "syntax"
    assert all("clip" in documents(site)[int(r["ref"])].title.lower() for r in found["results"])


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


# Queries of every kind: words, prefixes, misspellings, compounds, lunr syntax.
SHARDED_QUERIES = [q for q, _, _ in EXPECTED] + [
    "diffus", "difusion", "xie", "medicine", "diffusi", "demystifying clip ", "vision language",
    "mo", "self-supervised learning", "title:clip", "+vision -language", "pretrain*",
    "transformr~1", "authors:peebles", "-diffusion", "abstract:frechet^5 title:model", "*ing"]


@pytest.fixture(scope="module")
def cut(site: SiteData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content's index in many small shards."""
    return write_folder(site, tmp_path_factory.mktemp("cut"), shard_size=1_500)


def test_many_shards_rank_exactly_as_one(site: SiteData, cut: Path,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    whole = write_folder(site, tmp_path_factory.mktemp("whole"), shard_size=10**9)
    assert len(list((whole / "shards").iterdir())) == 1
    assert len(list((cut / "shards").iterdir())) > 40
    expected = node(whole, "search", queries=SHARDED_QUERIES)
    got = node(cut, "search", queries=SHARDED_QUERIES)
    for query, one, many in zip(SHARDED_QUERIES, expected, got, strict=True):
        assert many == one, query
    assert all(found["results"] for found in got[:-1])
    # A query of prohibited terms only: every paper without the word, whatever its shard.
    builder = search.build_index(documents(site), {t.slug: t.name for t in site.topics})
    without = {str(n) for n in range(len(site.papers))
               if not any("diffus" in builder.field_term_frequencies[f"{name}/{n}"]
                          for name, _ in search.FIELDS)}
    negated = got[SHARDED_QUERIES.index("-diffusion")]["results"]
    assert {r["ref"] for r in negated} == without and 0 < len(without) < len(site.papers)


def test_a_query_fetches_the_shards_of_its_terms_and_its_documents_only(
        site: SiteData, cut: Path) -> None:
    shards = len(list((cut / "shards").iterdir()))
    queries = ["peebles", "scalable diffusion models with transformers", "d", "-diffusion"]
    peebles, title, letter, negated = node(cut, "fetches", queries=queries)
    manifest = json.loads((cut / "index.json").read_text())
    terms = manifest["terms"].split(" ")
    first = [sum(decode(manifest["shards"])[:n]) for n in range(shards)]
    holding = max(n for n in range(shards) if first[n] <= terms.index("peebles"))  # as written
    assert [f for f in peebles["fetched"] if f.startswith("shards/")] == [f"shards/{holding}"]
    assert len([f for f in title["fetched"] if f.startswith("shards/")]) <= 5
    assert len([f for f in letter["fetched"] if f.startswith("shards/")]) < shards / 4
    chunks = {int(r["ref"]) // search.CHUNK for r in peebles["found"]["results"][:50]}
    assert sorted(f for f in peebles["fetched"] if f.startswith("docs/")) == sorted(
        f"docs/{c}" for c in chunks)
    by_ref = {str(n): p for n, p in enumerate(documents(site))}
    for found in (peebles, title, negated):
        for result, doc in zip(found["found"]["results"], found["docs"], strict=False):
            paper = by_ref[result["ref"]]
            assert doc[0] == paper.title and doc[1] == f"papers/{paper.id}/"
    assert negated["found"]["results"]


def test_empty_numbers_between_months_rank_and_show_as_none(
        site: SiteData, monkeypatch: pytest.MonkeyPatch,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """A large digest numbers each month's papers in a block padded with empty numbers
    (``build.slots``): lunr.js ranks its papers exactly as without them (the weights
    count papers, not numbers) and no empty number is ever a result, even of a query of
    prohibited terms only, which lists every document."""
    plain = write_folder(site, tmp_path_factory.mktemp("plain"), shard_size=1_500)
    monkeypatch.setattr(search, "PAD_EVERY", 1)  # 413 papers: blocks of 64 numbers
    padded = write_folder(site, tmp_path_factory.mktemp("padded"), shard_size=1_500)
    manifest = json.loads((padded / "index.json").read_text())
    assert manifest["papers"] == len(site.papers) and manifest["count"] % 64 != 0
    assert manifest["count"] > 2 * len(site.papers)
    assert manifest["doc_topics"].count(None) == manifest["count"] - len(site.papers)
    queries = [*SHARDED_QUERIES, "-model"]

    def shown(folder: Path) -> list[list[tuple[str, float]]]:
        return [[(doc[1], round(r["score"], 9)) for r, doc in
                 zip(f["found"]["results"], f["docs"], strict=False)]
                for f in node(folder, "fetches", queries=queries)]

    expected, got = shown(plain), shown(padded)
    for query, one, other in zip(queries, expected, got, strict=True):
        assert other == one, query
    empty = {n for n, topics in enumerate(manifest["doc_topics"]) if topics is None}
    for listed in node(padded, "search", queries=["-model", "-diffusion"]):
        refs = {int(r["ref"]) for r in listed["results"]}
        assert refs and refs.isdisjoint(empty)
