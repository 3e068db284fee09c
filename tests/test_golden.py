"""A tiny sample site (two topics, two editions, a Unicode title) compared file by file.

Regenerate only on purpose with ``python tests/regen_golden.py`` and review the diff.
"""

from __future__ import annotations

import difflib
import re
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
        "papers/one-step-diffusion-by-consistency-distillation/index.html",
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


def _rects(svg: str) -> list[tuple[int, float]]:
    """Each bar of a chart as (month index, height), from its x and height."""
    return [(int(x) // 10, float(h)) for x, h in
            re.findall(r'<rect x="(\d+)" y="[\d.]+" width="8" height="([\d.]+)"/>', svg)]


def test_golden_topic_chart_states_and_draws_the_exact_counts() -> None:
    """Diffusion has papers dated 2024-06-20, 2025-12-03 and 2025-12-08: one in June
    2024, two in December 2025, on a calendar from June 2024 (the oldest dated paper)
    to December 2025 (the newest), 19 months; its own scale is 2 papers."""
    html = tree(GOLDEN_EXPECTED)["topics/diffusion/index.html"].decode()
    start = html.index('<svg class="trend-chart"')
    svg = html[start:html.index("</svg>", start) + 6]
    assert 'role="img" viewBox="0 0 190 100"' in svg
    assert ("<title>Diffusion, papers per month from June 2024 to December 2025: 3 dated "
            "papers, most in December 2025 (2); 2 in the last three months.</title>") in svg
    assert _rects(svg) == [(0, 50.0), (18, 100.0)]
    assert svg.count('class="tick"') == 1  # January 2025, seven months in
    assert '<line class="tick" x1="70" ' in svg
    table = html[html.index("<table>"):html.index("</table>")]
    assert re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table) == [
        ("December 2025", "2"), ("June 2024", "1")]
    assert "diffusion/page/2" in html and '<svg class="trend-chart"' not in \
        tree(GOLDEN_EXPECTED)["topics/diffusion/page/2/index.html"].decode()


def test_golden_topics_index_draws_every_topic_on_one_scale() -> None:
    """The tallest month of any topic is Diffusion's December 2025 (2 papers): every
    small chart is drawn on that scale, so Language models' one paper (December 2025)
    is half as tall."""
    html = tree(GOLDEN_EXPECTED)["topics/index.html"].decode()
    charts = re.findall(r'<svg class="trend-chart small".*?</svg>', html)
    assert [_rects(svg) for svg in charts] == [
        [(0, 50.0), (18, 100.0)],  # Diffusion
        [(18, 50.0)],  # Language models: Dec 1, 2025
        [(18, 50.0)],  # Other: Dec 15, 2025
    ]
    assert "the tallest bar is 2 papers" in html
    home = tree(GOLDEN_EXPECTED)["index.html"].decode()
    growing = home[home.index('id="growing-heading"'):]
    growing = growing[:growing.index("</section>")]
    assert re.findall(r'<a href="topics/([^/]+)/">', growing) == [
        "diffusion", "language-models", "other"]
    assert "2 papers in Oct–Dec 2025, up from 0 in the three months before" in growing
