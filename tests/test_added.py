"""inputs/added.py: a listing's first commit dates the papers nothing else dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.inputs.added import first_commits, listing_added
from digest.model import Listing


def _git(root: Path, *args: str, when: str = "2025-01-01T12:00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_first_commit_wins_and_a_dated_listing_keeps_its_date(tmp_path: Path) -> None:
    listings = tmp_path / "content" / "listings"
    listings.mkdir(parents=True)
    _git(tmp_path, "init", "-q")
    (listings / "a.txt").write_text("one\n", "utf-8")
    (listings / "b.txt").write_text("one\n", "utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first", when="2025-03-04T10:00:00")
    (listings / "a.txt").write_text("two\n", "utf-8")  # a later edit does not move it
    (listings / "c.txt").write_text("new\n", "utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "second", when="2025-05-06T10:00:00")
    assert first_commits(tmp_path) == {"content/listings/a.txt": "2025-03-04",
                                       "content/listings/b.txt": "2025-03-04",
                                       "content/listings/c.txt": "2025-05-06"}
    found = listing_added(tmp_path, [
        Listing("a", "content/listings/a.txt", "A", "ids"),
        Listing("b", "content/listings/b.txt", "B", "ids", date="2024-12-01"),
        Listing("d", "content/listings/d.txt", "D", "ids"),  # not committed: no date
    ])
    assert found == {"a": "2025-03-04", "b": "2024-12-01"}


def test_a_project_nested_in_another_repository_is_not_dated_by_it(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    project = tmp_path / "site"
    (project / "content").mkdir(parents=True)
    (project / "content" / "a.txt").write_text("x\n", "utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first")
    assert first_commits(project) == {}
    assert first_commits(tmp_path) == {"site/content/a.txt": "2025-01-01"}


def test_a_build_in_a_repository_dates_every_feed_item(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "golden_site", root)
    people = root / "content" / "listings" / "people.yaml"
    people.write_text(people.read_text("utf-8") + "- title: A Paper Nobody Dated\n"
                      "  authors: [Grace Hopper]\n", "utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "first", when="2025-10-30T09:00:00")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767139200")  # 2025-12-31
    result = CliRunner().invoke(main, ["build", "--quiet"])
    assert result.exit_code == 0, result.output
    for feed in ("feed.xml", "editions/feed.xml"):
        text = (root / "site" / feed).read_text("utf-8")
        assert text.count("<item>") == text.count("<pubDate>") > 0, feed
    card = (root / "site" / "editions" / "people" / "index.html").read_text("utf-8")
    assert "undated" not in card
    assert 'added <time datetime="2025-10-30">Oct 30, 2025</time>' in card
