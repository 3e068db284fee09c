"""Packaging step: lunr.js and its licence go into the package, so a build needs no network.

setuptools runs ``build_py`` for a wheel and for an editable install alike; this one first
writes ``src/digest/_vendor/lunr/`` from the lunr release package-lock.json pins, taken
from ``node_modules`` or the npm registry and checked against the lock's integrity
(``src/digest/fetch/npm.py``), then packages it with the rest. The folder is git-ignored
but for its own .gitignore, which keeps it in a fresh clone so that setuptools finds it.
Everything else is in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def npm() -> ModuleType:
    """``digest.fetch.npm`` loaded by path: digest's dependencies are absent while building."""
    spec = importlib.util.spec_from_file_location("_digest_fetch_npm",
                                                  ROOT / "src" / "digest" / "fetch" / "npm.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


class BuildPyWithLunr(build_py):
    """``build_py`` that first puts the pinned lunr.js into ``digest/_vendor/lunr/``."""

    def run(self) -> None:
        module = npm()
        target = ROOT / "src" / "digest" / "_vendor" / module.PACKAGE
        try:
            source = module.install(ROOT, target)
        except module.NpmError as exc:
            raise SystemExit(f"error: lunr.js for the search page: {exc}") from exc
        print(f"lunr.js from {source} -> {target}", file=sys.stderr)
        self.__dict__.pop("data_files", None)  # glob package data again: the files may be new
        super().run()


setup(cmdclass={"build_py": BuildPyWithLunr})
