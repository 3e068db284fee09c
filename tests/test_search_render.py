"""search: the search outputs of the shipped content, and how the built site loads them."""

from __future__ import annotations

import gzip
import json
import pickle
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sitebuild import REPO, build_project, documents, shipped_site_data
from vlq import decode

from digest.inputs.notes import Note
from digest.model import Paper
from digest.output.search import build as search
from digest.output.search import keys
from digest.output.search import text as searchtext
from digest.site.data import SiteData


@pytest.fixture(scope="module")
def site() -> SiteData:
    return shipped_site_data()


@pytest.fixture(scope="module")
def outputs(site: SiteData) -> dict[str, bytes]:
    return search.render_search(site)


def test_outputs_are_the_index_the_documents_and_lunr(site: SiteData,
                                                      outputs: dict[str, bytes]) -> None:
    manifest = json.loads(outputs[search.INDEX])
    shards = len(decode(manifest["shards"]))
    chunks = -(-len(site.papers) // search.CHUNK)
    assert shards > 1 and chunks > 1 and manifest["keys"] == 1  # 10 papers have authors
    assert sorted(outputs) == sorted(
        ["assets/lunr/LICENSE", "assets/lunr/lunr.min.js", "search/index.json",
         *(f"search/shards/{n}.json" for n in range(shards)), "search/keys/0.json",
         "search/dates/0.json",
         *(f"search/docs/{n}.json" for n in range(chunks))])
    assert b"lunr - http://lunrjs.com" in outputs["assets/lunr/lunr.min.js"]
    assert b"2.3.9" in outputs["assets/lunr/lunr.min.js"].split(b"\n", 3)[1]
    assert b"Permission is hereby granted" in outputs["assets/lunr/LICENSE"]


def test_outputs_are_deterministic(site: SiteData, outputs: dict[str, bytes]) -> None:
    assert search.render_search(site) == outputs


def all_documents(outputs: dict[str, bytes]) -> list[list[str]]:
    chunks = sorted((int(name.split("/")[-1].split(".")[0]), json.loads(data))
                    for name, data in outputs.items() if name.startswith(search.DOCS))
    return [doc for _, chunk in chunks for doc in chunk]


def test_document_n_is_ref_n(site: SiteData, outputs: dict[str, bytes]) -> None:
    docs = all_documents(outputs)
    index = json.loads(outputs["search/index.json"])
    assert index["count"] == len(docs) == len(index["doc_topics"]) == len(site.papers)
    assert all(len(json.loads(outputs[f"{search.DOCS}{n}.json"])) == search.CHUNK
               for n in range(len(docs) // search.CHUNK))
    assert index["fold"] == searchtext.FOLD
    assert index["topics"] == [[t.slug, t.name] for t in site.topics]
    by_id = {p.id: p for p in site.papers}
    dated = json.loads(outputs[search.DATES])
    dates, years = dated["dates"].split(" "), index["years"].split(" ")
    assert dates == sorted(set(dates)) and years == sorted({d[:4] for d in dates})
    assert index["verbatim"] == ["authors"]
    # undated first, then oldest first, ids ascending within a day: new papers append
    order = sorted(site.papers, key=lambda p: (p.effective_date is not None,
                                               p.effective_date or "", p.id))
    assert order[-1].effective_date is not None
    for paper, (title, path, byline, iso, abstract, note), topics, day, year in zip(
            order, docs, index["doc_topics"], decode(dated["doc_dates"]),
            decode(index["doc_years"]), strict=True):
        assert title == paper.title and path == f"papers/{paper.id}/"
        assert by_id[path.split("/")[1]] is paper
        assert iso == (paper.effective_date or "") == (dates[day - 1] if day else "")
        assert iso[:4] == (years[year - 1] if year else "")
        assert [index["topics"][n][0] for n in topics] == list(paper.topics)
        assert abstract == paper.abstract and note == ""  # the shipped content has no notes
        assert byline


def test_authors_and_submitter_are_one_field() -> None:
    paper = Paper(id="x", title="T", authors=("Saining Xie",), submitter="AMAP-ML",
                  abstract="See https://github.com/x/pre-training-code for code.")
    texts = search.field_texts(paper, {})
    assert texts["authors"] == "Saining Xie AMAP-ML"
    assert "github" not in texts["abstract"] and "code." in texts["abstract"]


def test_index_of_the_shipped_content_is_small(outputs: dict[str, bytes]) -> None:
    manifest = outputs["search/index.json"]
    shards = [data for name, data in outputs.items() if name.startswith(search.SHARDS)]
    docs = [data for name, data in outputs.items() if name.startswith(search.DOCS)]
    assert len(gzip.compress(manifest)) < 30_000  # about 23 KB for 413 papers
    assert sum(len(gzip.compress(shard)) for shard in shards) < 80_000  # about 54 KB in 6 shards
    assert max(len(gzip.compress(shard)) for shard in shards) < 25_000
    assert max(len(gzip.compress(chunk)) for chunk in docs) < 15_000
    assert not any(b"position" in data for data in [manifest, *shards])  # no position metadata


def test_search_page_loads_its_scripts_relative_to_itself(tmp_path: Path) -> None:
    result = build_project(REPO, tmp_path / "site", base_url="https://example.org/papers/")
    site_dir = tmp_path / "site"
    html = (site_dir / "search" / "index.html").read_text()
    assert '<script src="../assets/lunr/lunr.min.js" defer></script>' in html
    assert '<script src="../assets/search.js" defer></script>' in html
    assert 'data-index="index.json" data-root="../"' in html
    assert 'id="search-results"' in html
    assert '<link rel="preload" href="index.json" as="fetch"' in html  # fetched while parsing
    for name in ("assets/search.js", "assets/lunr/lunr.min.js", "assets/lunr/LICENSE",
                 "search/index.json", "search/shards/0.json", "search/docs/0.json"):
        assert (site_dir / name).is_file(), name
    # Nothing of search loads anywhere else: the other pages stay light (Lighthouse).
    heavy = re.compile(rb"lunr|search\.js|index\.json")
    others = [p for p in site_dir.rglob("*.html") if p.parent.name != "search"]
    assert others and not [p for p in others if heavy.search(p.read_bytes())]
    assert result.site.papers


def test_an_empty_site_has_an_empty_index(site: SiteData) -> None:
    empty = replace(site, papers=(), topics=())
    outputs = search.render_search(empty)
    assert json.loads(outputs["search/index.json"])["count"] == 0
    assert [name for name in outputs if name.startswith("search/")] == ["search/index.json"]


def test_a_memo_rebuild_gives_the_outputs_of_a_fresh_build(site: SiteData,
                                                         outputs: dict[str, bytes]) -> None:
    memo = search.SearchMemo()
    assert search.render_search(site, memo) == outputs
    papers = list(site.papers)
    papers[7] = replace(papers[7], title=papers[7].title + " zyzzyva")
    papers[200] = replace(papers[200], abstract="A new abstract about lunr shards.")
    edited = replace(site, papers=tuple(papers))
    assert search.render_search(edited, memo) == search.render_search(edited)
    assert memo.pack.codes["zyzzyva"]
    assert search.render_search(site, memo) == outputs  # and back
    assert "zyzzyva" not in memo.pack.codes


def test_a_memo_from_disk_knows_papers_by_what_is_made_of_them(site: SiteData) -> None:
    memo = search.SearchMemo()
    search.render_search(site, memo)
    disk = pickle.loads(pickle.dumps(memo.for_disk()))
    assert disk.seen and all(s.paper is None for s in disk.seen)  # no records on disk
    counts = {s.id: s.counts for s in disk.seen}
    assert all(s.row is None for s in disk.seen)  # rows known by their keys on disk
    files = {start: data for start, (_, data) in disk.chunks.items()}
    papers = list(site.papers)
    seen_again = next(n for n, p in enumerate(papers) if p.date and p.sources)
    papers[seen_again] = replace(papers[seen_again], sources=papers[seen_again].sources[:0])
    edited = next(n for n, p in enumerate(papers) if p.abstract and n != seen_again)
    papers[edited] = replace(papers[edited], abstract=papers[edited].abstract + " zyzzyva")
    linked = next(n for n in range(len(papers)) if n not in (seen_again, edited))
    papers[linked] = replace(papers[linked],
                             links=(*papers[linked].links, "https://arxiv.org/abs/2501.99999"))
    keyed = {s.id: s.keys for s in disk.seen}
    changed = replace(site, papers=tuple(papers))
    assert search.render_search(changed, disk) == search.render_search(changed)
    assert [s.id for s in disk.seen if s.keys is not keyed[s.id]] == [papers[linked].id]
    assert "2501.99999" in disk.seen[[s.id for s in disk.seen].index(papers[linked].id)].keys
    assert [s.id for s in disk.seen if s.counts is not counts[s.id]] \
        == [papers[edited].id]  # not the paper another listing stopped showing
    remade = [data for start, (_, data) in disk.chunks.items() if data is not files[start]]
    assert len(remade) == 1 and b"zyzzyva" in remade[0]  # the edited paper's chunk only
    by_id = {p.id: p for p in papers}
    assert all(s.paper is by_id[s.id] for s in disk.seen)  # this build's records


def test_a_memo_reuses_what_did_not_change(site: SiteData) -> None:
    memo = search.SearchMemo()
    first = search.render_search(site, memo)
    counts = [s.counts for s in memo.seen]
    # Every record made again, equal but not the same objects (a listing parsed again);
    # and one paper's title changed.
    papers = [replace(p) for p in site.papers]
    papers[70] = replace(papers[70], title=papers[70].title + " zyzzyva")
    again = search.render_search(replace(site, papers=tuple(papers)), memo)
    assert [s.counts is c for s, c in zip(memo.seen, counts, strict=True)].count(False) == 1
    changed = {name for name in first if first[name] != again[name]}
    shards = sorted(int(name[len(search.SHARDS):-5]) for name in again
                    if name.startswith(search.SHARDS))
    last = f"{search.SHARDS}{shards[-1]}.json"  # where the new term sorts: its postings
    number = [p.id for p in documents(site)].index(papers[70].id)  # its document
    assert changed == {search.INDEX, f"{search.DOCS}{number // search.CHUNK}.json", last}
    papers[70] = replace(papers[70], title=site.papers[70].title)  # and back
    back = search.render_search(replace(site, papers=tuple(papers)), memo)
    assert back == first
    assert back[f"{search.DOCS}0.json"] is again[f"{search.DOCS}0.json"]  # not encoded again


def test_a_memo_rebuild_after_new_authors_and_a_new_note_gives_fresh_outputs(
        site: SiteData, outputs: dict[str, bytes]) -> None:
    memo = search.SearchMemo()
    assert search.render_search(site, memo) == outputs
    papers = list(site.papers)
    papers[5] = replace(papers[5], authors=("Kaiming He", "Xi Chen"),
                        links=("https://arxiv.org/abs/2410.06940",))
    target = papers[9]
    note = Note(path="content/notes/n.md", paper=target.id, body="Read **this** twice.",
                body_line=3)
    edited = replace(site, papers=tuple(papers), notes={target.id: note},
                     notes_html={target.id: "<p>Read <strong>this</strong> twice.</p>\n"})
    again = search.render_search(edited, memo)
    assert again == search.render_search(edited)
    docs = all_documents(again)
    number = [p.id for p in documents(site)].index
    assert docs[number(target.id)][5] == "Read this twice."
    assert docs[number(papers[5].id)][2] == "Kaiming He, Xi Chen"
    files = json.loads(again[search.INDEX])["keys"]
    found = {key for name, data in again.items() if name.startswith(keys.KEYS)
             for key in json.loads(data)}
    assert {"he kaiming", "chen xi", "2410.06940"} <= found and files >= 1
    assert search.render_search(site, memo) == outputs  # and back


def test_a_notes_text_drops_its_markup() -> None:
    html = ('<p>Uses <em>masked</em> patches &amp; a <a href="../x/">tiny</a> decoder.</p>\n'
            "<ul>\n<li>one</li>\n<li>two</li>\n</ul>")
    assert search.note_text(html) == "Uses masked patches & a tiny decoder. one two"


def test_a_new_days_paper_is_numbered_last_even_with_undated_papers() -> None:
    """Undated papers come first, so a newly dated paper extends the index rather than
    moving every undated document (which would pack the whole index again)."""
    def paper(pid: str, when: str | None) -> Paper:
        return Paper(id=pid, title=pid, date=when)

    papers = [paper("a", "2025-01-02"), paper("b", None), paper("c", "2024-05-01"),
              paper("d", None)]
    memo = search.SearchMemo()
    assert [p.id for p in search.search_order(papers, memo)] == ["b", "d", "c", "a"]
    newer = sorted([*papers, paper("aa", "2025-06-01")], key=lambda p: p.id)
    assert [p.id for p in search.search_order(newer, memo)] == ["b", "d", "c", "a", "aa"]
    older = sorted([*newer, paper("e", "2024-01-01")], key=lambda p: p.id)
    expected = ["b", "d", "e", "c", "a", "aa"]  # placed by the memo as a sort places it
    assert [p.id for p in search.search_order(older, memo)] == expected
    assert [p.id for p in search.search_order(older)] == expected


def test_each_months_block_of_numbers_is_padded_but_the_last(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A digest of many papers numbers the undated papers and each month's in a block
    padded with empty numbers (None) to a multiple of ``padding``, the last block not;
    a small digest is numbered without gaps."""
    def paper(pid: str, when: str | None) -> Paper:
        return Paper(id=pid, title=pid, date=when)

    papers = [paper("u1", None), paper("u2", None),
              *(paper(f"j{n}", f"2025-01-0{n}") for n in range(1, 6)),
              paper("f1", "2025-02-11"), *(paper(f"m{n}", f"2025-03-0{n}") for n in range(1, 4))]
    order = search.search_order(sorted(papers, key=lambda p: p.id))
    assert search.slots(order) == order  # 11 papers: no padding
    assert [search.padding(n) for n in (1279, 1280, 2560, 10_000, 10**6)] == [1, 8, 16, 32, 64]
    monkeypatch.setattr(search, "PAD_EVERY", 1)
    monkeypatch.setattr(search, "PAD_LEAST", 2)
    monkeypatch.setattr(search, "PAD_MOST", 4)
    got = [p.id if p is not None else None for p in search.slots(order)]
    assert got == ["u1", "u2", None, None, "j1", "j2", "j3", "j4", "j5", None, None, None,
                   "f1", None, None, None, "m1", "m2", "m3"]


def test_a_memo_rebuild_of_padded_numbers_gives_the_outputs_of_a_fresh_build(
        site: SiteData, monkeypatch: pytest.MonkeyPatch) -> None:
    """Papers added to, edited in and removed from a month of a padded index: each
    rebuild with the memo (the month's block patched, its neighbours kept) gives the
    outputs a fresh build gives, and leaves the other months' documents as they were."""
    monkeypatch.setattr(search, "PAD_EVERY", 16)  # 413 papers: blocks of 16 numbers
    monkeypatch.setattr(search, "PAD_LEAST", 2)
    memo = search.SearchMemo()
    first = search.render_search(site, memo)
    assert first == search.render_search(site)
    manifest = json.loads(first[search.INDEX])
    assert manifest["count"] > manifest["papers"] == len(site.papers)
    dated = sorted((p for p in site.papers if p.effective_date), key=lambda p: p.effective_date)
    middle = dated[len(dated) // 2]
    added = replace(middle, id=middle.id + "-follow-up", title="A follow-up on lunr shards",
                    arxiv_id=None, links=())
    papers = sorted([*site.papers, added], key=lambda p: p.id)
    steps = [
        papers,  # one paper added to a month in the middle
        [replace(p, title=p.title + " zyzzyva") if p is added else p for p in papers],
        [p for p in papers if p.id != middle.id],  # one removed from the same month
        list(site.papers),  # and back
    ]
    for step in steps:
        edited = replace(site, papers=tuple(step))
        again = search.render_search(edited, memo)
        assert again == search.render_search(edited)
    assert again == first
