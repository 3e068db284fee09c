"""When each listing entered the digest: its file's first commit, read with one ``git log``.

Only when the project folder is itself a git repository (``<root>/.git`` exists), so a
project nested in another repository (a test fixture, an example) is not dated by the
outer history. No network; a missing ``git`` or a failing call means no dates.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from digest.model import Listing


def first_commits(root: Path) -> dict[str, str]:
    """Path relative to ``root`` → ISO date of the commit that added it (oldest wins)."""
    if not (root / ".git").exists():
        return {}
    try:
        run = subprocess.run(
            ["git", "-C", str(root), "log", "--diff-filter=A", "--format=%x00%cs",
             "--name-only", "--no-renames", "--relative"],
            capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {}
    added: dict[str, str] = {}
    day = ""
    for line in run.stdout.splitlines():
        if line.startswith("\0"):
            day = line[1:]
        elif line.strip() and day:
            added[line.strip()] = day  # newest first: the last seen is the first commit
    return added


def listing_added(root: Path, listings: Iterable[Listing]) -> dict[str, str]:
    """Listing id → the day it entered the digest: its ``date:``, else its first commit."""
    commits: dict[str, str] | None = None
    out: dict[str, str] = {}
    for listing in listings:
        if listing.date:
            out[listing.id] = listing.date
            continue
        if commits is None:
            commits = first_commits(root)
        if listing.path in commits:
            out[listing.id] = commits[listing.path]
    return out
