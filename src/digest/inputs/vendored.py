"""lunr.js for the search page: the copy packaged with digest, read, never fetched.

digest's packaging step (``setup.py``, running ``digest.fetch.npm``) puts the lunr release
that package-lock.json pins, with its licence, into ``digest/_vendor/lunr/`` of wheels and
editable installs alike, so a build never opens a network connection.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from digest import DISTRIBUTION

# Site path → file packaged under digest/_vendor/lunr/.
FILES = {"assets/lunr/lunr.min.js": "lunr.min.js", "assets/lunr/LICENSE": "LICENSE"}
REINSTALL = (f"reinstall digest (`pip install --force-reinstall {DISTRIBUTION}`; in a "
             "checkout, `pip install -e .` or `python src/digest/fetch/npm.py`)")


class VendorError(Exception):
    """The packaged lunr.js is missing: digest was not installed through its build step."""


def packaged_folder() -> Path:
    return Path(str(resources.files("digest"))) / "_vendor" / "lunr"


def lunr_assets(folder: Path | None = None) -> dict[str, bytes]:
    """``assets/lunr/lunr.min.js`` and ``assets/lunr/LICENSE`` from the installed package."""
    folder = packaged_folder() if folder is None else folder
    assets: dict[str, bytes] = {}
    for site_path, name in FILES.items():
        path = folder / name
        try:
            assets[site_path] = path.read_bytes()
        except OSError as exc:
            raise VendorError(f"{path}: digest's packaged lunr.js is missing ({exc.strerror}); "
                              f"{REINSTALL}") from exc
    return assets
