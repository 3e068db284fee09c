"""CI's Lighthouse gate: build the shipped content under a sub-path, score home, a paper
(with its related papers), a topic page and the topics index (with their charts).

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
        topic = min(p.parent.name for p in (site / "topics").glob("*/index.html"))
        return subprocess.run([sys.executable, str(ROOT / "checks" / "lighthouse.py"), str(site),
                               "", f"papers/{paper['id']}/", f"topics/{topic}/", "topics/",
                               "--subpath", "/papers/"],
                              check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
