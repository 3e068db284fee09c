"""Property-based tests: the parser never raises, and valid listings come back exactly.

Generated listings are built from their own parts (titles, abstracts, metadata), so
the expected papers are known without asking the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.errors import Problems
from digest.inputs.listings import FORMATS, parse_listing
from digest.model import Listing
from digest.text.latex import to_text
from digest.text.links import extract_links

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUILD = date(2026, 6, 1)
PATHS = st.sampled_from(["content/listings/x.txt", "content/listings/2025-12-08-x.md",
                         "content/listings/x.json", "content/listings/x.yaml"])
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse(path: str, data: bytes, build: date = BUILD) -> tuple[Listing | None, Problems]:
    problems = Problems()
    listing = parse_listing(path, data, build, problems)
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for p in problems.items:  # every problem names its file and a real line
        assert p.path == path and 1 <= p.line <= lines, p
    if listing is None:
        assert problems.errors
    else:
        assert all(e.title.strip() for e in listing.entries)
    return listing, problems


# --- the parser never raises --------------------------------------------------------------

PIECES = st.sampled_from([
    "·", "• 3 authors", "  • 1 author", "Jun 20, 2024 1", "Jan 9 3", "Feb 29", "Feb 30", "Dec 8",
    "Subscribe", "SubscribeMM1: X", "Daily Papers", "new", "Next", "Gensyn Gensyn",
    "Xie, Saining", "Chu, Tianzhe, Le, Quoc V.", "---", "...", "- title: x", "  upvotes: -1",
    '[{"title": 1}]', "{", "[", "$", "\\", "%", "~", "``", "--", "$\\times$", "\\textbf{",
    "\\begin{x}", "https://x.org/a).", "date: 2025-02-30", "format: records", "\x00", "\ufeff",
    "\u00a0", "\u200b", "\r",
])
LINES = st.lists(st.one_of(PIECES, st.text(max_size=60)), max_size=30)


@FAST
@given(data=st.binary(max_size=1500), path=PATHS)
def test_never_raises_on_bytes(data: bytes, path: str) -> None:
    parse(path, data)


@FAST
@given(body=st.text(max_size=800), fmt=st.sampled_from(FORMATS), path=PATHS)
def test_never_raises_on_text_with_each_format_forced(body: str, fmt: str, path: str) -> None:
    parse(path, f"---\nformat: {fmt}\n---\n{body}".encode("utf-8", "surrogatepass"))


@FAST
@given(lines=LINES, fmt=st.sampled_from((*FORMATS, None)), path=PATHS,
       end=st.sampled_from(["\n", "\r\n", "\n\n", "\r"]))
def test_never_raises_on_listing_shaped_lines(lines: list[str], fmt: str | None, path: str,
                                              end: str) -> None:
    head = f"---\nformat: {fmt}\n---\n" if fmt else ""
    parse(path, (head + end.join(lines)).encode("utf-8", "surrogatepass"))


@FAST
@given(text=st.one_of(st.text(max_size=200), st.lists(PIECES).map(" ".join)))
def test_to_text_and_links_never_raise_or_blank(text: str) -> None:
    converted = to_text(text)
    assert converted.strip() or not text.strip()
    for link in extract_links(text):
        assert link in text and link[-1] not in ".,;:!?'\""


# --- valid listings come back exactly ----------------------------------------------------

FIRST = st.sampled_from(["Scaling", "Towards", "Learning", "MM1:", "LoRA", "Self-supervised",
                         "ViT", "A", "On", "Why", "Diffusion", "Fréchet", "Über", "Yi:"])
WORD = st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=10)
TAIL = st.tuples(WORD, st.sampled_from(["", "", ":", ",", "?", "!", "-x", "'s", " &", " (v2)"]))
TITLE = st.builds(lambda first, rest: " ".join([first, *(w + p for w, p in rest)]),
                  FIRST, st.lists(TAIL, max_size=10))
ABSTRACT = st.builds(lambda first, rest: " ".join([first, *rest]) + ".",
                     st.sampled_from(["We", "This", "In", "Large", "Recent"]),
                     st.lists(WORD, max_size=40))
INDENT = st.sampled_from(["", "", "  ", "\t", "\u00a0"])
GAP = st.sampled_from(["", "\n", "\n\n", "\n \n"])


def year_back(d: date, reference: date) -> date:
    """The latest date with d's month and day not after the reference, computed plainly."""
    year = reference.year
    while True:
        try:
            candidate = date(year, d.month, d.day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate <= reference:
            return candidate
        year -= 1


@dataclass(frozen=True)
class Paper:
    title: str
    abstract: str | None
    head: str | None  # "• 5 authors" or an organisation, None without metadata
    when: date | None
    with_year: bool
    votes: int | None


def meta_head(kind: int, count: int, handle: str, name: str) -> str:
    return [f"• {count} authors", "• 1 author", f"{handle} {name}"][kind]


PAPER = st.builds(
    Paper, title=TITLE, abstract=st.one_of(ABSTRACT, ABSTRACT, st.none()),
    head=st.one_of(st.none(), st.builds(meta_head, st.integers(0, 2), st.integers(2, 40),
                                        WORD.map(lambda w: "org" + w), WORD)),
    when=st.dates(date(2015, 1, 1), date(2026, 5, 31)), with_year=st.booleans(),
    votes=st.one_of(st.none(), st.integers(0, 5000)),
).filter(lambda p: p.abstract is not None or p.head is not None)


@FAST
@given(papers=st.lists(PAPER, min_size=1, max_size=12),
       chrome=st.lists(st.sampled_from(["new", "Get trending papers in your email inbox!",
                                        "Subscribe", "Daily Papers",
                                        "byAK and the research community"]), max_size=5),
       listing_day=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2026, 5, 31))),
       indent=INDENT, gap=GAP, end=st.sampled_from(["\n", "\r\n"]))
