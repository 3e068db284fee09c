"""searchindex: WordBuilder is lunr.py's Builder, and the pack holds all of its index."""

from __future__ import annotations

from typing import Any

import lunr  # type: ignore[import-untyped]
import pytest
from lunr.builder import Builder  # type: ignore[import-untyped]
from lunr.stop_word_filter import stop_word_filter  # type: ignore[import-untyped]
from lunr.trimmer import trimmer  # type: ignore[import-untyped]
from vlq import decode

from digest.output.search import index as searchindex
from digest.output.search.text import words

FIELDS = (("title", 10), ("body", 1))
DOCS = [
    {"title": "Scalable Diffusion Models with Transformers",
     "body": "We explore a new class of diffusion models based on the transformer architecture."},
    {"title": "Pre-training at scale", "body": "Pretraining, pre-training and the models we try."},
    {"title": "Fréchet distances", "body": "The Fréchet Inception Distance of diffusion models."},
    {"title": "Empty", "body": ""},
]


def renumbered(serialized: dict[str, Any]) -> dict[str, Any]:
    """The index with terms numbered in sorted order (lunr.py numbers them as first seen)."""
    order = {term: i for i, (term, _) in enumerate(serialized["invertedIndex"])}
    old = {posting["_index"]: order[term] for term, posting in serialized["invertedIndex"]}
    vectors = {}
    for ref, elements in serialized["fieldVectors"]:
        pairs = sorted((old[elements[i]], elements[i + 1]) for i in range(0, len(elements), 2))
        vectors[ref] = [x for pair in pairs for x in pair]
    index = [[term, {**posting, "_index": order[term]}]
             for term, posting in serialized["invertedIndex"]]
    return {**serialized, "fieldVectors": vectors, "invertedIndex": index}


def test_word_builder_builds_what_lunr_py_builds_token_by_token() -> None:
    stock = Builder()
    stock.pipeline.add(trimmer, stop_word_filter, searchindex.stemmer)
    stock.search_pipeline.add(searchindex.stemmer)
    stock.ref("ref")
    ours = searchindex.WordBuilder(FIELDS)
    for name, boost in FIELDS:
        stock.field(name, boost=boost)
    for number, doc in enumerate(DOCS):
        # lunr.py's tokenizer takes a list as ready tokens: the same words, one at a time.
        stock.add({"ref": str(number), **{name: words(doc[name]) for name, _ in FIELDS}})
        ours.add_words({name: words(doc[name]) for name, _ in FIELDS})
    expected = renumbered(stock.build().serialize())
    assert renumbered(ours.build().serialize()) == expected
    assert expected["pipeline"] == ["stemmer"]  # the name lunr.js registers its stemmer under


def test_stop_words_are_not_terms_and_stems_are() -> None:
    builder = searchindex.WordBuilder(FIELDS)
    builder.add_words({"title": words("The diffusion of the models")})
    assert builder.field_term_frequencies["title/0"] == {"diffus": 1, "model": 1}
    assert builder.field_lengths["title/0"] == 2
    assert builder.field_lengths["body/0"] == 0


def test_names_fields_keep_their_words_as_written() -> None:
    builder = searchindex.WordBuilder((("title", 10), ("authors", 8)), verbatim=["authors"])
    builder.add_words({"title": words("He is running an Xie test"),
                       "authors": words("Kaiming He, Jie An, Saining Xie, Running Li")})
    assert builder.field_term_frequencies["title/0"] == {"run": 1, "xie": 1, "test": 1}
    assert builder.field_term_frequencies["authors/0"] == {
        "kaiming": 1, "he": 1, "jie": 1, "an": 1, "saining": 1, "xie": 1, "running": 1, "li": 1}
    assert builder.field_lengths["authors/0"] == 8


def test_vlq_round_trips_at_the_boundaries() -> None:
    numbers = [0, 1, 31, 32, 1023, 1024, 4095, 4096, 10**6, 2**40]
    assert decode("".join(searchindex._vlq(n) for n in numbers)) == numbers
    assert decode(searchindex._encode(numbers)) == numbers


def postings(packed: searchindex.Packed, column: int) -> list[int]:
    """A field's postings of every term, shard after shard."""
    return [n for shard in packed.shards for n in decode(shard["postings"][column])]


