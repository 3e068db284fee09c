"""``digest check`` reads all the build reads, and every YAML problem is ``path:line``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LISTING = "Scaling Things Up\nWe scale things up and see what happens.\n"


def project(tmp_path: Path, config: str = "title: T\n") -> Path:
    (tmp_path / "content" / "listings").mkdir(parents=True)
    (tmp_path / "content" / "listings" / "2025-01-15-reading.txt").write_text(LISTING)
    (tmp_path / "digest.yaml").write_text(config)
    return tmp_path


def digest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=root,
                          capture_output=True, text=True, timeout=120, check=False)


def note(root: Path, name: str, text: str) -> None:
    folder = root / "content" / "notes"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)


@pytest.mark.parametrize(("front", "message"), [
    ("paper: scaling-things-up\ndate: 2025-02-30\n",
     ("content/notes/n.md:3: error: front matter 'date' must be a date (YYYY-MM-DD), "
      "got '2025-02-30'")),
    ("paper: no-such-paper\n", "content/notes/n.md:2: error: no paper 'no-such-paper'"),
    ("paper: [unclosed\n", "content/notes/n.md:2: error: invalid YAML:"),  # where it opens
])
def test_check_fails_where_the_build_fails_on_a_note(tmp_path: Path, front: str,
                                                      message: str) -> None:
    root = project(tmp_path)
    note(root, "n.md", f"---\n{front}---\nA note.\n")
    checked, built = digest(root, "check"), digest(root, "build", "-q")
    assert checked.returncode == 1 and built.returncode == 1
    for result in (checked, built):
        assert message in result.stdout + result.stderr
        assert "Traceback" not in result.stderr and "ValueError" not in result.stderr


def test_a_bad_page_fails_check(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "about.md").write_text("---\norder: first\n---\nHi\n")
    result = digest(root, "check")
    assert result.returncode == 1
    assert "content/pages/about.md:2: error: front matter 'order' must be a whole number" \
        in result.stdout


@pytest.mark.parametrize(("config", "line"), [("title: T\ndate: 2025-02-30\n", 2),
                                            ("description: d\ntitle: [T\n", 2)])
def test_an_impossible_value_in_the_config_is_reported_at_its_line(tmp_path: Path,
                                                                   config: str,
                                                                   line: int) -> None:
    root = project(tmp_path, config)
    for args in (("check",), ("build", "-q")):
        result = digest(root, *args)
        assert result.returncode == 1
        out = result.stdout + result.stderr
        assert f"digest.yaml:{line}: error:" in out, out
        assert "Traceback" not in out and "ValueError" not in out


def test_a_good_project_checks_clean(tmp_path: Path) -> None:
    root = project(tmp_path)
    note(root, "n.md", "---\npaper: scaling-things-up\ndate: 2025-02-28\n---\nGood.\n")
    result = digest(root, "check")
    assert result.returncode == 0, result.stdout + result.stderr
