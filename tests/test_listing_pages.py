"""An edition or a month of more than ``listing_per_page`` papers is paged as a topic is
(a records listing of 8,000 papers was one 6.5 MB page)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from digest import config as config_mod
from digest.build import build
from digest.errors import Problems


def built(root: Path, per_page: int) -> dict[str, str]:
    listings = root / "content" / "listings"
    listings.mkdir(parents=True)
    records = [{"title": f"Paper number {n}", "authors": [f"Author {n}"],
                "date": f"2025-05-{n:02d}", "abstract": f"About paper {n}."}
               for n in range(1, 6)]
    (listings / "2025-06-01-big.json").write_text(json.dumps(records), "utf-8")
    (root / "digest.yaml").write_text(
        f"title: Big\nbase_url: https://example.github.io/big/\nlisting_per_page: {per_page}\n",
        "utf-8")
    problems = Problems()
    result = build(config_mod.load(root, problems), date(2025, 12, 31), problems, write=False)
    assert result is not None and not problems.errors, [str(p) for p in problems.items]
    return {k: v.decode() for k, v in result.outputs.items() if k.endswith(".html")}


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a>', html)


def test_five_papers_two_a_page_make_three_edition_and_three_month_pages(
        tmp_path: Path) -> None:
    out = built(tmp_path, 2)
    edition = "editions/2025-06-01-big/"
    month = "archive/2025/05/"
    assert sorted(p for p in out if p.startswith((edition, month))) == [
        f"{month}index.html", f"{month}page/2/index.html", f"{month}page/3/index.html",
        f"{edition}index.html", f"{edition}page/2/index.html", f"{edition}page/3/index.html"]
    # the edition in the listing's order, the month newest first
    assert titles(out[f"{edition}index.html"]) == ["Paper number 1", "Paper number 2"]
    assert titles(out[f"{edition}page/3/index.html"]) == ["Paper number 5"]
    assert titles(out[f"{month}index.html"]) == ["Paper number 5", "Paper number 4"]
    assert titles(out[f"{month}page/3/index.html"]) == ["Paper number 1"]
    first, middle = out[f"{edition}index.html"], out[f"{edition}page/2/index.html"]
    assert "5 papers" in first and "5 papers" in middle  # the whole edition's count
    up = "../../../../"  # page 2's way back to the root
    assert f'<a rel="next" href="../../{edition}page/2/">Older →</a>' in first
    assert 'rel="prev"' not in first
    assert f'<a rel="prev" href="{up}{edition}">← Newer</a>' in middle
    assert f'<a rel="next" href="{up}{edition}page/3/">Older →</a>' in middle
    assert '<span aria-current="page">2</span>' in middle
    assert "<h1>Big edition" not in middle and 'page 2 of 3</span></h1>' in middle
    assert "<title>" in middle and "(page 2)" in re.search(r"<title>(.*)</title>", middle)[1]


def test_a_listing_that_fits_has_one_page_and_no_pager(tmp_path: Path) -> None:
    out = built(tmp_path, 5)
    assert [p for p in out if "/page/" in p] == []
    assert 'class="pager"' not in out["editions/2025-06-01-big/index.html"]