def test_pack_lists_every_posting_with_its_frequency() -> None:
    builder = searchindex.WordBuilder(FIELDS)
    for doc in DOCS:
        builder.add_words({name: words(doc[name]) for name, _ in FIELDS})
    packed = searchindex.pack(builder)
    manifest = packed.manifest
    assert manifest["format"] == searchindex.FORMAT
    assert manifest["version"] == lunr.__TARGET_JS_VERSION__
    assert manifest["fields"] == ["title", "body"] and manifest["boosts"] == [10, 1]
    assert manifest["count"] == len(DOCS)
    terms = manifest["terms"].split(" ")
    assert terms == sorted(terms) and "diffus" in terms and "pretrain" in terms
    df = dict(zip(terms, decode(manifest["df"]), strict=True))
    assert df["diffus"] == 3 and df["pretrain"] == 2  # documents per field, summed
    assert decode(manifest["shards"]) == [len(terms)]  # a small index is one shard
    for column, name in enumerate(manifest["fields"]):
        numbers = iter(postings(packed, column))
        for term in terms:
            doc = -1
            for _ in range(next(numbers)):
                code = next(numbers)
                doc += (code >> 1) + 1
                tf = next(numbers) + 2 if code & 1 else 1
                assert builder.field_term_frequencies[f"{name}/{doc}"][term] == tf
        assert next(numbers, None) is None
        assert decode(manifest["lengths"][column]) == [
            builder.field_lengths[f"{name}/{n}"] for n in range(len(DOCS))]


def test_a_term_counted_256_times_or_more_keeps_its_count() -> None:
    """Counts are kept as bytes while each is below 256; a larger one is kept whole."""
    builder = searchindex.WordBuilder(FIELDS)
    many = builder.count_words({"title": words("Many"),
                                "body": words("diffusion " * 300 + "models")})
    assert dict(zip(*many["body"], strict=True)) == {"diffus": 300, "model": 1}
    few = builder.count_words({"title": words("Few"), "body": words("diffusion models")})
    assert isinstance(few["body"][1], bytes) and not isinstance(many["body"][1], bytes)
    for doc in DOCS:
        builder.add_words({name: words(doc[name]) for name, _ in FIELDS})
    builder.add_counts(many)
    assert builder.field_term_frequencies[f"body/{len(DOCS)}"]["diffus"] == 300
    assert builder.field_lengths[f"body/{len(DOCS)}"] == 301
    rows = searchindex.rows(builder)
    memo = searchindex.PackMemo()
    packed = searchindex.pack(builder, 60, rows, memo)
    terms = packed.manifest["terms"].split(" ")
    numbers = iter(postings(packed, 1))
    found = {}
    for term in terms:
        doc = -1
        for _ in range(next(numbers)):
            code = next(numbers)
            doc += (code >> 1) + 1
            found[term, doc] = next(numbers) + 2 if code & 1 else 1
    assert found["diffus", len(DOCS)] == 300
    rows[-1] = few  # down to one: the memo's patch is a fresh pack
    assert searchindex.pack(builder, 60, rows, memo) == searchindex.pack(builder, 60, rows)


def test_shards_cut_the_sorted_terms_into_runs_of_about_the_size() -> None:
    builder = searchindex.WordBuilder(FIELDS)
    for doc in DOCS * 30:
        builder.add_words({name: words(doc[name]) for name, _ in FIELDS})
    whole = searchindex.pack(builder, shard_size=10**9)
    cut = searchindex.pack(builder, shard_size=40)
    sizes = decode(cut.manifest["shards"])
    assert len(sizes) == len(cut.shards) > 3 and sum(sizes) == len(whole.manifest["terms"].split())
    assert {k: v for k, v in cut.manifest.items() if k != "shards"} == \
        {k: v for k, v in whole.manifest.items() if k != "shards"}
    for column in range(len(FIELDS)):  # the same postings, cut between terms
        assert postings(cut, column) == postings(whole, column)
    for shard in cut.shards:
        size = sum(len(p) for p in shard["postings"])
        assert size < 40 + max(len(p) for p in whole.shards[0]["postings"])


def test_pack_of_no_documents() -> None:
    packed = searchindex.pack(searchindex.WordBuilder(FIELDS))
    assert packed.manifest["terms"] == "" and packed.manifest["count"] == 0
    assert packed.shards == [] and packed.manifest["shards"] == ""
    assert packed.manifest["lengths"] == ["", ""]