def test_huggingface_listing_round_trip(papers: list[Paper], chrome: list[str],
                                        listing_day: date | None, indent: str, gap: str,
                                        end: str) -> None:
    head = "---\nformat: huggingface\n" + (f"date: {listing_day}\n" if listing_day else "")
    out = [head + "---", *chrome]
    for p in papers:
        out += [p.title + gap] + ([p.abstract] if p.abstract is not None else [])
        if p.head is not None:
            when = f"{MONTHS[p.when.month - 1]} {p.when.day}" + \
                (f", {p.when.year}" if p.with_year else "")
            out += [indent + p.head, "·", when + (f" {p.votes}" if p.votes is not None else "")]
    listing, problems = parse("content/listings/x.txt", end.join(out).encode())
    assert listing is not None and not problems.errors, [str(x) for x in problems.items]
    assert [e.title for e in listing.entries] == [p.title for p in papers]
    reference = listing_day or BUILD
    for entry, p in zip(listing.entries, papers, strict=True):
        assert entry.abstract == (p.abstract or "")
        if p.head is None:
            assert (entry.date, entry.upvotes, entry.author_count) == (None, None, None)
            continue
        expected = p.when if p.with_year else year_back(p.when, reference)
        assert (entry.date, entry.upvotes) == (expected.isoformat(), p.votes)
        if p.head.startswith("•"):
            assert (entry.author_count, entry.submitter) == (int(p.head.split()[1]), None)
        else:
            assert (entry.author_count, entry.submitter) == (None, p.head.split(" ", 1)[1])


@FAST
@given(pairs=st.lists(st.tuples(TITLE, ABSTRACT), min_size=1, max_size=15), gap=GAP,
       end=st.sampled_from(["\n", "\r\n", "\r"]), indent=INDENT)
def test_title_abstract_round_trip(pairs: list[tuple[str, str]], gap: str, end: str,
                                   indent: str) -> None:
    body = end.join(f"{indent}{t}{gap}{end}{a}{gap}" for t, a in pairs)
    listing, problems = parse("content/listings/x.txt",
                              f"---\nformat: title-abstract\n---\n{body}".encode())
    assert listing is not None and not problems.items, [str(x) for x in problems.items]
    assert [(e.title, e.abstract) for e in listing.entries] == pairs


NAME = st.builds(lambda *w: " ".join(w), st.sampled_from(["Ada", "Quoc V.", "Jean-Luc", "Li"]),
                 st.lists(st.text(st.characters(categories=("Lu", "Ll")), min_size=1,
                                  max_size=8), max_size=1).map(" ".join)).map(str.strip)
AUTHORS = st.lists(st.tuples(WORD.map(str.capitalize), NAME), min_size=1, max_size=8)
PLAIN_ABSTRACT = ABSTRACT.map(lambda a: a.replace(",", ""))  # an abstract is never a name list


@FAST
@given(triples=st.lists(st.tuples(TITLE, AUTHORS, PLAIN_ABSTRACT), min_size=1, max_size=10),
       owner=st.booleans(), gap=GAP)
def test_author_list_round_trip(triples: list[tuple[str, list[tuple[str, str]], str]],
                                owner: bool, gap: str) -> None:
    lines = ["Xie, Saining"] if owner else []
    for title, authors, abstract in triples:
        lines += [title, ", ".join(f"{last}, {first}" for last, first in authors), abstract]
    listing, problems = parse("content/listings/x.txt", ("---\nformat: author-list\n---\n"
                                                         + (gap + "\n").join(lines)).encode())
    assert listing is not None and not problems.items, [str(x) for x in problems.items]
    assert listing.owner == ("Saining Xie" if owner else None)
    assert [(e.title, e.authors, e.abstract) for e in listing.entries] == [
        (t, tuple(f"{first} {last}" for last, first in a), ab) for t, a, ab in triples]


@FAST
@given(offset=st.integers(0, 3000), back=st.integers(0, 3000))
def test_yearless_date_is_latest_not_after_reference(offset: int, back: int) -> None:
    reference = date(2020, 1, 1) + timedelta(days=offset)
    day = reference - timedelta(days=back)
    data = (f"---\nformat: huggingface\ndate: {reference}\n---\nA Title\nAn abstract.\n"
            f"• 2 authors\n·\n{MONTHS[day.month - 1]} {day.day}\n").encode()
    listing, _ = parse("content/listings/x.txt", data)
    assert listing is not None
    resolved = date.fromisoformat(listing.entries[0].date or "")
    assert (resolved.month, resolved.day) == (day.month, day.day)
    assert day <= resolved <= reference
    assert resolved.year >= reference.year - 8
