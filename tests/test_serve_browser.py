"""End to end: ``digest serve`` on a copy of the shipped site, watched by headless Chromium.

An edit on disk shows in the open page without a manual reload; a broken listing shows
an overlay over the last good page; the fix removes it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_session
from playwright.sync_api import Page, expect
from processes import wait_for_line

REPO = Path(__file__).resolve().parents[1]
LISTING = "content/listings/2025-12-08-hf-pre-training.txt"
EDITION = "editions/2025-12-08-hf-pre-training/"
TITLE = 'title: "Hugging Face papers: pre-training and data"'
OVERLAY = "#digest-build-error"
WAIT_MS = 15_000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """A copy of the shipped site under ``digest serve --port 0``: (URL, project, process)."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")
    proc = subprocess.Popen([sys.executable, "-m", "digest", "serve", "--port", "0"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = wait_for_line(proc, "Serving")
        url = re.search(r"http://127\.0\.0\.1:\d+/\S*", line)
        assert url, line
        yield url.group(0), tmp_path, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_session() as browser:
        yield browser.new_page()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_reload_the_open_page_and_errors_show_as_an_overlay(
        served: tuple[str, Path, subprocess.Popen[str]], page: Page) -> None:
    url, project, proc = served
    listing = project / LISTING
    page.goto(url + EDITION)
    heading = page.locator("h1")
    expect(heading).to_have_text("Hugging Face papers: pre-training and data")
    page.evaluate("window.notReloaded = true")

    edit(listing, TITLE, 'title: "Pre-training, edited live"')
    expect(heading).to_have_text("Pre-training, edited live", timeout=WAIT_MS)
    assert page.evaluate("window.notReloaded") is None  # the script reloaded the page
    page.evaluate("window.notReloaded = true")

    # Broken: an unknown format, whose name the overlay must show as text, not markup.
    edit(listing, "format: huggingface", 'format: "<img src=x onerror=window.hacked=1>"')
    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text(f"{LISTING}:4: error: unknown format '<img src=x")
    assert page.locator(f"{OVERLAY} img").count() == 0
    assert page.evaluate("window.hacked") is None
    expect(heading).to_have_text("Pre-training, edited live")  # the last good page stays
    assert page.evaluate("window.notReloaded") is True
    page.goto(url + EDITION)  # a page opened while broken: last good site, and the overlay
    expect(heading).to_have_text("Pre-training, edited live")
    expect(overlay).to_be_visible(timeout=WAIT_MS)

    edit(listing, 'format: "<img src=x onerror=window.hacked=1>"', "format: huggingface")
    expect(overlay).to_have_count(0, timeout=WAIT_MS)
    expect(heading).to_have_text("Pre-training, edited live")

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert f"{LISTING}:4: error: unknown format" in err  # path:line in the terminal
    assert re.search(rf"{LISTING} changed → parsed 1 listing, rendered \d+/\d+ pages", out)
    assert not (project / "site").exists()  # serve never writes the site
