"""lunr.js for the search page: the release package-lock.json pins, never a copy in git.

Taken from ``node_modules/lunr`` next to the lock (``npm ci`` verified it), else from
the npm tarball of the pinned version, downloaded once into ``~/.cache/digest/npm``
and checked against the lock's ``integrity`` (sha512) every time it is used. The lock
omits ``resolved`` (npm's ``omit-lockfile-registry-resolved``), so the tarball URL is
then the registry's standard one, as npm itself derives it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import urllib.request
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

PACKAGE = "lunr"
REGISTRY = "https://registry.npmjs.org"
LOCK = "package-lock.json"
# Site path → file inside the npm package.
FILES = {"assets/lunr/lunr.min.js": "lunr.min.js", "assets/lunr/LICENSE": "LICENSE"}
TIMEOUT = 30  # seconds for the one download


class VendorError(Exception):
    """lunr.js could not be delivered: no lock entry, no download, or a bad checksum."""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    url: str
    integrity: str  # "sha512-<base64>" as npm writes it


def lock_path() -> Path:
    """The lock shipped in the package (a link to the repository's), else the repository's."""
    shipped = Path(str(resources.files("digest") / LOCK))
    return shipped if shipped.is_file() else Path(__file__).resolve().parents[2] / LOCK


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "digest" / "npm"


def pin(lock: Path, name: str = PACKAGE, registry: str = REGISTRY) -> Pin:
    """The version, tarball URL and integrity the lock records for ``name``."""
    try:
        entry = json.loads(lock.read_text(encoding="utf-8"))["packages"][f"node_modules/{name}"]
        version, integrity = entry["version"], entry["integrity"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VendorError(f"{lock}: no pinned {name} (version and integrity): {exc}") from exc
    url = entry.get("resolved") or f"{registry.rstrip('/')}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    return Pin(name, version, url, integrity)


def verify(data: bytes, integrity: str, what: str) -> None:
    """Raise unless ``data`` has one of the lock's sha512 digests."""
    wanted = [item[len("sha512-"):] for item in integrity.split() if item.startswith("sha512-")]
    if not wanted:
        raise VendorError(f"{what}: the lock has no sha512 integrity ({integrity!r})")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual not in wanted:
        raise VendorError(f"{what}: sha512 {actual} does not match the lock's {wanted[0]}")


def from_tarball(data: bytes, what: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for site_path, name in FILES.items():
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise VendorError(f"{what}: no package/{name}")
            out[site_path] = member.read()
    return out


def from_node_modules(folder: Path, wanted: Pin) -> dict[str, bytes] | None:
    """The files from an ``npm ci`` install of exactly the pinned version, if present."""
    package = folder / "node_modules" / wanted.name
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    if version != wanted.version:
        return None
    try:
        return {site_path: (package / name).read_bytes() for site_path, name in FILES.items()}
    except OSError:
        return None


def tarball(wanted: Pin, folder: Path) -> bytes:
    """The verified tarball: from the cache, else downloaded (atomically) into it."""
    path = folder / f"{wanted.name.replace('/', '-')}-{wanted.version}.tgz"
    if path.is_file():
        cached = path.read_bytes()
        verify(cached, wanted.integrity, f"{path} (delete it to download again)")
        return cached
    try:
        with urllib.request.urlopen(wanted.url, timeout=TIMEOUT) as response:
            data: bytes = response.read()
    except OSError as exc:
        raise VendorError(f"cannot download {wanted.url} (run `npm ci` instead): {exc}") from exc
    verify(data, wanted.integrity, wanted.url)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)
    return data


def lunr_assets(lock: Path | None = None, cache_folder: Path | None = None,
                registry: str = REGISTRY) -> dict[str, bytes]:
    """``assets/lunr/lunr.min.js`` and ``assets/lunr/LICENSE`` of the pinned lunr."""
    if lock is None and cache_folder is None and registry == REGISTRY:
        return dict(_default_assets())
    lock = lock or lock_path()
    wanted = pin(lock, registry=registry)
    installed = from_node_modules(lock.resolve().parent, wanted)
    if installed is not None:
        return installed
    return from_tarball(tarball(wanted, cache_folder or cache_dir()), wanted.url)


@cache
def _default_assets() -> dict[str, bytes]:
    """Read once per process: ``digest serve`` rebuilds often."""
    return lunr_assets(lock_path(), cache_dir())
