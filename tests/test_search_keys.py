"""output.search.keys: names and arXiv ids as exact keys, hashed into files.

That ``search.js`` computes the same files and ids is checked in ``test_search_queries.py``.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, replace

import pytest
from vlq import decode

from digest.model import Paper
from digest.output.search import keys


@pytest.mark.parametrize(("name", "expected"), [
    ("Kaiming He", ("he k", "he kaiming")),
    ("He Kaiming", ("h kaiming", "he kaiming")),  # the other order finds the same full pair
    ("Li Li", ("l li", "li li")),
    ("J. Smith", ("j smith",)),
    ("Jean-Baptiste Alayrac", ("alayrac b", "alayrac baptiste", "alayrac j", "alayrac jean",
                               "baptiste jean")),
    ("Dąbrowski Żukowski", ("d zukowski", "dabrowski zukowski")),  # folded as the index is
    ("Plato", ()),
    ("", ()),
])
def test_name_keys_are_pairs_of_words_and_initials(name: str, expected: tuple[str, ...]) -> None:
    assert keys.name_keys(name) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2410.06940", "2410.06940"),
    ("arXiv:2410.06940v2", "2410.06940"),
    ("arxiv: 2410.06940", "2410.06940"),
    ("0704.0001", "0704.0001"),
    ("https://arxiv.org/abs/2410.06940", "2410.06940"),
    ("http://www.arxiv.org/abs/2410.06940v3", "2410.06940"),
    ("https://arxiv.org/pdf/1512.03385.pdf", "1512.03385"),
    ("https://arxiv.org/pdf/1512.03385v1", "1512.03385"),
    ("https://arxiv.org/html/2410.06940v1/", "2410.06940"),
    ("https://huggingface.co/papers/2410.06940", "2410.06940"),
    ("https://hf.co/papers/2410.06940#community", "2410.06940"),
    ("hep-th/9901001v1", "hep-th/9901001"),
    ("https://arxiv.org/abs/math.GT/0309136", "math.gt/0309136"),
    ("2410.069", None),
    ("24100.06940", None),
    ("https://arxiv.org/list/cs.LG/recent", None),
    ("https://github.com/example/2410.06940", None),
    ("https://huggingface.co/datasets/2410.06940", None),
    ("diffusion", None),
])
def test_arxiv_id_of_an_id_or_a_paper_url(text: str, expected: str | None) -> None:
    assert keys.arxiv_id(text) == expected


@dataclass(frozen=True)
class Record:
    """A paper record of a later shape: with the ``arxiv_id`` a resolver fills in."""

    links: tuple[str, ...] = ()
    arxiv_id: str | None = None


def test_a_papers_ids_come_from_its_record_and_its_links() -> None:
    paper = Paper(id="p", title="T", links=(
        "https://github.com/example/code", "https://arxiv.org/abs/2410.06940v2",
        "https://huggingface.co/papers/2410.06940", "https://arxiv.org/abs/2501.00001"))
    assert keys.arxiv_ids(paper) == ("2410.06940", "2501.00001")
    assert keys.arxiv_ids(Record(arxiv_id="2312.00001v1")) == ("2312.00001",)
    assert keys.arxiv_ids(Record(("https://arxiv.org/abs/2312.00001",), "2312.00001")) == (
        "2312.00001",)
    assert keys.arxiv_ids(Record()) == ()


def test_a_papers_keys_are_its_authors_names_and_its_ids() -> None:
    paper = Paper(id="p", title="T", authors=("Kaiming He", "Xinlei Chen"),
                  submitter="Some Org", links=("https://arxiv.org/abs/2111.06377",))
    assert keys.paper_keys(paper) == (  # sorted, each once
        "2111.06377", "chen x", "chen xinlei", "he k", "he kaiming")


def documents_of(outputs: dict[str, bytes]) -> dict[str, list[int]]:
    """Every key's documents, read back from the files (gaps undone here)."""
    table: dict[str, list[int]] = {}
    for data in outputs.values():
        for key, code in json.loads(data).items():
            docs, doc = [], -1
            for gap in decode(code):
                doc += gap + 1
                docs.append(doc)
            table[key] = docs
    return table


def rows_of(names: list[list[str]]) -> list[tuple[str, ...]]:
    return [tuple(sorted({k for name in row for k in keys.name_keys(name)})) for row in names]


AUTHORS = [["Kaiming He", "Xinlei Chen"], ["Xi Chen"], [], ["Kaiming He"], ["Li Li", "Xi Chen"]]


def test_files_list_each_keys_documents_in_the_file_of_its_crc32() -> None:
    rows = rows_of(AUTHORS)
    files, outputs = keys.render_keys(rows)
    assert files == 1 and list(outputs) == ["search/keys/0.json"]
    assert documents_of(outputs) == {
        "chen x": [0, 1, 4], "chen xi": [1, 4], "chen xinlei": [0], "he k": [0, 3],
        "he kaiming": [0, 3], "l li": [4], "li li": [4]}
    many = rows_of([[f"Author{n} Surname{n % 97}"] for n in range(3000)])
    files, outputs = keys.render_keys(many)
    assert files > 5 and sorted(outputs) == sorted(f"search/keys/{n}.json" for n in range(files))
    for n in range(files):
        for key in json.loads(outputs[f"search/keys/{n}.json"]):
            assert zlib.crc32(key.encode()) % files == n
    assert documents_of(outputs)["author7 surname7"] == [7]
    assert keys.render_keys([(), ()]) == (0, {})


def test_a_memo_gives_the_files_of_a_fresh_run() -> None:
    names = [[f"Author{n} Surname{n % 31}", "Kaiming He"] for n in range(700)]
    memo = keys.KeyMemo()
    first = keys.render_keys(rows_of(names), memo)
    assert first == keys.render_keys(rows_of(names))
    rows = rows_of(names)
    for number, authors in [(3, ["Xi Chen"]), (3, []), (17, ["Kaiming He", "Author3 Surname3"]),
                            (699, ["Zz Top"] * 2)]:
        rows = list(rows)
        rows[number] = rows_of([authors])[0]
        assert keys.render_keys(rows, memo) == keys.render_keys(rows), (number, authors)
    grown = rows_of([[*row, *(f"New{n} Person{n}x{k}" for k in range(6))]
                     for n, row in enumerate(names[:keys.PATCH_LIMIT])]) + rows[keys.PATCH_LIMIT:]
    more = keys.render_keys(grown, memo)  # patched, but it takes more files: all rewritten
    assert more == keys.render_keys(grown) and more[0] > first[0]


def test_a_memo_takes_documents_added_at_the_end() -> None:
    names = [[f"Author{n} Surname{n % 31}", "Kaiming He"] for n in range(300)]
    memo = keys.KeyMemo()
    keys.render_keys(rows_of(names), memo)
    grown = rows_of([*names, ["Kaiming He", "Zz Top"], ["Author3 Surname3"]])
    grown[5] = rows_of([["Xi Chen"]])[0]  # and an earlier document edited
    assert keys.render_keys(grown, memo) == keys.render_keys(grown)
    assert memo.table["he kaiming"][-1] == 300 and memo.table["top zz"] == [300]
    shrunk = grown[:299]  # the last documents removed again: their keys go
    assert keys.render_keys(shrunk, memo) == keys.render_keys(shrunk)
    assert "top zz" not in memo.table and memo.rows == shrunk


def test_keys_survive_a_paper_edit_in_the_memo() -> None:
    paper = Paper(id="p", title="T", authors=("Kaiming He",))
    assert keys.paper_keys(replace(paper, title="Other")) == keys.paper_keys(paper)
