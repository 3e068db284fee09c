"""vendor: the search page's lunr.js is the copy packaged with digest; a build never fetches.

The packaging step (setup.py, tested in test_packaging.py) put it into the package from
``node_modules``; here the build only reads it, with every socket refusing to connect.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sitebuild import REPO, build_project

from digest.inputs import vendored as vendor

NODE_LUNR = REPO / "node_modules" / "lunr"  # what `npm ci` installed and verified


class NetworkUsed(AssertionError):
    pass


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: socket.socket, *args: object) -> None:
        raise NetworkUsed(f"a build opened a connection to {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def test_the_packaged_copy_is_the_pinned_release() -> None:
    assets = vendor.lunr_assets()
    assert assets == {"assets/lunr/lunr.min.js": (NODE_LUNR / "lunr.min.js").read_bytes(),
                      "assets/lunr/LICENSE": (NODE_LUNR / "LICENSE").read_bytes()}
    assert assets["assets/lunr/lunr.min.js"].startswith(b"/**\n * lunr - http://lunrjs.com")
    assert b"2.3.9" in assets["assets/lunr/lunr.min.js"][:200]


def test_the_shipped_content_builds_with_sockets_blocked(
        no_network: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))  # no download cache either
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(NetworkUsed):  # the guard holds
        socket.create_connection(("127.0.0.1", 9))
    build_project(REPO, tmp_path / "site")
    site = tmp_path / "site"
    assert (site / "assets/lunr/lunr.min.js").read_bytes() == (
        NODE_LUNR / "lunr.min.js").read_bytes()
    assert (site / "assets/lunr/LICENSE").read_bytes() == (NODE_LUNR / "LICENSE").read_bytes()
    assert (site / "search/index.json").is_file()
    assert (site / "search/index.html").is_file()


def test_a_missing_packaged_copy_says_how_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(vendor.VendorError) as raised:
        vendor.lunr_assets(tmp_path / "_vendor" / "lunr")
    message = str(raised.value)
    assert f"{tmp_path / '_vendor' / 'lunr' / 'lunr.min.js'}: digest's packaged lunr.js is " \
           "missing" in message
    assert "pip install --force-reinstall digest-ssg" in message
    assert "pip install -e ." in message
