"""Stored metadata: the JSON a run writes, read back; bad files and overrides at path:line."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from digest.commands import metadata_store as ms
from digest.errors import Problems
from digest.inputs.metadata import (
    ArxivBlock,
    Author,
    HuggingFaceBlock,
    Link,
    Match,
    PaperMetadata,
    parse_overrides,
    parse_paper,
    read_store,
)

FULL = PaperMetadata(
    arxiv_id="2403.07003", path="content/metadata/papers/2403.07003.json",
    match=Match("close title (97%) and authors", "arxiv search", "2026-06-01",
                ("Learning Shadows from a Single Image", "Learning shadows from one image")),
    arxiv=ArxivBlock(
        fetched="2026-06-01", title="Learning Shadows from a Single Image",
        summary="One photograph suffices.",
        authors=(Author("Camille Moreau", ("Université Fictive",)), Author("Rafael Ortiz")),
        published="2024-03-11T10:00:00Z", updated="2024-04-02T09:12:44Z", version=2,
        primary_category="cs.CV", categories=("cs.GR",), comment="14 pages",
        journal_ref="Fict. J. Vision 12:1-14, 2024", doi="10.5555/fict.2024.0007"),
    huggingface=HuggingFaceBlock(fetched="2026-06-02", upvotes=33,
                                 github_repo="https://github.com/fict/shadows",
                                 project_page="https://fict.github.io/shadows/",
                                 organization="Fictional AI Lab"),
    code=Link("https://github.com/fict/shadows", "huggingface", "2026-06-02"),
    project=Link("https://fict.github.io/shadows/", "huggingface", "2026-06-02"),
)


def test_a_paper_file_reads_back_as_written() -> None:
    problems = Problems()
    text = ms.dumps(FULL)
    assert parse_paper(FULL.path, text, problems) == FULL
    assert not problems.items


def test_the_file_is_sorted_indented_and_plain() -> None:
    text = ms.dumps(FULL)
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["arxiv"]["authors"] == [
        {"affiliations": ["Université Fictive"], "name": "Camille Moreau"}, "Rafael Ortiz"]
    assert "Université" in text  # readable, not \u-escaped
    lean = ms.dumps(replace(FULL, huggingface=None, code=None, project=None))
    assert '"huggingface"' not in lean and '"links"' not in lean and "null" not in lean


def test_what_the_build_reads_from_a_paper() -> None:
    assert FULL.authors is not None and FULL.authors.value == ("Camille Moreau", "Rafael Ortiz")
    assert (FULL.authors.source, FULL.authors.fetched) == ("arxiv", "2026-06-01")
    assert FULL.date is not None and FULL.date.value == "2024-03-11"
    assert FULL.upvotes is not None and (FULL.upvotes.value, FULL.upvotes.fetched) == (33,
                                                                                       "2026-06-02")
    assert FULL.abs_url == "https://arxiv.org/abs/2403.07003"
    assert FULL.pdf_url == "https://arxiv.org/pdf/2403.07003"
    assert FULL.html_url == "https://arxiv.org/html/2403.07003"
    hf_only = replace(FULL, arxiv=None, huggingface=HuggingFaceBlock(
        "2026-06-02", authors=("C. Moreau",), published="2024-03-11T10:00:00.000Z"))
    assert hf_only.authors is not None and hf_only.authors.source == "huggingface"
    assert hf_only.date is not None and hf_only.date.value == "2024-03-11"
    assert replace(FULL, arxiv=None, huggingface=None).authors is None


def test_links_prefer_hugging_face_then_the_abstract() -> None:
    assert FULL.arxiv is not None
    ax = replace(FULL.arxiv, summary="Code: https://github.com/a/b. Page: https://a.github.io/b/. "
                 "Data: https://example.org/data.")
    from_abstract = ms.with_links(replace(FULL, arxiv=ax, huggingface=None))
    assert from_abstract.code == Link("https://github.com/a/b", "arxiv abstract", "2026-06-01")
    assert from_abstract.project == Link("https://a.github.io/b/", "arxiv abstract", "2026-06-01")
    from_hf = ms.with_links(replace(FULL, arxiv=ax))
    assert from_hf.code == Link("https://github.com/fict/shadows", "huggingface", "2026-06-02")
    nothing = ms.with_links(replace(FULL, arxiv=replace(ax, summary="No links."),
                                    huggingface=None))
    assert nothing.code is None and nothing.project is None


def test_an_update_keeps_the_first_match_and_unites_the_titles() -> None:
    old = replace(FULL, huggingface=None, code=None, project=None)
    new = PaperMetadata("2403.07003", "", Match("id in listing", "listing", "2026-07-01"),
                        huggingface=HuggingFaceBlock("2026-07-01", upvotes=40))
    merged = ms.merge(old, new)
    assert merged.match.how == "close title (97%) and authors"
    assert merged.match.titles == FULL.match.titles
    assert merged.arxiv == old.arxiv and merged.huggingface == new.huggingface


BAD = [
    ('{"id": "2403.07003",\n "arxiv": {"fetched": "2026-06-01",\n  "title": 5}}',
     "2403.07003.json", 3, "error", "'arxiv.title' must be text"),
    ('{"id": "2403.07003",\n "huggingface": {"fetched": "x",\n  "upvotes": "many"}}',
     "2403.07003.json", 3, "error", "'huggingface.upvotes' must be a whole number"),
    (('{"id": "2403.07003",\n "arxiv": {\n "fetched": "x", "title": "T", "published": "p",\n'
     ' "authors": [1, 2]}}'), "2403.07003.json", 4, "error", "'arxiv.authors' must be a list"),
    ('{"id": "2403.07003",\n "match": {"titles": "one"}}', "2403.07003.json", 2, "error",
     "'match.titles' must be a list of text"),
    ('{"id": "2403.07003",\n\n "arxiv": ', "2403.07003.json", 3, "error",
     "cannot read stored metadata"),
    ('["2403.07003"]', "2403.07003.json", 1, "error", "must be a JSON object"),
    ('{"id": "2403.07003"}', "2403.07004.json", 1, "error",
     "file is named '2403.07004' but holds '2403.07003'"),
    ('{"id": "abc"}', "abc.json", 1, "error", "'id' is not an arXiv id"),
    ('{"id": "2403.07003",\n "extra": 1}', "2403.07003.json", 2, "warning", "unknown key 'extra'"),
]


@pytest.mark.parametrize(("text", "name", "line", "severity", "words"), BAD)
def test_bad_paper_files_are_reported_at_their_line(text: str, name: str, line: int,
                                                     severity: str, words: str) -> None:
    problems = Problems()
    parse_paper(f"content/metadata/papers/{name}", text, problems)
    (problem,) = problems.items
    assert (problem.line, problem.severity) == (line, severity), problem
    assert words in problem.message
    assert str(problem).startswith(f"content/metadata/papers/{name}:{line}: {severity}: ")


OVERRIDES = """\
# confirmed by hand
- title: Open-Vocabulary Segmentation of Aerial Images at Scale
  arxiv: 2406.08007
