"""fetch.npm: lunr.js from node_modules, else the npm tarball the lock pins, verified, cached.

What the packaging step (setup.py) runs. Downloads go to a server on 127.0.0.1 standing in
for the npm registry.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from digest.fetch import npm

REPO = Path(__file__).resolve().parents[1]

JS = b"/** lunr - 2.3.9 (test build) */ var lunr = {};\n"
LICENSE = b"Copyright (C) 2013 by Oliver Nightingale\n"


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


TARBALL = tarball({"lunr.min.js": JS, "LICENSE": LICENSE, "package.json": b"{}"})


def write_lock(folder: Path, sri: str, resolved: str | None = None) -> Path:
    entry = {"version": "2.3.9", "integrity": sri, "license": "MIT"}
    if resolved:
        entry["resolved"] = resolved
    lock = folder / "package-lock.json"
    lock.write_text(json.dumps({"lockfileVersion": 3, "packages": {
        "": {"dependencies": {"lunr": "2.3.9"}}, "node_modules/lunr": entry}}))
    return lock


@pytest.fixture()
def registry() -> Iterator[tuple[str, list[str]]]:
    """A registry serving TARBALL at npm's standard path; yields (URL, paths requested)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            if self.path.endswith("/lunr/-/lunr-2.3.9.tgz"):
                self.send_response(200)
                self.send_header("Content-Length", str(len(TARBALL)))
                self.end_headers()
                self.wfile.write(TARBALL)
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/registry", requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_lock_pins_lunr_2_3_9_from_the_npm_registry() -> None:
    pin = npm.pin(REPO / "package-lock.json")
    assert pin.version == "2.3.9"
    assert pin.url == "https://registry.npmjs.org/lunr/-/lunr-2.3.9.tgz"
    assert pin.integrity.startswith("sha512-")


def write_node_modules(root: Path, version: str, sri: str, js: bytes = JS) -> None:
    """What ``npm ci`` leaves: the package and npm's record of what it installed."""
    package = root / "node_modules" / "lunr"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "lunr", "version": version}))
    (package / "lunr.min.js").write_bytes(js)
    (package / "LICENSE").write_bytes(LICENSE)
    (root / "node_modules" / ".package-lock.json").write_text(json.dumps({
        "lockfileVersion": 3,
        "packages": {"node_modules/lunr": {"version": version, "integrity": sri}}}))


def test_node_modules_of_the_pinned_version_and_integrity_is_used(tmp_path: Path) -> None:
    write_node_modules(tmp_path, "2.3.9", integrity(TARBALL))
    write_lock(tmp_path, integrity(TARBALL))
    delivered = npm.lunr_files(tmp_path, tmp_path / "cache", registry="http://127.0.0.1:9/")
    assert delivered.files == {"lunr.min.js": JS, "LICENSE": LICENSE}
    assert delivered.source == str(tmp_path / "node_modules" / "lunr")


def test_tarball_is_downloaded_once_verified_and_cached(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, requests = registry
    write_lock(tmp_path, integrity(TARBALL))
    cache = tmp_path / "cache"
    expected = {"lunr.min.js": JS, "LICENSE": LICENSE}
    assert npm.lunr_files(tmp_path, cache, registry=url).files == expected
    assert requests == ["/registry/lunr/-/lunr-2.3.9.tgz"]
    assert (cache / "lunr-2.3.9.tgz").read_bytes() == TARBALL
    assert npm.lunr_files(tmp_path, cache, registry=url).files == expected
    assert len(requests) == 1  # the second build reads the cache


def test_a_wrong_version_in_node_modules_is_not_used(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    write_node_modules(tmp_path, "2.3.8", integrity(b"2.3.8's tarball"), js=b"old")
    url, requests = registry
    write_lock(tmp_path, integrity(TARBALL))
    assert npm.lunr_files(tmp_path, tmp_path / "cache", registry=url).files["lunr.min.js"] == JS
    assert len(requests) == 1


def test_node_modules_installed_from_another_tarball_is_not_used(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    write_node_modules(tmp_path, "2.3.9", integrity(b"a republished tarball"), js=b"other")
    url, requests = registry
    write_lock(tmp_path, integrity(TARBALL))
    assert npm.lunr_files(tmp_path, tmp_path / "cache", registry=url).files["lunr.min.js"] == JS
    assert len(requests) == 1


def test_resolved_url_in_the_lock_wins(tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, requests = registry
    write_lock(tmp_path, integrity(TARBALL), resolved=f"{url}/mirror/lunr/-/lunr-2.3.9.tgz")
    npm.lunr_files(tmp_path, tmp_path / "cache", registry="http://127.0.0.1:9/")
    assert requests == ["/registry/mirror/lunr/-/lunr-2.3.9.tgz"]


def test_integrity_mismatch_is_an_error_and_nothing_is_cached(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, _ = registry
    write_lock(tmp_path, integrity(b"another tarball"))
    with pytest.raises(npm.NpmError, match="does not match the lock"):
        npm.lunr_files(tmp_path, tmp_path / "cache", registry=url)
    assert not (tmp_path / "cache" / "lunr-2.3.9.tgz").exists()


def test_a_tampered_cache_is_an_error(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "lunr-2.3.9.tgz").write_bytes(tarball({"lunr.min.js": b"evil", "LICENSE": b""}))
    write_lock(tmp_path, integrity(TARBALL))
    with pytest.raises(npm.NpmError, match="delete it to download again"):
        npm.lunr_files(tmp_path, cache, registry="http://127.0.0.1:9/")


def test_a_tarball_without_the_licence_is_an_error(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, _ = registry
    cache = tmp_path / "cache"
    cache.mkdir()
    partial = tarball({"lunr.min.js": JS})
    (cache / "lunr-2.3.9.tgz").write_bytes(partial)
    write_lock(tmp_path, integrity(partial))
    with pytest.raises(npm.NpmError, match="no package/LICENSE"):
        npm.lunr_files(tmp_path, cache, registry=url)


def test_no_registry_is_a_clear_error(tmp_path: Path) -> None:
    write_lock(tmp_path, integrity(TARBALL))
    with pytest.raises(npm.NpmError, match=r"cannot download .* \(run `npm ci` first"):
        npm.lunr_files(tmp_path, tmp_path / "cache", registry="http://127.0.0.1:9")


def test_a_lock_without_lunr_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "package-lock.json").write_text('{"packages": {}}')
    with pytest.raises(npm.NpmError, match="no pinned lunr"):
        npm.lunr_files(tmp_path, tmp_path / "cache")


def test_install_writes_the_files_and_says_where_they_came_from(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, _ = registry
    write_lock(tmp_path, integrity(TARBALL))
    target = tmp_path / "pkg" / "_vendor" / "lunr"
    source = npm.install(tmp_path, target, tmp_path / "cache", registry=url)
    assert source.startswith(f"{url}/lunr/-/lunr-2.3.9.tgz")
    assert sorted(p.name for p in target.iterdir()) == ["LICENSE", "lunr.min.js"]
    assert (target / "lunr.min.js").read_bytes() == JS
    assert (target / "LICENSE").read_bytes() == LICENSE
