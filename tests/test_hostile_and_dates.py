"""Bugs that once passed every test: a hostile title, author or organisation reaching a
page or a feed's HTML raw; a yearless date in a records file resolved against the build
date instead of the listing's; the output-folder refusal on one build path only."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from ingest_support import parse_bytes

from digest import config as config_mod
from digest.build import build
from digest.errors import Problems
from digest.write import OutputError

HOSTILE = "<script>alert(1)</script>"
ATOM = "{http://www.w3.org/2005/Atom}"


def hostile_project(root: Path) -> Path:
    listings = root / "content" / "listings"
    listings.mkdir(parents=True)
    records = [{"title": f"Title {HOSTILE} & more", "authors": [f"Ada {HOSTILE}", "Alan Turing"],
                "submitter": f"Org {HOSTILE}", "abstract": "Plain words.", "date": "2025-12-01"},
               {"title": "A calm paper", "authors": ["Alan Turing"], "date": "2025-12-02"}]
    (listings / "2025-12-03-hostile.json").write_text(json.dumps(records))
    (root / "digest.yaml").write_text("title: T\nbase_url: https://example.org/p/\n")
    return root


def test_hostile_titles_authors_and_organisations_never_reach_html_raw(tmp_path: Path) -> None:
    root = hostile_project(tmp_path)
    problems = Problems()
    result = build(config_mod.load(root, problems), date(2026, 1, 1), problems, write=False)
    assert result is not None, problems.items
    html_texts: list[tuple[str, str]] = []  # (file, HTML as a reader renders it)
    for path, data in result.outputs.items():
        if path.endswith(".html"):
            html_texts.append((path, data.decode()))
        elif path.endswith(".xml") and b"<rss" in data[:300]:
            for item in ET.fromstring(data).iter("item"):
                for field in ("description",):  # the title is plain text
                    html_texts.append((f"{path} {field}", item.findtext(field) or ""))
        elif path.endswith(".xml") and b"Atom" in data[:300]:
            for entry in ET.fromstring(data).iter(f"{ATOM}entry"):
                for field in ("summary", "content"):
                    node = entry.find(f"{ATOM}{field}")
                    if node is not None and node.get("type") == "html":
                        html_texts.append((f"{path} {field}", node.text or ""))
        elif path == "feed.json":
            for item in json.loads(data)["items"]:
                html_texts.append((f"{path} content_html", item.get("content_html", "")))
    assert len(html_texts) > 20
    assert any("editions/feed.xml" in where for where, _ in html_texts)
    for where, text in html_texts:
        assert HOSTILE not in text, where
    # ... and the text is still there, escaped
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in text for _, text in html_texts)


@pytest.mark.parametrize(("name", "data"), [
    ("2025-01-15-picked.json", b'[{"title": "Winter", "date": "Dec 20"}]'),
    ("2025-01-15-picked.yaml", b'- title: Winter\n  date: Dec 20\n'),
])
def test_a_yearless_date_takes_the_year_of_the_listings_date_not_the_build(
        name: str, data: bytes) -> None:
    """Dec 20 in a listing of 2025-01-15 is 2024-12-20, whenever the build runs."""
    for build_day in (date(2025, 1, 20), date(2025, 12, 31), date(2026, 6, 1)):
        listing, problems = parse_bytes(name, data, build_day)
        assert listing is not None and not problems.errors
        assert listing.entries[0].date == "2024-12-20", build_day


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_build_path_refuses_a_folder_it_did_not_make(tmp_path: Path, jobs: int) -> None:
    root = hostile_project(tmp_path)
    (root / "site").mkdir()
    (root / "site" / "mine.txt").write_text("keep me")
    problems = Problems()
    with pytest.raises(OutputError, match="not made by digest"):
        build(config_mod.load(root, problems), date(2026, 1, 1), problems, jobs=jobs)
    assert [p.name for p in (root / "site").iterdir()] == ["mine.txt"]
    assert (root / "site" / "mine.txt").read_text() == "keep me"