- title: A paper that is not on arXiv
  arxiv: none
- title: Numbers that YAML would shorten
  arxiv: 2401.10000
- title: A bad one
  arxiv: 2401.1
- {title: Missing its id}
- title: Open-vocabulary segmentation of aerial images at scale
  arxiv: "2406.08008"
- title: An extra key
  arxiv: "2406.08009"
  note: hello
"""


def test_overrides() -> None:
    problems = Problems()
    found = parse_overrides("content/metadata/overrides.yaml", OVERRIDES, problems)
    by_title = {o.title: o.arxiv_id for o in found.values()}
    assert by_title == {
        "Open-Vocabulary Segmentation of Aerial Images at Scale": "2406.08007",
        "A paper that is not on arXiv": None,
        "Numbers that YAML would shorten": "2401.10000",
        "An extra key": "2406.08009",
    }
    assert [(p.line, p.message) for p in problems.items] == [
        (9, "not an arXiv id or paper URL: '2401.1'"),
        (10, "an override needs a 'title' and an 'arxiv' id (or none)"),
        (11, ("'Open-vocabulary segmentation of aerial images at scale' is also overridden on "
             "line 2 with another id")),
        (15, "unknown override key 'note'"),
    ]


def test_overrides_must_be_a_list() -> None:
    problems = Problems()
    assert parse_overrides("o.yaml", "title: x\narxiv: 2401.00001\n", problems) == {}
    assert problems.items[0].message.startswith("overrides must be a list")


def test_the_store_reads_papers_and_overrides(tmp_path: Path) -> None:
    content = tmp_path / "content"
    ms.write_paper(content, FULL)
    folder = ms.papers_folder(content)
    (folder / ".2403.07003.json.abc123.tmp").write_text("{half a fi")
    (folder / "2501.00001.json").write_text('{"id": "2501.00001", "match": {"titles": '
                                            '["Other title"]}}')
    (content / "metadata" / "overrides.yaml").write_text(
        "- {title: Other title, arxiv: none}\n"
        "- {title: Pasted elsewhere, arxiv: '2403.07003'}\n")
    problems = Problems()
    store = read_store(tmp_path, content, problems)
    assert not problems.items
    assert sorted(store.papers) == ["2403.07003", "2501.00001"]
    assert store.papers["2403.07003"].path == "content/metadata/papers/2403.07003.json"
    assert store.titles == {"learning-shadows-from-a-single-image": "2403.07003",
                            "learning-shadows-from-one-image": "2403.07003",
                            "pasted-elsewhere": "2403.07003"}
    assert store.for_paper("LEARNING SHADOWS from a single image") == store.papers["2403.07003"]
    assert store.for_paper("Other title") is None  # the user says: not on arXiv
    assert store.for_paper("Anything", listed="2501.00001") == store.papers["2501.00001"]


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = ms.write_paper(tmp_path, FULL)
    before = path.read_bytes()

    def killed(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        ms.write_paper(tmp_path, replace(FULL, huggingface=None))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["2403.07003.json"]


def test_stale_temporaries_are_removed(tmp_path: Path) -> None:
    folder = ms.papers_folder(tmp_path)
    folder.mkdir(parents=True)
    (folder / ".2501.00001.json.x1.tmp").write_text("{")
    (folder / "2501.00001.json").write_text("{}")
    assert [p.name for p in ms.remove_stale_temporaries(tmp_path)] == [".2501.00001.json.x1.tmp"]
    assert [p.name for p in folder.iterdir()] == ["2501.00001.json"]


def test_old_style_ids_get_a_file_name() -> None:
    assert ms.paper_file(Path("c"), "hep-th/9901001") == Path(
        "c/metadata/papers/hep-th_9901001.json")