def test_a_memo_packs_changed_documents_as_a_fresh_pack_does() -> None:
    builder = searchindex.WordBuilder(FIELDS)
    texts = [dict(doc) for doc in DOCS * 5]
    rows = [builder.count_words({n: words(t[n]) for n, _ in FIELDS}) for t in texts]
    memo = searchindex.PackMemo()
    searchindex.pack(builder, 60, rows, memo)
    edits = [
        (3, {"title": "A brand new zyzzyva title", "body": ""}),  # a new term; an emptied body
        (3, {"title": "Empty", "body": ""}),  # and back: zyzzyva is gone again
        (0, {"title": "Scalable Diffusion Models with Transformers",
             "body": "Diffusion diffusion models."}),  # only a frequency changes
        (19, {"title": "Fréchet", "body": "Fréchet distances of the Fréchet kind."}),
    ]
    for number, text in edits:
        rows = list(rows)  # unchanged documents keep their row objects
        rows[number] = builder.count_words({n: words(text[n]) for n, _ in FIELDS})
        patched = searchindex.pack(builder, 60, rows, memo)
        assert patched == searchindex.pack(builder, 60, rows), text
    assert "zyzzyva" not in memo.codes


def test_a_memo_of_other_documents_is_not_patched() -> None:
    builder = searchindex.WordBuilder(FIELDS)
    rows = [builder.count_words({n: words(d[n]) for n, _ in FIELDS}) for d in DOCS]
    memo = searchindex.PackMemo()
    searchindex.pack(builder, 60, rows, memo)
    fewer = rows[1:]  # every document's number moved
    assert searchindex.pack(builder, 60, fewer, memo) == searchindex.pack(builder, 60, fewer)
    many = [builder.count_words({n: words(d[n]) for n, _ in FIELDS}) for d in DOCS * 20]
    searchindex.pack(builder, 60, many, memo)
    changed = [builder.count_words({"title": ["other"], "body": []}) if n % 2 else row
               for n, row in enumerate(many)]  # too many changes to patch: packed afresh
    assert searchindex.pack(builder, 60, changed, memo) == searchindex.pack(builder, 60, changed)


