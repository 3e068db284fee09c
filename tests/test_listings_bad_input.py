"""Bad input: every broken file gets a ``path:line`` message and never stops the others.

The fixtures live in ``fixtures/listings/bad/``, one per kind of damage.
"""

from __future__ import annotations

import pytest
from ingest_support import BAD, BUILD, FIXTURES, parse_bytes

from digest.build import parse_all
from digest.errors import Problems
from digest.inputs.files import SourceFile

# file → (severity, line, words in the message) for every problem it must produce
EXPECTED: dict[str, list[tuple[str, int, str]]] = {
    "empty-listing.txt": [("error", 1, "empty listing")],
    "binary-file.txt": [("error", 3, "binary file")],
    "invalid-utf8.txt": [("warning", 1, "invalid UTF-8 (byte 0xe9)")],
    "invalid-utf8-in-utf8-text.txt": [("warning", 2, "invalid UTF-8 (byte 0xff)")],
    "broken-front-matter-yaml.txt": [("error", 2, "front matter is not valid YAML")],
    "unclosed-front-matter.txt": [("error", 1, "never closed")],
    "unknown-format.txt": [("error", 3, "unknown format 'hugginface'")],
    "invalid-front-matter-date.txt": [("error", 2, "'2025-02-30'")],
    "records-missing-title.json": [("error", 3, "no 'title'"), ("error", 4, "no 'title'")],
    "records-missing-title.yaml": [("error", 2, "no 'title'"), ("error", 3, "no 'title'")],
    "records-wrong-types.json": [
        ("error", 3, "'upvotes' must be a whole number"),
        ("error", 4, "'authors' must be a list of strings"),
        ("error", 5, "'title' must be text"),
        ("error", 6, "'date' must be YYYY-MM-DD, got '2025-13-45'"),
        ("error", 7, "must be a mapping"),
    ],
    "records-wrong-types.yaml": [
        ("error", 3, "'upvotes' must be a whole number"),
        ("error", 5, "'authors' must be a list of strings"),
        ("error", 7, "'title' must be text"),
        ("error", 8, "'date' must be YYYY-MM-DD, got '2025-13-45'"),
        ("error", 10, "must be a mapping"),
    ],
    "records-python-tag.yaml": [("error", 2, "python/object/apply")],
    "records-not-a-list.json": [("error", 1, "must be a list")],
    "records-bad-arxiv.yaml": [("error", 1, "'arxiv' must be an id in quotes"),
                               ("error", 3, "Hugging Face URL without an arXiv id")],
    "ids-bad-lines.txt": [("error", 2, "Hugging Face URL without an arXiv id"),
                          ("error", 3, "not an arXiv id or paper URL: '2410.1724'"),
                          ("error", 4, "arXiv URL without a paper id"),
                          ("error", 6, "not an arXiv or Hugging Face paper URL")],
}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_reported_at_its_line(name: str) -> None:
    _, problems = parse_bytes(f"bad/{name}", (BAD / name).read_bytes())
    found = [(p.severity, p.line, p.message) for p in problems.items]
    assert [(s, line) for s, line, _ in found] == [(s, line) for s, line, _ in EXPECTED[name]]
    for (_, _, message), (_, _, words) in zip(found, EXPECTED[name], strict=True):
        assert words in message
    for p in problems.items:
        assert str(p).startswith(f"content/listings/bad/{name}:{p.line}: {p.severity}: ")


@pytest.mark.parametrize(("name", "titles"), [
    ("records-missing-title.json", ["A Good Record"]),
    ("records-missing-title.yaml", ["A Good Record"]),
    ("records-wrong-types.json", ["A Good Record"]),
    ("records-wrong-types.yaml", ["A Good Record"]),
    ("records-python-tag.yaml", ["A Good Record"]),
])
def test_good_records_next_to_bad_ones_are_kept(name: str, titles: list[str]) -> None:
    listing, _ = parse_bytes(name, (BAD / name).read_bytes())
    assert listing is not None and [e.title for e in listing.entries] == titles


def test_windows_1252_is_read_with_a_warning() -> None:
    listing, _ = parse_bytes("x.txt", (BAD / "invalid-utf8.txt").read_bytes())
    assert listing is not None and listing.entries[0].title == "Café Culture: A Study"


def test_damaged_utf8_keeps_its_accents() -> None:
    """One stray byte must not turn every "é" of a UTF-8 file into "Ã©"."""
    listing, _ = parse_bytes("x.txt", (BAD / "invalid-utf8-in-utf8-text.txt").read_bytes())
    assert listing is not None
    assert listing.entries[0].title == "Fréchet Distances Revisited"
    assert listing.entries[0].abstract == "An abstract with one damaged byte: \ufffd here."


def test_utf16_with_bom_is_text() -> None:
    listing, problems = parse_bytes("x.txt", (FIXTURES / "utf16-with-bom.txt").read_bytes())
    assert listing is not None and not problems.items
    assert listing.entries[0].abstract == "An abstract with an accent: café."


def test_other_listings_are_still_processed() -> None:
    good = SourceFile("content/listings/no-chrome.txt", (FIXTURES / "no-chrome.txt").read_bytes())
    # x.json and x.yaml would share the listing id "x": keep the ids apart
    bad = [SourceFile(f"content/listings/{p.stem}-{p.suffix[1:]}{p.suffix}", p.read_bytes())
           for p in sorted(BAD.iterdir())]
    problems = Problems()
    corpus = parse_all([*bad[:5], good, *bad[5:]], BUILD, problems)
    assert "content/listings/no-chrome.txt" in [listing.path for listing in corpus.listings]
    assert {p.path for p in problems.items} == {f.path for f in bad}
    # no-chrome's two papers, the two damaged-encoding ones, five sightings of the one
    # good record (merged into one paper), the two good ids and the one good arxiv record
    assert sum(len(listing.entries) for listing in corpus.listings) == 2 + 2 + 5 + 2 + 1
    assert len(corpus.papers) == 2 + 2 + 1 + 2 + 1


def test_two_files_with_one_id_are_reported() -> None:
    data = (FIXTURES / "no-chrome.txt").read_bytes()
    problems = Problems()
    corpus = parse_all([SourceFile("content/listings/a.txt", data),
                        SourceFile("content/listings/a.md", data)], BUILD, problems)
    assert [listing.path for listing in corpus.listings] == ["content/listings/a.txt"]
    assert [(p.path, p.severity) for p in problems.items] == [("content/listings/a.md", "error")]
    assert "content/listings/a.txt" in problems.items[0].message
