"""The writer: atomic, refuses dangerous folders, never rewrites unchanged files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.write import MARKER, OutputError, write_site


def project(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "content").mkdir()
    return tmp_path, tmp_path / "content"


def test_writes_files_and_marker(tmp_path: Path) -> None:
    root, content = project(tmp_path)
    report = write_site(root / "site", {"index.html": b"a", "x/index.html": b"b"}, root, content)
    assert (root / "site" / "x" / "index.html").read_bytes() == b"b"
    assert (root / "site" / MARKER).is_file()
    assert sorted(report.written) == [MARKER, "index.html", "x/index.html"]


def test_unchanged_rebuild_writes_nothing(tmp_path: Path) -> None:
    root, content = project(tmp_path)
    outputs = {"index.html": b"a", "x/index.html": b"b"}
    write_site(root / "site", outputs, root, content)
    before = os.stat(root / "site" / "index.html").st_mtime_ns
    report = write_site(root / "site", outputs, root, content)
    assert report.written == [] and report.removed == []
    assert os.stat(root / "site" / "index.html").st_mtime_ns == before


def test_changed_and_stale_files(tmp_path: Path) -> None:
    root, content = project(tmp_path)
    write_site(root / "site", {"a.html": b"1", "old/index.html": b"2"}, root, content)
    report = write_site(root / "site", {"a.html": b"changed"}, root, content)
    assert report.written == ["a.html"] and report.removed == ["old/index.html"]
    assert not (root / "site" / "old").exists()


@pytest.mark.parametrize("where", [".", "content", "content/site"])
def test_refuses_project_root_and_content(tmp_path: Path, where: str) -> None:
    root, content = project(tmp_path)
    with pytest.raises(OutputError):
        write_site(root / where, {"index.html": b"x"}, root, content)
    assert not (content / "index.html").exists()


def test_refuses_a_folder_not_made_by_digest(tmp_path: Path) -> None:
    root, content = project(tmp_path)
    (root / "mine").mkdir()
    (root / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(OutputError, match="not made by digest"):
        write_site(root / "mine", {"index.html": b"x"}, root, content)
    assert (root / "mine" / "thesis.tex").read_text() == "precious"


def test_failure_while_staging_leaves_old_site_untouched(tmp_path: Path) -> None:
    root, content = project(tmp_path)
    write_site(root / "site", {"index.html": b"old", "b/index.html": b"old-b"}, root, content)
    # A folder where a file must go makes phase one fail after staging other files.
    (root / "site" / "z.html").mkdir()
    with pytest.raises(OutputError):
        write_site(root / "site", {"index.html": b"new", "z.html": b"file"}, root, content)
    assert (root / "site" / "index.html").read_bytes() == b"old"
    assert (root / "site" / "b" / "index.html").read_bytes() == b"old-b"
    leftovers = [p for p in (root / "site").rglob("*") if ".digest-tmp" in p.name]
    assert leftovers == []
