"""parse_listing as a whole: detection, front matter, and every line accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_support import (
    CHECKPOINTS,
    FIXTURES,
    LISTINGS,
    MULTIMODAL,
    PRE_TRAINING,
    SELF_SUPERVISED,
    XIE,
    non_blank_lines,
    parse_bytes,
    shipped,
)

from digest.inputs.listings import frontmatter, paperpage

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SHIPPED = (PRE_TRAINING, CHECKPOINTS, SELF_SUPERVISED, MULTIMODAL, XIE)
FORMATS = {PRE_TRAINING: "huggingface", CHECKPOINTS: "huggingface",
           SELF_SUPERVISED: "huggingface", MULTIMODAL: "title-abstract", XIE: "author-list"}


def body_of(name: str) -> bytes:
    """The listing as pasted: the shipped file without its front matter."""
    text = (LISTINGS / name).read_bytes().decode("utf-8")
    fm, body, _, closed = frontmatter.split(text)
    assert fm is not None and closed
    return body.encode("utf-8")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed folder is not present")
def test_shipped_bodies_are_the_seeds_byte_for_byte() -> None:
    seeds = sorted(p.read_bytes() for p in SEEDS.iterdir())
    assert sorted(body_of(name) for name in SHIPPED) == seeds


@pytest.mark.parametrize("name", SHIPPED)
def test_format_is_detected_without_front_matter(name: str) -> None:
    listing, problems = parse_bytes("pasted.txt", body_of(name))
    assert listing is not None and not problems.items
    assert listing.format == FORMATS[name]
    assert [e.title for e in listing.entries] == [e.title for e in shipped(name).entries]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_line_of_a_seed_is_chrome_or_part_of_a_paper(name: str) -> None:
    listing = shipped(name)
    data = (LISTINGS / name).read_bytes()
    _, _, body_start, _ = frontmatter.split(data.decode("utf-8"))
    body = [n for n in non_blank_lines(data) if n >= body_start]
    assert body_start == 6
    entry_lines = [n for e in listing.entries for n in e.lines]
    assert len(entry_lines) == len(set(entry_lines)), "a line read into two papers"
    assert sorted(set(listing.chrome) | set(entry_lines)) == body
    assert all(e.lines[0] == e.line for e in listing.entries)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_every_line_of_a_fixture_is_accounted_for(name: str) -> None:
    listing, _ = parse_bytes(name, (FIXTURES / name).read_bytes())
    assert listing is not None
    text = (FIXTURES / name).read_bytes()
    if name.startswith("utf16"):
        text = text.decode("utf-16").encode("utf-8")
    _, _, body_start, _ = frontmatter.split(text.decode("utf-8-sig"))
    body = [n for n in non_blank_lines(text) if n >= body_start]
    read = set(listing.chrome).union(*(e.lines for e in listing.entries))
    assert sorted(read) == body


def test_a_dropped_line_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The net under the parsers: a line no parser claimed becomes a warning."""
    real = paperpage.parse

    def lossy(*args: object, **kwargs: object) -> paperpage.PageResult:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        return paperpage.PageResult(result.entries[:1], result.page_date, 0, ())

    monkeypatch.setattr(paperpage, "parse", lossy)
    _, problems = parse_bytes("x.txt", b"First\nAbstract one\nSecond\nAbstract two\n")
    assert [(p.line, p.severity) for p in problems.items] == [(3, "warning"), (4, "warning")]
    assert "not read as part of any paper" in problems.items[0].message


def test_front_matter_fields() -> None:
    data = (b"---\ntitle: My picks\ndate: 2025-01-31\nformat: title-abstract\n"
            b"source: https://example.org\ntopics: [Vision, Language]\nowner: Ada\n---\nA\nB\n")
    listing, problems = parse_bytes("2024-01-01-picks.txt", data)
    assert listing is not None and not problems.items
    assert (listing.id, listing.title, listing.date, listing.format, listing.source,
            listing.topics, listing.owner) == (
        "2024-01-01-picks", "My picks", "2025-01-31", "title-abstract", "https://example.org",
        ("Vision", "Language"), "Ada")
    assert listing.entries[0].line == 9


def test_unknown_front_matter_key_names_its_line() -> None:
    listing, problems = parse_bytes("x.txt", b"---\ntitle: x\ntopic: Vision\n---\nA\nB\n")
    assert listing is None
    assert [(p.line, p.severity) for p in problems.items] == [(3, "error")]
    assert "'topic'" in problems.items[0].message


def test_title_and_date_default_to_the_file_name() -> None:
    listing, _ = parse_bytes("2025-12-08-hf_pre-training.txt", b"A\nB\n")
    assert listing is not None
    assert (listing.title, listing.date, listing.id) == \
        ("Hf pre training", "2025-12-08", "2025-12-08-hf-pre-training")
