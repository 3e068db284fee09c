"""The sitemap index and its shards: at most 50,000 URLs a sitemap (the protocol's limit)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from digest.config import Config
from digest.output.sitefiles import extras

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.github.io/papers/"


def config() -> Config:
    return Config(root=Path("/nonexistent"), base_url=BASE)


def locs(xml: bytes) -> list[str]:
    return [e.text or "" for e in ET.fromstring(xml).iter(f"{NS}loc")]


def test_120001_pages_make_an_index_of_three_sitemaps_in_path_order() -> None:
    pages = [f"papers/p{n:06d}/" for n in range(120_000)] + ["", "404.html", "search/"]
    lastmod = {"papers/p000007/": "2024-05-01", "papers/p049999/": "2025-01-31",
               "papers/p050000/": "2023-02-02", "papers/p119999/": "2022-12-12"}
    out = extras(config(), list(reversed(pages)), lastmod)
    index = ET.fromstring(out["sitemap.xml"])
    assert index.tag == f"{NS}sitemapindex"
    entries = [(s.findtext(f"{NS}loc"), s.findtext(f"{NS}lastmod")) for s in index]
    # the home page ("") sorts first, so the first sitemap ends at p049998
    assert entries == [(f"{BASE}sitemap-1.xml", "2024-05-01"),
                       (f"{BASE}sitemap-2.xml", "2025-01-31"),
                       (f"{BASE}sitemap-3.xml", "2022-12-12")]
    first, second, third = (locs(out[f"sitemap-{n}.xml"]) for n in (1, 2, 3))
    assert len(first) == 50_000 and len(second) == 50_000 and len(third) == 20_001
    # no 404 or search page
    assert first[:2] == [BASE, f"{BASE}papers/p000000/"]
    assert first[-1] == f"{BASE}papers/p049998/"
    assert second[0] == f"{BASE}papers/p049999/" and third[-1] == f"{BASE}papers/p119999/"
    assert "sitemap-4.xml" not in out
    assert b"<lastmod>2024-05-01</lastmod>" in out["sitemap-1.xml"]
    assert f"Sitemap: {BASE}sitemap.xml" in out["robots.txt"].decode()


def test_no_page_still_makes_an_index_of_one_empty_sitemap() -> None:
    out = extras(config(), [], {})
    assert locs(out["sitemap.xml"]) == [f"{BASE}sitemap-1.xml"]
    assert locs(out["sitemap-1.xml"]) == []
    assert re.search(rb"<urlset xmlns=\"[^\"]+\" />", out["sitemap-1.xml"])
