"""Regenerate the golden site on purpose: ``python tests/regen_golden.py``; review the diff."""

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitebuild import GOLDEN_EXPECTED, GOLDEN_SITE, VENDORED, build_project

if __name__ == "__main__":
    if GOLDEN_EXPECTED.exists():
        shutil.rmtree(GOLDEN_EXPECTED)
    build_project(GOLDEN_SITE, GOLDEN_EXPECTED)
    for vendored in VENDORED:  # lunr.js is packaged with digest, never kept in git
        shutil.rmtree(GOLDEN_EXPECTED / vendored, ignore_errors=True)
    print(f"wrote {sum(1 for p in GOLDEN_EXPECTED.rglob('*') if p.is_file())} files to "
          f"{GOLDEN_EXPECTED}")
