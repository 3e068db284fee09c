"""The build cache on disk, so a command-line rebuild does real work only for changes.

``digest build`` keeps the same ``build.BuildCache`` the preview keeps in memory (parsed
listings, merged papers, topics, related lists, feeds, the plan's step inputs and the
files each step wrote) in one file, ``.digest-cache/build.pickle`` beside
``digest.yaml``. It is git-ignored and safe to delete: a missing, unreadable or foreign
cache (another digest version or code, another Python) is ignored and the build runs
in full. It is written only after a build succeeded, to a temporary file then renamed,
so an interrupted build never leaves half a cache. Pages are not kept in it (the site
on disk is their copy): a step whose inputs are unchanged keeps its files when they
are still exactly as the last build wrote them.

The file is a pickle: load only a cache this project's own builds wrote (the Pages
workflow restores it from ``actions/cache`` of the same repository).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from digest import __version__

CACHE_DIR = ".digest-cache"
CACHE_FILE = "build.pickle"
SEARCH_FILE = "search.pickle"  # the search index's memo, read and written by its own chunk
_SUFFIXES = (".py", ".html", ".xml", ".css", ".js", ".yaml", ".svg", ".json", ".txt")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What makes a cache foreign: digest's version, its code and default theme (an
    edited checkout changes it as a release does), the Python that pickled it."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(f"{__version__}\0{sys.version}".encode(), digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_path(root: Path, name: str = CACHE_FILE) -> Path:
    return root / CACHE_DIR / name


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector paused: (un)pickling a cache, or making the copy of it to
    keep, makes many objects and no garbage, and collections that walk them all made
    loading 100k papers' cache twice as slow, saving it half again as slow, and its
    copy (``BuildCache.for_disk``) take 2.2 s instead of 0.1 s."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(root: Path, name: str = CACHE_FILE) -> tuple[object | None, str | None]:
    """The cached object, or None and why not (None, None: there is no cache yet)."""
    path = cache_path(root, name)
    mark = fingerprint().encode() + b"\n"
    try:
        # Read as a stream: the file's bytes are never held whole beside what they make
        # (a tenth of a 10k-paper build's peak memory).
        with path.open("rb", buffering=1 << 22) as data:  # large reads: as quick as loads
            if data.read(len(mark)) != mark:
                return None, None  # another digest or Python made it: silently rebuilt
            try:
                with collector_paused():
                    return pickle.load(data), None
            except OSError:
                raise
            except Exception as exc:  # noqa: BLE001 (a damaged cache is rebuilt, never trusted)
                return None, (f"the build cache is damaged ({type(exc).__name__}); "
                              "building in full")
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"the build cache cannot be read ({exc.strerror}); building in full"


def save(root: Path, value: object, name: str = CACHE_FILE) -> None:
    """Write the cache atomically (a temporary file renamed over the old one)."""
    temp = stage(root, value)
    try:
        os.replace(temp, cache_path(root, name))
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def stage(root: Path, value: object) -> str:
    """Write ``value`` to a temporary file of the cache folder; return its path (the
    caller renames it into place, or removes it)."""
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # the folder ignores itself, whatever the project's .gitignore
        ignore.write_text("*\n", encoding="utf-8")
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".build-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, collector_paused():
            out.write(fingerprint().encode() + b"\n")
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp

