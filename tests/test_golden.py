"""A tiny sample site (two topics, two editions, a Unicode title) compared file by file.

Regenerate only on purpose with ``python tests/regen_golden.py`` and review the diff.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from sitebuild import GOLDEN_EXPECTED, GOLDEN_SITE, REPO, VENDORED, build_project, tree


def test_golden_site_matches_file_by_file(tmp_path: Path) -> None:
    build_project(GOLDEN_SITE, tmp_path / "site")
    built, expected = tree(tmp_path / "site", VENDORED), tree(GOLDEN_EXPECTED)
    assert (tmp_path / "site" / "assets/lunr/LICENSE").is_file()  # shipped, not kept here
    theme = REPO / "templates" / "assets"
    for asset in theme.rglob("*"):
        if asset.is_file():
            rel = asset.relative_to(theme).as_posix()
            assert (tmp_path / "site" / "assets" / rel).read_bytes() == asset.read_bytes(), rel
    assert sorted(built) == sorted(expected), "set of files differs from the golden site"
    for name in sorted(expected):
        if built[name] != expected[name]:
            diff = difflib.unified_diff(expected[name].decode().splitlines(),
                                        built[name].decode().splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=1)
            raise AssertionError("\n".join(list(diff)[:40]))


def test_golden_site_has_the_expected_shape() -> None:
    files = tree(GOLDEN_EXPECTED)
    papers = sorted(n for n in files if n.startswith("papers/"))
    assert papers == [
        "papers/a-study-of-nothing-in-particular/index.html",
        "papers/denoising-diffusion-for-frechet-optimal-images/index.html",
        "papers/scaling-language-models-without-tears/index.html",
        "papers/uber-efficient-sampling-for-score-based-diffusion/index.html",
    ]
    unicode_page = files["papers/denoising-diffusion-for-frechet-optimal-images/index.html"]
    assert "Denoising Diffusion for Fréchet-Optimal Images" in unicode_page.decode()
    assert "17.5×" in unicode_page.decode()
    for topic in ("diffusion", "language-models", "other"):
        assert f"topics/{topic}/index.html" in files
    assert "topics/diffusion/page/2/index.html" in files  # per_page: 1
    assert {"editions/2025-12-08-daily/index.html", "editions/2025-12-15-daily/index.html"} \
        <= set(files)


def test_golden_page_with_a_note() -> None:
    html = tree(GOLDEN_EXPECTED)[
        "papers/denoising-diffusion-for-frechet-optimal-images/index.html"].decode()
    assert '<section class="note" aria-labelledby="note-heading">' in html
    assert 'aria-label="Rated 4 out of 5">★★★★☆</span>' in html
    assert '<a href="../../papers/uber-efficient-sampling-for-score-based-diffusion/"' in html
    assert "<math" in html and "<table>" in html
    home = tree(GOLDEN_EXPECTED)["index.html"].decode()
    assert 'id="featured-heading"' in home and '<a href="about/">About</a>' in home
