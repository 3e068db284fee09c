"""`digest new` makes a site that builds; `digest add` saves a pasted listing and reports it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sitebuild import REPO, tree

SEED_LISTING = REPO / "content" / "listings" / "2025-12-26-hf-checkpoints.txt"


def digest(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1767139200",
                               # the checkout under test, when it is not the installed one
                               **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}})


def body_of(path: Path) -> str:
    """The pasted text under the front matter we added."""
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]


def test_new_then_build_gives_a_valid_site(tmp_path: Path) -> None:
    result = digest(tmp_path, "new", "mydigest", "--title", "My digest")
    assert result.returncode == 0, result.stderr
    assert "Next:" in result.stdout and "digest serve" in result.stdout
    project = tmp_path / "mydigest"
    for rel in ("digest.yaml", ".gitignore", ".github/workflows/pages.yml", "requirements.txt",
                "content/notes/lora-vs-full-fine-tuning.md"):
        assert (project / rel).is_file(), rel
    assert len(list((project / "content/listings").iterdir())) == 1
    config = (project / "digest.yaml").read_text()
    assert "title: My digest" in config and "# " in config and "keywords:" in config
    built = digest(project, "build")
    assert built.returncode == 0, built.stderr
    files = tree(project / "site")
    note_page = files["papers/lora-vs-full-fine-tuning-an-illusion-of-equivalence/index.html"]
    assert b"intruder dimensions" in note_page and b"<math" in note_page
    assert "feed.xml" in files and "search/index.html" in files


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.txt").write_text("mine")
    result = digest(tmp_path, "new", "taken")
    assert result.returncode == 1 and "not empty" in result.stderr
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["x.txt"]


def test_new_pins_the_digest_that_made_it_for_the_workflow(tmp_path: Path) -> None:
    assert digest(tmp_path, "new", "d").returncode == 0
    project = tmp_path / "d"
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert [r for r in requirements if not r.startswith("#")] == ["digest-ssg==0.1.0"]
    shipped = (REPO / "src" / "digest" / "skeleton" / "pages.yml").read_bytes()
    assert (project / ".github/workflows/pages.yml").read_bytes() == shipped
    assert b"python -m pip install -r requirements.txt" in shipped
    assert b"pip install .\n" not in shipped and b"npm" not in shipped


def test_add_from_stdin_round_trips_a_seed_listing(tmp_path: Path) -> None:
    assert digest(tmp_path, "new", "d").returncode == 0
    project = tmp_path / "d"
    pasted = body_of(SEED_LISTING)
    result = digest(project, "add", "--date", "2025-12-26", "--title", "Checkpoints",
                    stdin=pasted)
    assert result.returncode == 0, result.stdout + result.stderr
    saved = project / "content" / "listings" / "2025-12-26-checkpoints.txt"
    assert body_of(saved) == pasted  # the paste is kept byte for byte under the front matter
    assert "huggingface: 39 papers, 0 already in the digest" in result.stdout
    assert "ByteCheckpoint: A Unified Checkpointing System" in result.stdout
    check = digest(project, "check")
    assert check.returncode == 0 and "43 papers" in check.stdout


def test_add_reports_duplicates_and_never_overwrites(tmp_path: Path) -> None:
    assert digest(tmp_path, "new", "d").returncode == 0
    project = tmp_path / "d"
    example = body_of(project / "content/listings/example-hugging-face-daily.txt")
    first = digest(project, "add", "--date", "2025-12-09", "--title", "Again", stdin=example)
    assert "4 already in the digest" in first.stdout
    second = digest(project, "add", "--date", "2025-12-09", "--title", "Again", stdin=example)
    assert second.returncode == 1 and "never overwrites" in second.stderr


def test_a_note_is_searchable(tmp_path: Path) -> None:
    """The note's own words (not in the abstract) are in the search index."""
    assert digest(tmp_path, "new", "d").returncode == 0
    project = tmp_path / "d"
    assert digest(project, "build").returncode == 0
    index = json.loads((project / "site" / "search" / "index.json").read_text())
    abstract_words = (project / "content/listings/example-hugging-face-daily.txt").read_text()
    assert "sweep" not in abstract_words.lower()
    assert "sweep" in index["terms"].split()  # "rank sweep", from the note only
