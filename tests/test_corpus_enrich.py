"""corpus/enrich.py: stored metadata applied after the title merge."""

from __future__ import annotations

from dataclasses import replace

from digest.corpus.enrich import EnrichMemo, apply
from digest.inputs.metadata import (
    ArxivBlock,
    Author,
    HuggingFaceBlock,
    Link,
    Match,
    Override,
    PaperMetadata,
    Store,
)
from digest.model import Paper, Source
from digest.text.slugs import title_key


def _meta(arxiv_id: str, *titles: str, published: str = "2024-01-05T18:00:00Z",
          upvotes: int | None = 12) -> PaperMetadata:
    return PaperMetadata(
        arxiv_id, f"content/metadata/papers/{arxiv_id}.json",
        Match("titles equal", "arxiv search", "2026-06-01", titles),
        arxiv=ArxivBlock("2026-06-01", "Deep  Things\n Learned", "An arXiv summary.",
                         (Author("Ada Lovelace"), Author("Alan Turing")), published,
                         "2024-02-01T00:00:00Z", 2, "cs.LG", ("cs.AI",)),
        huggingface=HuggingFaceBlock("2026-06-02", upvotes=upvotes),
        code=Link("https://github.com/x/y", "huggingface", "2026-06-02"))


def _paper(pid: str, title: str, listing: str, **fields: object) -> Paper:
    src = Source(listing, 1, f"content/listings/{listing}.md", 3)
    return Paper(id=pid, title=title, sources=(src,), **fields)  # type: ignore[arg-type]


FORMATS = {"hf": "huggingface", "ids": "ids", "ta": "title-abstract"}


def test_fills_authors_date_links_and_upvotes_as_of() -> None:
    store = Store({"2401.00001": _meta("2401.00001", "Deep things")})
    [paper] = apply([_paper("deep-things", "Deep Things", "hf")], store, FORMATS)
    assert paper.title == "Deep Things"
    assert paper.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.author_count == 2
    assert paper.date == "2024-01-05"
    assert paper.arxiv_id == "2401.00001"
    assert paper.upvotes == 12
    assert paper.arxiv is not None
    assert paper.arxiv.abs_url == "https://arxiv.org/abs/2401.00001"
    assert paper.arxiv.pdf_url == "https://arxiv.org/pdf/2401.00001"
    assert paper.arxiv.code_url == "https://github.com/x/y"
    assert paper.arxiv.upvotes_as_of == "2026-06-02"
    assert (paper.arxiv.version, paper.arxiv.primary_category) == (2, "cs.LG")
    assert paper.abstract == "An arXiv summary."


def test_nothing_pasted_is_erased() -> None:
    store = Store({"2401.00001": _meta("2401.00001", "Deep things")})
    pasted = _paper("deep-things", "Deep Things", "ta", authors=("Someone Else",),
                    date="2023-12-31", upvotes=3, abstract="Pasted abstract.",
                    links=("https://example.org/a",))
    [paper] = apply([pasted], store, FORMATS)
    assert paper.authors == ("Someone Else",)
    assert paper.date == "2023-12-31"
    assert paper.upvotes == 3
    assert paper.abstract == "Pasted abstract."
    assert paper.links == ("https://example.org/a",)
    assert paper.arxiv is not None and paper.arxiv.upvotes_as_of is None  # upvotes pasted


def test_two_titles_and_an_ids_entry_are_one_record_with_a_pasted_title() -> None:
    store = Store({"2401.00001": _meta("2401.00001", "Deep things", "Deep things v1")},
                  {title_key("Deep things, again"): Override("Deep things, again", "2401.00001",
                                                             "content/metadata/overrides.yaml", 2)})
    papers = [
        _paper("arxiv-2401-00001", "arXiv:2401.00001", "ids", arxiv_id="2401.00001"),
        _paper("deep-things", "Deep Things", "hf", upvotes=4),
        _paper("deep-things-again", "Deep things, again", "ta", abstract="Long pasted text."),
    ]
    [paper] = apply(papers, store, FORMATS)
    assert paper.title in ("Deep Things", "Deep things, again")
    assert paper.title != "arXiv:2401.00001"
    assert {s.listing for s in paper.sources} == {"hf", "ids", "ta"}
    assert paper.upvotes == 4 and paper.abstract == "Long pasted text."
    assert paper.authors == ("Ada Lovelace", "Alan Turing")


