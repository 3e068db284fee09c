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
    assert "0 errors, 0 warnings" in result.stdout
    assert "413 papers" in result.stdout


def test_export_json_lists_every_paper() -> None:
    result = run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 413
    assert len({r["id"] for r in records}) == 413
