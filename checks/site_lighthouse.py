"""CI's Lighthouse gate: build the shipped content under a sub-path, score home and a paper.

Accessibility, best practices and SEO must be 1.0, performance at least 0.95.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "-m", "digest", "build", "--quiet", "--base-url",
                        "https://example.github.io/papers/", "--output", str(site)],
                       cwd=ROOT, check=True)
        records = json.loads(subprocess.run(
            [sys.executable, "-m", "digest", "export", "--format", "json"], cwd=ROOT,
            check=True, capture_output=True, text=True).stdout)
        paper = next(r for r in records if r["authors"] and r["links"])
        return subprocess.run([sys.executable, str(ROOT / "checks" / "lighthouse.py"), str(site),
                               "", f"papers/{paper['id']}/", "--subpath", "/papers/"],
                              check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
