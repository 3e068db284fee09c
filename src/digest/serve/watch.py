"""Watch the project for the preview server: which file changes rebuild what.

``classify`` decides from a path alone, so the rules are a table (see the tests);
``Watcher`` turns watchdog events into ``Change`` records; ``collect`` debounces
the burst of events one editor save makes into a single batch.
"""

from __future__ import annotations

import enum
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from digest.config import CONFIG_NAME
from digest.inputs.files import LISTING_SUFFIXES

# "opened" and "closed_no_write" are left out: the build's own reads must not trigger it.
_WRITES = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED,
           EVENT_TYPE_CLOSED}
_SCRATCH_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", "~")
_SCRATCH_NAMES = {"4913"}  # vim probes whether it may write a folder with this file


class Kind(enum.Enum):
    """What a change invalidates, from least to most."""

    LISTING = "listing"  # re-parse that listing, re-render the pages whose record changed
    ASSET = "asset"  # copy the theme's assets again; no page changes
    TEMPLATE = "template"  # re-render every page
    METADATA = "metadata"  # stored metadata: re-render the pages whose record changed
    CONTENT = "content"  # another content file (notes, ...): re-render every page
    CONFIG = "config"  # reload digest.yaml, re-render every page


@dataclass(frozen=True)
class Change:
    path: str  # relative to the project root, forward slashes
    kind: Kind


def classify(path: str, *, is_dir: bool = False, config_name: str = CONFIG_NAME) -> Kind | None:
    """What a change to ``path`` (relative to the project root) rebuilds; None: nothing."""
    parts = PurePosixPath(path).parts
    if not parts or any(p.startswith((".", "#")) for p in parts):
        return None  # hidden files, .git, editor lock files (.#x, #x#)
    name = parts[-1]
    if name.endswith(_SCRATCH_SUFFIXES) or name in _SCRATCH_NAMES:
        return None
    if parts == (config_name,):
        return Kind.CONFIG
    if parts[0] == "templates":
        if len(parts) == 1:
            return Kind.TEMPLATE if is_dir else None
        return Kind.ASSET if parts[1] == "assets" else Kind.TEMPLATE
    if parts[0] != "content" or (len(parts) == 1 and not is_dir):
        return None
    if parts[1:2] == ("listings",):
        if is_dir or PurePosixPath(name).suffix.lower() in LISTING_SUFFIXES:
            return Kind.LISTING
        return None  # a file the reader skips
    if parts[1:2] == ("metadata",):  # read again on every build; records compare by value
        if is_dir or PurePosixPath(name).suffix.lower() in (".json", ".yaml"):
            return Kind.METADATA
        return None
    return Kind.CONTENT


def rerenders_everything(kinds: Iterable[Kind]) -> bool:
    """True when a batch of changes invalidates every rendered page."""
    return any(k in (Kind.TEMPLATE, Kind.CONTENT, Kind.CONFIG) for k in kinds)


def collect(changes: queue.Queue[Change], *, wait: float, quiet: float = 0.05,
            longest: float = 2.0) -> list[Change]:
    """Wait up to ``wait`` seconds for a change, then take more until ``quiet`` passes
    without one (an editor's save is a burst of events), but no longer than ``longest``.

    inotify delivers a save's events (write, close, rename) within milliseconds of each
    other; 50 ms of quiet (watchexec's default debounce too) keeps them in one batch
    without adding much to the preview's save-to-reload time.
    """
    try:
        batch = [changes.get(timeout=wait)]
    except queue.Empty:
        return []
    deadline = time.monotonic() + longest
    while (left := deadline - time.monotonic()) > 0:
        try:
            batch.append(changes.get(timeout=min(quiet, left)))
        except queue.Empty:
            break
    return batch


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _WRITES:
            return
        if event.is_directory and event.event_type in (EVENT_TYPE_MODIFIED, EVENT_TYPE_CLOSED):
            return  # a folder's mtime moves with every file written in it
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        for raw in paths:
            if raw:
                self.watcher.notice(Path(raw if isinstance(raw, str) else raw.decode()),
                                    event.is_directory, event.event_type)


# Only these folders are watched recursively (with the config file beside them): any
# other folder that appears in the project (node_modules/, site/, .venv/) is not.
WATCHED_FOLDERS = ("content", "templates")


class Watcher:
    """Reports every relevant change under ``content/``, ``templates/`` and the config file."""

    def __init__(self, root: Path, config_name: str, report: Callable[[Change], None]) -> None:
        self.root = root
        self.config_name = config_name
        self.report = report
        self.observer = Observer()
        self.handler = _Handler(self)
        self.watched: set[str] = set()

    def start(self) -> None:
        self.observer.schedule(self.handler, str(self.root), recursive=False)
        for name in WATCHED_FOLDERS:
            self._watch(name)
        self.observer.start()

    def stop(self) -> None:
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=5)

    def _watch(self, name: str) -> None:
        folder = self.root / name
        if name not in self.watched and folder.is_dir():
            self.observer.schedule(self.handler, str(folder), recursive=True)
            self.watched.add(name)

    def notice(self, path: Path, is_dir: bool, event_type: str) -> None:
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return
        if (is_dir and event_type in (EVENT_TYPE_CREATED, EVENT_TYPE_MOVED)
                and rel in WATCHED_FOLDERS):
            self._watch(rel)  # content/ or templates/ made after the server started
        kind = classify(rel, is_dir=is_dir, config_name=self.config_name)
        if kind is not None:
            self.report(Change(rel, kind))
