"""The shipped content parses cleanly from the command line."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def test_check_shipped_content_has_no_problems() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 2 warnings" in result.stdout
    assert "413 papers" in result.stdout
    # The two undated listings are named so their papers can get a date.
    for undated in ("multimodal-search.txt", "saining-xie-publications.txt"):
        assert f"content/listings/{undated}:1: warning: listing has no date" in result.stdout


def test_export_json_lists_every_paper() -> None:
    result = run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 413
    assert len({r["id"] for r in records}) == 413


def test_export_carries_the_topics_the_site_assigns() -> None:
    """The records say what the site shows: every paper's topics, by name."""
    from digest import config as config_mod
    from digest.build import build
    from digest.errors import Problems
    from digest.text.dates import build_date

    records = {r["id"]: r for r in json.loads(run("export", "--format", "json").stdout)}
    problems = Problems()
    site = build(config_mod.load(ROOT, problems), build_date(), problems, write=False)
    assert site is not None
    names = {t.slug: t.name for t in site.site.topics}
    assert sum(1 for r in records.values() if r["topics"]) > 400
    for paper in site.site.papers:
        assert records[paper.id]["topics"] == [names[t] for t in paper.topics]
    rows = run("export", "--format", "csv").stdout.splitlines()
    assert "; ".join(records[site.site.papers[0].id]["topics"]) in rows[1]
