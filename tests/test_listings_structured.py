"""Records: a JSON or YAML list of papers with the export's field names."""

from __future__ import annotations

from ingest_support import parse_bytes, parse_clean, parse_fixture


def test_yaml_document_marker_is_not_front_matter() -> None:
    listing = parse_clean("records-yaml-document-marker.yaml")
    assert listing.format == "records"
    first, second = listing.entries
    assert (first.title, first.line, first.date, first.upvotes) == \
        ("A Record Under a YAML Document Marker", 2, "2024-06-20", 3)
    assert (second.title, second.line, second.authors, second.author_count) == \
        ("Its Neighbour", 5, ("Jane Doe", "Richard Roe"), 2)


def test_front_matter_shifts_record_lines() -> None:
    listing, problems = parse_fixture("records-with-front-matter.yaml")
    assert listing is not None
    assert (listing.title, listing.topics) == ("Hand-picked papers", ("Pre-training",))
    assert [(e.line, e.title) for e in listing.entries] == \
        [(5, "A Good Record"), (8, "Another Good Record")]
    assert [(p.line, p.severity) for p in problems.items] == [(7, "error")]  # "- title: 42"
    assert "'title' must be text" in problems.items[0].message


def test_json_lines_tabs_and_escaped_slashes() -> None:
    data = b'[\n\t{"title": "First",\n\t "links": ["https:\\/\\/example.org\\/a"]},\n\n' \
           b'\t{"title": "Second", "date": "Jun 20", "upvotes": 2}\n]\n'
    listing, problems = parse_bytes("2025-12-08-picked.json", data)
    assert listing is not None and not problems.items
    assert [(e.line, e.title) for e in listing.entries] == [(2, "First"), (5, "Second")]
    assert listing.entries[0].links == ("https://example.org/a",)
    # A yearless date resolves against the listing's date (from the file name).
    assert (listing.entries[1].date, listing.entries[1].upvotes) == ("2025-06-20", 2)


def test_all_export_fields_are_read() -> None:
    data = b"""- id: ignored-anyway
  title: "Fr\\\\'echet Everything"
  authors: [Ada Lovelace, Alan Turing]
  author_count: 3
  submitter: Gensyn
  abstract: "A $\\\\times$ B, see https://example.org/x."
  date: 2024-02-29
  upvotes: 0
  links: [https://github.com/a/b]
  topics: [Pre-training, Vision]
  sources: []
  url: https://arxiv.org/abs/1
"""
    listing, problems = parse_bytes("picked.yaml", data)
    assert listing is not None and not problems.items, [str(p) for p in problems.items]
    (entry,) = listing.entries
    assert entry.title == "Fréchet Everything"
    assert entry.abstract == "A × B, see https://example.org/x."
    assert (entry.authors, entry.author_count, entry.submitter) == \
        (("Ada Lovelace", "Alan Turing"), 3, "Gensyn")
    assert (entry.date, entry.upvotes) == ("2024-02-29", 0)
    assert entry.links == ("https://example.org/x", "https://github.com/a/b",
                           "https://arxiv.org/abs/1")
    assert entry.topics == ("Pre-training", "Vision")


def test_unknown_field_is_a_warning_and_the_record_is_kept() -> None:
    listing, problems = parse_bytes("picked.yaml", b"- title: Kept\n  venue: NeurIPS\n")
    assert listing is not None and [e.title for e in listing.entries] == ["Kept"]
    assert [(p.line, p.severity) for p in problems.items] == [(1, "warning")]
    assert "venue" in problems.items[0].message


def test_empty_list_is_an_error() -> None:
    listing, problems = parse_bytes("picked.json", b"[]\n")
    assert listing is not None and listing.entries == ()
    assert [(p.line, p.severity) for p in problems.items] == [(1, "error")]
