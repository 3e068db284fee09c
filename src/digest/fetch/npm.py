"""lunr.js for the package: the release package-lock.json pins, verified, never kept in git.

Runs when digest is packaged (``setup.py``'s build step, for wheels and editable installs)
or by hand in a checkout (``python src/digest/fetch/npm.py``), never during a build. It
takes ``node_modules/lunr`` when ``npm ci`` installed exactly the locked version and
integrity, else the npm tarball of that version, downloaded once into
``~/.cache/digest/npm`` and checked against the lock's sha512 ``integrity`` every time it
is used. The lock omits ``resolved`` (npm's ``omit-lockfile-registry-resolved``), so the
tarball URL is then the registry's standard one, as npm itself derives it.

Standard library only: setup.py loads this file by path inside the build environment,
where digest's own dependencies are not installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "lunr"
REGISTRY = "https://registry.npmjs.org"
LOCK = "package-lock.json"
FILES = ("lunr.min.js", "LICENSE")  # what the package carries, under digest/_vendor/lunr/
TIMEOUT = 30  # seconds for the one download


class NpmError(Exception):
    """lunr.js could not be delivered: no lock entry, no download, or a bad checksum."""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    url: str
    integrity: str  # "sha512-<base64>" as npm writes it


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "digest" / "npm"


def pin(lock: Path, name: str = PACKAGE, registry: str = REGISTRY) -> Pin:
    """The version, tarball URL and integrity the lock records for ``name``."""
    try:
        entry = json.loads(lock.read_text(encoding="utf-8"))["packages"][f"node_modules/{name}"]
        version, integrity = entry["version"], entry["integrity"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NpmError(f"{lock}: no pinned {name} (version and integrity): {exc}") from exc
    standard = f"{registry.rstrip('/')}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    url = entry.get("resolved") or standard
    return Pin(name, version, url, integrity)


def verify(data: bytes, integrity: str, what: str) -> None:
    """Raise unless ``data`` has one of the lock's sha512 digests."""
    wanted = [item[len("sha512-"):] for item in integrity.split() if item.startswith("sha512-")]
    if not wanted:
        raise NpmError(f"{what}: the lock has no sha512 integrity ({integrity!r})")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual not in wanted:
        raise NpmError(f"{what}: sha512 {actual} does not match the lock's {wanted[0]}")


def from_tarball(data: bytes, what: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for name in FILES:
            try:
                member = tar.extractfile(f"package/{name}")
            except KeyError:
                member = None
            if member is None:
                raise NpmError(f"{what}: no package/{name}")
            out[name] = member.read()
    return out


def from_node_modules(root: Path, wanted: Pin) -> dict[str, bytes] | None:
    """The files of an ``npm ci`` install of exactly the locked version and tarball, if present.

    npm records what it installed in ``node_modules/.package-lock.json``; an install whose
    integrity differs from the lock's (another tarball under the same version) is not used.
    """
    modules = root / "node_modules"
    package = modules / wanted.name
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        installed = json.loads((modules / ".package-lock.json").read_text(encoding="utf-8"))
        integrity = installed["packages"][f"node_modules/{wanted.name}"]["integrity"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if version != wanted.version or integrity != wanted.integrity:
        return None
    try:
        return {name: (package / name).read_bytes() for name in FILES}
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
        raise NpmError(f"cannot download {wanted.url} (run `npm ci` first to take lunr.js "
                       f"from node_modules): {exc}") from exc
    verify(data, wanted.integrity, wanted.url)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)
    return data


@dataclass(frozen=True)
class Delivered:
    files: dict[str, bytes]  # FILES name → bytes
    source: str  # where they came from, for the build log


def lunr_files(root: Path, cache_folder: Path | None = None,
               registry: str = REGISTRY) -> Delivered:
    """``lunr.min.js`` and ``LICENSE`` of the lunr that ``root/package-lock.json`` pins."""
    wanted = pin(root / LOCK, registry=registry)
    installed = from_node_modules(root, wanted)
    if installed is not None:
        return Delivered(installed, f"{root / 'node_modules' / wanted.name}")
    folder = cache_folder or cache_dir()
    data = tarball(wanted, folder)
    return Delivered(from_tarball(data, wanted.url), f"{wanted.url} (cached in {folder})")


def install(root: Path, target: Path, cache_folder: Path | None = None,
            registry: str = REGISTRY) -> str:
    """Write the pinned lunr files into ``target``; say where they came from."""
    delivered = lunr_files(root, cache_folder, registry)
    target.mkdir(parents=True, exist_ok=True)
    for name, data in delivered.files.items():
        path = target / name
        if not path.is_file() or path.read_bytes() != data:
            partial = path.with_name(f".{name}.{os.getpid()}.part")
            partial.write_bytes(data)
            partial.replace(path)
    return delivered.source


def main() -> int:
    """Put lunr.js into this checkout's package, as an install would (no arguments)."""
    root = Path(__file__).resolve().parents[3]
    target = Path(__file__).resolve().parents[1] / "_vendor" / PACKAGE
    try:
        source = install(root, target)
    except NpmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{target}: lunr.js and its LICENSE from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
