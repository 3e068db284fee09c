"""Which file change rebuilds what (digest.watch), and how event bursts are batched."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pytest

from digest.serve.watch import Change, Kind, Watcher, classify, collect, rerenders_everything

L, A, T, C, Y = Kind.LISTING, Kind.ASSET, Kind.TEMPLATE, Kind.CONTENT, Kind.CONFIG

# path relative to the project root, is it a folder, what it rebuilds (None: nothing)
TABLE = [
    ("content/listings/2025-12-08-hf.txt", False, L),
    ("content/listings/sub/folder/list.md", False, L),
    ("content/listings/records.json", False, L),
    ("content/listings/records.YAML", False, L),
    ("content/listings/people.yml", False, L),
    ("content/listings/archive", True, L),  # a folder of listings added or removed
    ("content/listings", True, L),
    ("content/listings/paper.pdf", False, None),  # the reader skips it
    ("content/listings/notes.docx", False, None),
    ("content/notes/paper-id.md", False, C),  # any other content: everything
    ("content", True, C),
    ("content/README", False, C),
    ("templates/base.html", False, T),
    ("templates/partials/card.html", False, T),
    ("templates/feed.xml", False, T),
    ("templates", True, T),
    ("templates/assets/style.css", False, A),  # assets are copied, no page re-renders
    ("templates/assets/fonts/a.woff2", False, A),
    ("digest.yaml", False, Y),
    ("sub/digest.yaml", False, None),
    ("content/listings/.2025-12-08-hf.txt.swp", False, None),  # vim swap file
    ("content/listings/2025-12-08-hf.txt~", False, None),  # backup file
    ("content/listings/4913", False, None),  # vim's write probe
    ("content/listings/.#list.txt", False, None),  # emacs lock
    ("content/listings/#list.txt#", False, None),  # emacs autosave
    ("templates/.base.html.swp", False, None),
    (".git/index", False, None),
    ("content/metadata/papers/2401.00001.json", False, Kind.METADATA),
    ("content/metadata/overrides.yaml", False, Kind.METADATA),
    ("content/metadata/papers/.2401.00001.json.tmp", False, None),  # enrich's temporary file
    ("site/index.html", False, None),  # our own output
    ("README.md", False, None),
    ("node_modules/x/index.js", False, None),
    ("", True, None),
]


@pytest.mark.parametrize(("path", "is_dir", "kind"), TABLE,
                         ids=[f"{p or '<root>'}{'/' if d else ''}" for p, d, _ in TABLE])
def test_classify(path: str, is_dir: bool, kind: Kind | None) -> None:
    assert classify(path, is_dir=is_dir) is kind


def test_classify_follows_a_config_file_given_by_name() -> None:
    assert classify("preview.yaml", config_name="preview.yaml") is Kind.CONFIG
    assert classify("digest.yaml", config_name="preview.yaml") is None


@pytest.mark.parametrize(("kinds", "everything"), [
    ([], False), ([L], False), ([L, L, A], False), ([A], False),
    ([L, T], True), ([C], True), ([Y], True), ([A, Y], True),
])
def test_what_rerenders_every_page(kinds: list[Kind], everything: bool) -> None:
    assert rerenders_everything(kinds) is everything


def test_collect_batches_a_burst_and_stops_at_a_quiet_gap() -> None:
    changes: queue.Queue[Change] = queue.Queue()

    def burst() -> None:
        for number in range(5):  # an editor's save: several events a few ms apart
            changes.put(Change(f"content/listings/{number}.txt", Kind.LISTING))
            time.sleep(0.01)
        time.sleep(0.5)
        changes.put(Change("templates/base.html", Kind.TEMPLATE))

    threading.Thread(target=burst).start()
    first = collect(changes, wait=2, quiet=0.15)
    assert [c.path for c in first] == [f"content/listings/{n}.txt" for n in range(5)]
    assert [c.path for c in collect(changes, wait=2, quiet=0.15)] == ["templates/base.html"]
    assert collect(changes, wait=0.01) == []


def test_collect_gives_up_waiting_for_quiet_after_longest() -> None:
    changes: queue.Queue[Change] = queue.Queue()
    done = threading.Event()

    def stream() -> None:
        while not done.is_set():
            changes.put(Change("content/listings/a.txt", Kind.LISTING))
            time.sleep(0.01)

    threading.Thread(target=stream).start()
    try:
        started = time.monotonic()
        assert len(collect(changes, wait=1, quiet=0.1, longest=0.3)) > 5
        assert time.monotonic() - started < 1.0
    finally:
        done.set()


def test_watcher_reports_writes_but_not_reads(tmp_path: Path) -> None:
    listing = tmp_path / "content" / "listings" / "a.txt"
    listing.parent.mkdir(parents=True)
    listing.write_text("x\n")
    seen: queue.Queue[Change] = queue.Queue()
    watcher = Watcher(tmp_path, "digest.yaml", seen.put)
    watcher.start()
    try:
        listing.read_bytes()  # the build reads every listing: that must not trigger one
        (tmp_path / "README.md").write_text("not watched\n")
        assert collect(seen, wait=0.3) == []
        listing.write_text("y\n")
        (tmp_path / "digest.yaml").write_text("title: x\n")
        (tmp_path / "templates").mkdir()  # made after start: watched from now on
        time.sleep(0.2)
        (tmp_path / "templates" / "base.html").write_text("<html></html>\n")
        got: set[Change] = set()
        deadline = time.monotonic() + 5
        while len(got) < 4 and time.monotonic() < deadline:
            got |= set(collect(seen, wait=0.5))
    finally:
        watcher.stop()
    assert got == {Change("content/listings/a.txt", L), Change("digest.yaml", Y),
                   Change("templates", T), Change("templates/base.html", T)}


def test_a_new_folder_outside_content_and_templates_is_not_watched(tmp_path: Path) -> None:
    """``npm ci`` while the preview runs makes node_modules/ with thousands of folders:
    none of them may be watched (each would cost an inotify watch) or reported."""
    (tmp_path / "content").mkdir()
    seen: queue.Queue[Change] = queue.Queue()
    watcher = Watcher(tmp_path, "digest.yaml", seen.put)
    watcher.start()
    try:
        deep = tmp_path / "node_modules" / "lunr" / "lib"
        deep.mkdir(parents=True)
        (deep / "index.js").write_text("x\n")
        (tmp_path / "site").mkdir()
        time.sleep(0.2)
        (deep / "more.js").write_text("y\n")
        assert collect(seen, wait=0.5) == []
        assert watcher.watched == {"content"}
        assert len(watcher.observer.emitters) == 2  # the project root and content/
    finally:
        watcher.stop()
