"""``digest check`` and ``digest export`` in throw-away project folders."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ingest_support import BAD, FIXTURES, LISTINGS, shipped_corpus
from test_listings_bad_input import EXPECTED

from digest.cli import main


def project(root: Path, *files: Path) -> Path:
    folder = root / "content" / "listings"
    folder.mkdir(parents=True)
    for f in files:
        shutil.copyfile(f, folder / f.name)
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str,
        epoch: str = "1780272000") -> Result:  # 2026-06-01
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_reports_bad_input_at_path_and_line(name: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, BAD / name, FIXTURES / "no-chrome.txt")
    result = run(root, monkeypatch, "check")
    errors = any(severity == "error" for severity, _, _ in EXPECTED[name])
    assert result.exit_code == (1 if errors else 0), result.output
    for severity, line, words in EXPECTED[name]:
        assert re.search(rf"^content/listings/{re.escape(name)}:{line}: {severity}: .*"
                         rf"{re.escape(words)}", result.output, re.MULTILINE), result.output
    assert re.search(r"content/listings/no-chrome\.txt +huggingface .* 2 ", result.output)


def test_check_with_every_bad_input_at_once(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, *sorted(p for p in BAD.iterdir()), FIXTURES / "no-chrome.txt")
    result = run(root, monkeypatch, "check")
    assert result.exit_code == 1
    reported = set(re.findall(r"^(content/listings/[^:\s]+):(\d+): ", result.output, re.MULTILINE))
    assert {path for path, _ in reported} >= {f"content/listings/{n}" for n in EXPECTED}
    assert "content/listings/no-chrome.txt" in result.output


def test_check_shipped_content_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, *sorted(LISTINGS.iterdir()))
    result = run(root, monkeypatch, "check")
    assert result.exit_code == 0, result.output
    assert "5 listings, 426 entries, 413 papers (13 duplicate sightings merged); " \
           "0 errors, 2 warnings" in result.output


def test_page_date_takes_its_year_from_source_date_epoch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    (root / "content" / "listings" / "hf.txt").write_text(
        "Daily Papers\nDec 31\nA Paper\nIts abstract.\n• 2 authors\n·\nJan 2\n", "utf-8")
    for epoch, listing_date, paper_date in (
            ("1767225600", "2025-12-31", "2025-01-02"),  # built on 2026-01-01
            ("1767052800", "2024-12-31", "2024-01-02")):  # built on 2025-12-30
        result = run(root, monkeypatch, "export", "--format", "json", epoch=epoch)
        (record,) = json.loads(result.stdout)
        assert (record["sources"][0]["date"], record["date"]) == (listing_date, paper_date)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = project(tmp_path_factory.mktemp("shipped"), *sorted(LISTINGS.iterdir()))
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {fmt: run(root, monkeypatch, "export", "--format", fmt).stdout
                for fmt in ("json", "csv", "bibtex")}


def test_export_json_round_trips_through_a_records_file(
        exported: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = json.loads(exported["json"])
    assert [r["title"] for r in records] == [p.title for p in shipped_corpus().papers]
    root = project(tmp_path)
    (root / "content" / "listings" / "x.json").write_text(exported["json"], encoding="utf-8")
    again = run(root, monkeypatch, "export", "--format", "json")
    assert again.exit_code == 0, again.output
    back = json.loads(again.stdout)
    fields = ("id", "title", "authors", "author_count", "submitter", "abstract", "date",
              "upvotes", "links")
    assert [{k: r[k] for k in fields} for r in back] == \
        [{k: r[k] for k in fields} for r in records]


def test_export_csv_parses(exported: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(exported["csv"])))
    records = json.loads(exported["json"])
    assert [r["title"] for r in rows] == [r["title"] for r in records]
    assert [r["abstract"] for r in rows] == [r["abstract"] for r in records]
    gensyn = next(r for r in rows if r["title"].startswith("All is Not Lost"))
    assert (gensyn["submitter"], gensyn["date"], gensyn["upvotes"]) == \
        ("Gensyn", "2025-06-18", "3")


def test_export_bibtex_one_entry_per_paper(exported: dict[str, str]) -> None:
    text = exported["bibtex"]
    keys = re.findall(r"^@misc\{([^,\s]+),$", text, re.MULTILINE)
    assert len(keys) == text.count("@misc{") == 413
    assert len(set(keys)) == 413
    for chunk in text.split("@misc{")[1:]:
        depth = 0
        for ch in chunk:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= -1
        assert depth == -1  # the entry's own closing brace