def test_ids_only_entry_takes_arxivs_title() -> None:
    store = Store({"2401.00001": _meta("2401.00001")})
    [paper] = apply([_paper("arxiv-2401-00001", "arXiv:2401.00001", "ids",
                            arxiv_id="2401.00001")], store, FORMATS)
    assert paper.title == "Deep Things Learned"
    assert paper.id == "deep-things-learned"


def test_dates_precedence_pasted_then_arxiv_then_added() -> None:
    store = Store({"2401.00001": _meta("2401.00001", "Resolved")})
    dated_listing = Paper(id="in-dated", title="In dated",
                          sources=(Source("ta", 1, "a.md", 1, date="2025-03-01"),))
    papers = [
        _paper("resolved", "Resolved", "hf"),
        _paper("unresolved", "Unresolved", "hf"),
        _paper("pasted-date", "Pasted date", "hf", date="2022-02-02"),
        dated_listing,
    ]
    out = {p.id: p for p in apply(papers, store, FORMATS, {"hf": "2026-01-10",
                                                          "ta": "2025-03-01"})}
    assert out["resolved"].effective_date == "2024-01-05" and out["resolved"].added is None
    assert out["unresolved"].date is None and out["unresolved"].added == "2026-01-10"
    assert out["unresolved"].effective_date == "2026-01-10"
    assert out["pasted-date"].effective_date == "2022-02-02"
    assert out["in-dated"].effective_date == "2025-03-01" and out["in-dated"].added is None


def test_unresolved_papers_are_returned_unchanged_and_order_does_not_matter() -> None:
    store = Store({"2401.00001": _meta("2401.00001", "Deep things")})
    plain = _paper("other", "Other", "hf")
    papers = [_paper("deep-things", "Deep Things", "hf"), plain,
              _paper("zeta", "arXiv:2401.00001", "ids", arxiv_id="2401.00001")]
    forward = apply(papers, store, FORMATS)
    assert apply(papers[::-1], store, FORMATS) == forward
    assert [p.id for p in forward] == ["deep-things", "other"]
    assert forward[1] is plain


def test_memo_keeps_unchanged_papers_the_same_objects() -> None:
    store = Store({"2401.00001": _meta("2401.00001", "Deep things")})
    papers = [_paper("deep-things", "Deep Things", "hf")]
    memo = EnrichMemo()
    first = apply(papers, store, FORMATS, memo=memo)
    assert apply(papers, store, FORMATS, memo=memo)[0] is first[0]
    changed = Store({"2401.00001": _meta("2401.00001", "Deep things", upvotes=99)})
    assert apply(papers, changed, FORMATS, memo=memo)[0].upvotes == 99


def test_a_memo_applies_as_a_fresh_call_through_a_chain_of_edits() -> None:
    """The very papers at both ends of the list keep what the last call made of their
    groups, unless a paper between joins or leaves their group: each step gives what a
    call without a memo gives, through a paper retitled into and out of a stored
    paper's group, papers added and removed, a listing's added date and the store."""
    store = Store({"2401.00001": _meta("2401.00001", "Deep things"),
                   "2401.00002": _meta("2401.00002", "Wide things")})
    papers = [_paper(f"p{n:02d}", f"Paper {n}", "ta") for n in range(20)]
    papers[0] = _paper("a-first", "Deep Things", "hf")  # stored, at the start
    papers.sort(key=lambda p: p.id)
    memo = EnrichMemo()
    steps = [(papers, store, {})]
    retitled = [replace(p, title="Deep things") if p.id == "p10" else p for p in papers]
    steps.append((retitled, store, {}))  # joins the first paper's group
    steps.append((papers, store, {}))  # and leaves it
    more = sorted([*papers, _paper("p10b", "Wide Things", "hf")], key=lambda p: p.id)
    steps.append((more, store, {}))
    steps.append((more, store, {"ta": "2026-01-10"}))  # undated papers dated by their listing
    grown = Store({**store.papers, "2401.00003": _meta("2401.00003", "Paper 19")})
    steps.append((more, grown, {"ta": "2026-01-10"}))  # the store changed
    steps.append(([p for p in more if p.id != "p05"], grown, {"ta": "2026-01-10"}))
    for listed, stored, added in steps:
        got = apply(listed, stored, FORMATS, added, memo)
        assert got == apply(listed, stored, FORMATS, added), [p.id for p in listed]
    assert memo.given
