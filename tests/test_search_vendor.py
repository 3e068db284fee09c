"""vendor: lunr.js from node_modules, else the npm tarball the lock pins, verified and cached.

Downloads go to a server on 127.0.0.1 standing in for the npm registry.
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

from digest import vendor

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
    pin = vendor.pin(vendor.lock_path())
    assert pin.version == "2.3.9"
    assert pin.url == "https://registry.npmjs.org/lunr/-/lunr-2.3.9.tgz"
    assert pin.integrity.startswith("sha512-")


def test_node_modules_of_the_pinned_version_is_used(tmp_path: Path) -> None:
    package = tmp_path / "node_modules" / "lunr"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "lunr", "version": "2.3.9"}')
    (package / "lunr.min.js").write_bytes(JS)
    (package / "LICENSE").write_bytes(LICENSE)
    lock = write_lock(tmp_path, integrity(b"not needed: npm ci checked the install"))
    assert vendor.lunr_assets(lock, tmp_path / "cache", registry="http://127.0.0.1:9/") == {
        "assets/lunr/lunr.min.js": JS, "assets/lunr/LICENSE": LICENSE}


def test_tarball_is_downloaded_once_verified_and_cached(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, requests = registry
    lock = write_lock(tmp_path, integrity(TARBALL))
    cache = tmp_path / "cache"
    expected = {"assets/lunr/lunr.min.js": JS, "assets/lunr/LICENSE": LICENSE}
    assert vendor.lunr_assets(lock, cache, registry=url) == expected
    assert requests == ["/registry/lunr/-/lunr-2.3.9.tgz"]
    assert (cache / "lunr-2.3.9.tgz").read_bytes() == TARBALL
    assert vendor.lunr_assets(lock, cache, registry=url) == expected
    assert len(requests) == 1  # the second build reads the cache


def test_a_wrong_version_in_node_modules_is_not_used(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    package = tmp_path / "node_modules" / "lunr"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "lunr", "version": "2.3.8"}')
    (package / "lunr.min.js").write_bytes(b"old")
    (package / "LICENSE").write_bytes(b"old")
    url, requests = registry
    lock = write_lock(tmp_path, integrity(TARBALL))
    assert vendor.lunr_assets(lock, tmp_path / "cache", registry=url)[
        "assets/lunr/lunr.min.js"] == JS
    assert len(requests) == 1


def test_resolved_url_in_the_lock_wins(tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, requests = registry
    lock = write_lock(tmp_path, integrity(TARBALL), resolved=f"{url}/mirror/lunr/-/lunr-2.3.9.tgz")
    vendor.lunr_assets(lock, tmp_path / "cache", registry="http://127.0.0.1:9/")
    assert requests == ["/registry/mirror/lunr/-/lunr-2.3.9.tgz"]


def test_integrity_mismatch_is_an_error_and_nothing_is_cached(
        tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, _ = registry
    lock = write_lock(tmp_path, integrity(b"another tarball"))
    with pytest.raises(vendor.VendorError, match="does not match the lock"):
        vendor.lunr_assets(lock, tmp_path / "cache", registry=url)
    assert not (tmp_path / "cache" / "lunr-2.3.9.tgz").exists()


def test_a_tampered_cache_is_an_error(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "lunr-2.3.9.tgz").write_bytes(tarball({"lunr.min.js": b"evil", "LICENSE": b""}))
    lock = write_lock(tmp_path, integrity(TARBALL))
    with pytest.raises(vendor.VendorError, match="delete it to download again"):
        vendor.lunr_assets(lock, cache, registry="http://127.0.0.1:9/")


def test_no_registry_is_a_clear_error(tmp_path: Path) -> None:
    lock = write_lock(tmp_path, integrity(TARBALL))
    with pytest.raises(vendor.VendorError, match=r"cannot download .* \(run `npm ci` instead\)"):
        vendor.lunr_assets(lock, tmp_path / "cache", registry="http://127.0.0.1:9")


def test_a_lock_without_lunr_is_an_error(tmp_path: Path) -> None:
    lock = tmp_path / "package-lock.json"
    lock.write_text('{"packages": {}}')
    with pytest.raises(vendor.VendorError, match="no pinned lunr"):
        vendor.lunr_assets(lock, tmp_path / "cache")