def test_a_memo_extends_the_pack_with_documents_added_at_the_end() -> None:
    """A day's new papers are numbered after the others: their postings continue each
    term's (the count raised, the gaps from its last document), as a fresh pack has it."""
    builder = searchindex.WordBuilder(FIELDS)
    texts = [dict(doc) for doc in DOCS * 3]
    rows = [builder.count_words({n: words(t[n]) for n, _ in FIELDS}) for t in texts]
    memo = searchindex.PackMemo()
    searchindex.pack(builder, 60, rows[:7], memo)
    codes = dict(memo.codes)
    # a term new to the index, and in the same build an earlier document edited
    grown = [*rows[:7], *rows[7:], builder.count_words({"title": ["zyzzyva"] * 2, "body": []})]
    grown[2] = builder.count_words({"title": ["Fréchet"], "body": ["distances"]})
    assert searchindex.pack(builder, 60, grown, memo) == searchindex.pack(builder, 60, grown)
    assert memo.codes["zyzzyva"][0] == searchindex.encode([1, (len(grown) - 1) * 2 + 1, 0])
    assert memo.codes != codes
    # more documents than a patch takes: packed afresh, the same
    many = grown + rows * (searchindex.APPEND_LIMIT // len(rows) + 1)
    assert searchindex.pack(builder, 60, many, memo) == searchindex.pack(builder, 60, many)


@pytest.mark.parametrize("every", [2, 3, 5])
def test_a_memo_rewrites_from_its_marks_and_removes_documents_from_the_end(
        monkeypatch: pytest.MonkeyPatch, every: int) -> None:
    """Edits near the end rewrite each term's postings from its mark (the decoded head
    kept as it was), documents removed from the end are patched out, and an edit before
    a mark decodes the term whole: every step as a fresh pack has it."""
    monkeypatch.setattr(searchindex, "MARK_EVERY", every)
    monkeypatch.setattr(searchindex, "MARK_LEAST", 2)
    builder = searchindex.WordBuilder(FIELDS)
    rows = [builder.count_words({n: words(d[n]) for n, _ in FIELDS}) for d in DOCS * 4]
    memo = searchindex.PackMemo()
    searchindex.pack(builder, 60, rows, memo)

    def counted(title: str, body: str) -> searchindex.Row:
        return builder.count_words({"title": words(title), "body": words(body)})

    steps = [
        lambda r: [*r[:-2], counted("Fréchet transformers", "diffusion models"), r[-1]],
        lambda r: [*r[:-1], counted("Scalable diffusion", "transformers transformers")],
        lambda r: r[:-2],  # two documents removed from the end
        lambda r: [*r, counted("zyzzyva", "diffusion")],  # and one added
        lambda r: [counted("Early edit", "diffusion"), *r[1:]],  # before every mark
        lambda r: [*r[:-3], counted("Late", "models"), *r[-2:]],
        # the document a mark ends on (the last before the end's four): decoded whole
        lambda r: [*r[:-5], counted("Scalable models", "diffusion transformers"), *r[-4:]],
        lambda r: [*r[:-5], counted("Models", "diffusion diffusion"), *r[-4:]],
    ]
    marked = 0
    for step in steps:
        rows = step(list(rows))
        assert searchindex.pack(builder, 60, rows, memo) == searchindex.pack(builder, 60, rows)
        marked = max(marked, sum(m[2] for marks in memo.marks.values()
                                 for field_marks in marks for m in field_marks))
    assert marked > 0  # some term's postings were rewritten from a mark past its head


@pytest.mark.parametrize("seed", range(6))
def test_a_memo_patches_edits_anywhere_as_a_fresh_pack(monkeypatch: pytest.MonkeyPatch,
                                                       seed: int) -> None:
    """Papers edited, added and removed anywhere: in a padded block (the papers after
    the edit move by one and an empty number is taken or freed, as ``build.slots``
    numbers them) or at the end, with the memo's terms marked by ``prepare`` or not.
    Every step packs as a fresh pack does, and every mark names where its postings end."""
    import random

    monkeypatch.setattr(searchindex, "MARK_EVERY", 4)
    monkeypatch.setattr(searchindex, "MARK_LEAST", 3)
    rng = random.Random(seed)
    builder = searchindex.WordBuilder(FIELDS)
    vocabulary = ["diffusion", "models", "transformers", "scale", "pretraining", "frechet",
                  "distance", "inception", "language", "graph", "sampler", "step", "data"]

    rare = ["zyzzyva", "quokka", "axolotl"]  # far apart: gaps of several characters

    def counted() -> searchindex.Row:
        title = " ".join(rng.choices(vocabulary, k=rng.randint(1, 4)))
        body = " ".join(rng.choices(vocabulary, k=rng.randint(0, 9)))
        if rng.random() < 0.1:
            body += " " + rng.choice(rare)
        return builder.count_words({"title": words(title), "body": words(body)})

    empty = builder.count_words({"title": [], "body": []})
    block = 8 if seed % 2 else 40  # documents a block holds, its empty numbers at its end
    rows = [counted() if n % block < block - 2 else empty for n in range(5 * block)]
    memo = searchindex.PackMemo()
    searchindex.pack(builder, 60, rows, memo)
    for _ in range(25):
        rows = list(rows)
        kind = rng.choice(["edit", "insert", "remove", "append", "prepare"])
        start = rng.randrange(4) * block
        papers = [n for n in range(start, start + block) if rows[n] is not empty]
        if kind == "edit":
            rows[rng.randrange(len(rows))] = counted()
        elif kind == "insert" and papers[-1] < start + block - 1:
            at = rng.choice(papers)
            rows[at:start + block] = [counted(), *rows[at:start + block - 1]]
        elif kind == "remove" and len(papers) > 1:
            at = rng.choice(papers)
            rows[at:start + block] = [*rows[at + 1:start + block], empty]
        elif kind == "append":
            rows += [counted() for _ in range(rng.randint(1, 3))]
        elif kind == "prepare":
            searchindex.prepare(memo)
        assert searchindex.pack(builder, 60, rows, memo) == searchindex.pack(builder, 60, rows)
        for term, marks in memo.marks.items():
            for f, field_marks in enumerate(marks):
                code = memo.codes[term][f]
                head = searchindex._number(code)[1]
                for doc, at, count in field_marks:
                    postings = searchindex._decode_until(code[head:], 0, -1, 1 << 62)[0]
                    assert postings[count - 1][0] == doc, (term, f)
                    assert searchindex._decode_until(code[head:head + at], 0, -1, 1 << 62)[0] \
                        == postings[:count]


def test_prepare_leaves_the_rest_when_an_edit_is_waiting(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The preview marks terms while it waits for an edit; asked to stop, it leaves the
    other terms for the next call, and the marks it made are the ones a whole run makes."""
    monkeypatch.setattr(searchindex, "MARK_EVERY", 2)
    monkeypatch.setattr(searchindex, "MARK_LEAST", 2)
    builder = searchindex.WordBuilder(FIELDS)
    rows = [builder.count_words({"title": words(f"{d['title']} term{n % 97}"),
                                 "body": words(d["body"])}) for n, d in enumerate(DOCS * 60)]
    whole, parts = searchindex.PackMemo(), searchindex.PackMemo()
    for memo in (whole, parts):
        searchindex.pack(builder, 60, rows, memo)
    searchindex.prepare(whole)
    searchindex.prepare(parts, lambda: True)  # an edit waits: stopped at the first look
    assert not parts.prepared and parts.unmarked and len(parts.marks) < len(whole.marks)
    searchindex.prepare(parts)
    assert parts.prepared and parts.marks == whole.marks and whole.marks
