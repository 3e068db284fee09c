"""Build a project into a folder for tests (importable helper, no tests here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from digest import config as config_mod
from digest.build import BuildResult, build, load_corpus, site_data
from digest.errors import Problems
from digest.model import Paper
from digest.site.data import SiteData

REPO = Path(__file__).resolve().parents[1]
GOLDEN_SITE = REPO / "tests" / "fixtures" / "golden_site"
GOLDEN_EXPECTED = REPO / "tests" / "golden" / "tiny"
FIXED_DAY = date(2025, 12, 31)


def build_project(project: Path, output: Path, base_url: str | None = None,
                  day: date = FIXED_DAY) -> BuildResult:
    """Build ``project`` into ``output``; fail loudly on any input error."""
    problems = Problems()
    cfg = config_mod.load(project, problems)
    cfg = replace(cfg, output=str(output))
    if base_url:
        cfg = cfg.with_base_url(base_url)
    result = build(cfg, day, problems)
    assert result is not None and not problems.errors, [str(p) for p in problems.items]
    return result


# Assets are copied verbatim (the theme's own, and lunr.js packaged with digest, which is
# never kept in this repository); the golden site compares what the build generates.
VENDORED = ("assets/",)


def shipped_site_data(day: date = FIXED_DAY) -> SiteData:
    """The repository's own content as the render steps see it (nothing written)."""
    problems = Problems()
    cfg = config_mod.load(REPO, problems)
    corpus = load_corpus(cfg, day, problems)
    assert not problems.errors, [str(p) for p in problems.items]
    return site_data(cfg, corpus, day)


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
             if p.is_file()}
    return {name: path.read_bytes() for name, path in files.items()
            if not name.startswith(skip)}


def documents(site: SiteData) -> list[Paper]:
    """The papers in the search index's document order: undated first, then oldest
    first, ids ascending within a day (so a day's new papers append)."""
    return sorted(site.papers, key=lambda p: (p.effective_date is not None,
                                              p.effective_date or "", p.id))
