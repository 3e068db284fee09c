"""Search index benchmark: build time, size, and time to first results in Chromium.

For the shipped content and synthetic corpora (benchmarks/corpus.py) it reports the
time to build the search outputs (index + documents), the raw and gzip sizes of
``search/index.json`` and ``search/docs.json``, and, in headless Chromium on
127.0.0.1 with a cold cache, the time from navigation start to the index being ready
and to the first results of ``search/?q=diffusion`` (median of the runs), plus the
time a query takes once loaded.

    python benchmarks/search_bench.py                    # shipped, 1,000 and 10,000 papers
    python benchmarks/search_bench.py --papers 2000 --runs 5 --lunr-json
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from browser import launch_chromium, serve_directory
from corpus import write_project
from playwright.sync_api import sync_playwright

from digest import config as config_mod
from digest import pages, render, search, searchindex, sitefiles
from digest.build import site_data
from digest.errors import Problems
from digest.ingest import load_corpus
from digest.site import SiteData

DAY = date(2026, 3, 31)
QUERY = "diffusion"
TYPED = ["d", "di", "dif", "diff", "diffu", "diffus", "diffusion", "diffusion mod",
         "pre training", "Peebles", "difusion"]


def load_site(project: Path) -> SiteData:
    problems = Problems()
    cfg = config_mod.load(project, problems)
    cfg = cfg.with_base_url("http://127.0.0.1:8000/papers/")
    corpus = load_corpus(cfg, DAY, problems)
    if problems.errors:
        raise SystemExit("\n".join(str(p) for p in problems.errors))
    return site_data(cfg, corpus, DAY)


def build_search(site: SiteData, runs: int) -> tuple[dict[str, bytes], float]:
    """The search outputs and the best time (s) of ``runs`` builds."""
    best, outputs = float("inf"), {}
    for _ in range(runs):
        started = time.perf_counter()
        outputs = search.render_search(site)
        best = min(best, time.perf_counter() - started)
    return outputs, best


def minimal_site(site: SiteData, outputs: dict[str, bytes], folder: Path) -> None:
    """The search page with its assets and data: enough for the browser to search."""
    page = pages.Planner(site).search()
    files = render.render_pages(render.environment(site.config), site.config, [page])
    files.update(sitefiles.assets(site.config))
    files.update(outputs)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def browser_times(folder: Path, runs: int) -> dict[str, float]:
    """Median ms from navigation start to index ready / first results; ms per query."""
    ready, first, query = [], [], []
    with serve_directory(folder, "/papers/") as base, sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        for _ in range(runs):
            context = chromium.new_context()  # a cold cache each run
            page = context.new_page()
            page.goto(f"{base}search/?q={QUERY}")
            page.wait_for_function("performance.getEntriesByName('digest-search-results').length",
                                   timeout=120_000)
            marks = page.evaluate("""() => Object.fromEntries(
                ['digest-search-ready', 'digest-search-results'].map(
                    name => [name, performance.getEntriesByName(name)[0].startTime]))""")
            ready.append(marks["digest-search-ready"])
            first.append(marks["digest-search-results"])
            query.append(page.evaluate("""async (queries) => {
                const engine = await window.digestSearch;
                const started = performance.now();
                for (const q of queries) engine.search(q);
                return (performance.now() - started) / queries.length;
            }""", TYPED))
            context.close()
        chromium.close()
    return {"ready_ms": statistics.median(ready), "first_results_ms": statistics.median(first),
            "query_ms": statistics.median(query)}


def measure(name: str, site: SiteData, runs: int, lunr_json: bool) -> dict[str, object]:
    outputs, seconds = build_search(site, runs)
    row: dict[str, object] = {"corpus": name, "papers": len(site.papers), "build_s": seconds}
    for key, path in (("index", search.INDEX), ("docs", search.DOCS)):
        row[f"{key}_raw"] = len(outputs[path])
        row[f"{key}_gzip"] = len(gzip.compress(outputs[path], 9))
    if lunr_json:  # what lunr.py's own serialized index would weigh
        builder = search.build_index(site.papers, {t.slug: t.name for t in site.topics})
        plain = json.dumps(builder.build().serialize(), separators=(",", ":")).encode()
        row["lunr_json_raw"], row["lunr_json_gzip"] = len(plain), len(gzip.compress(plain, 9))
        assert searchindex.FORMAT  # the pack replaces exactly this JSON
    with tempfile.TemporaryDirectory() as tmp:
        minimal_site(site, outputs, Path(tmp))
        row.update(browser_times(Path(tmp), runs))
    return row


def kb(n: object) -> str:
    return f"{int(n) / 1024:,.0f} KB"  # type: ignore[call-overload]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lunr-json", action="store_true",
                        help="also size lunr.py's plain serialized index (slow)")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args()
    rows = [measure("shipped", load_site(REPO), args.runs, args.lunr_json)]
    for n in args.papers:
        with tempfile.TemporaryDirectory() as tmp:
            project = write_project(n, Path(tmp))
            rows.append(measure(f"synthetic {n}", load_site(project), args.runs, args.lunr_json))
    print(f"{'corpus':<16}{'papers':>7}{'build':>8}{'index raw':>11}{'gzip':>9}"
          f"{'docs raw':>10}{'gzip':>9}{'ready':>8}{'results':>9}{'query':>8}")
    for r in rows:
        print(f"{r['corpus']:<16}{r['papers']:>7}{r['build_s']:>7.2f}s{kb(r['index_raw']):>11}"
              f"{kb(r['index_gzip']):>9}{kb(r['docs_raw']):>10}{kb(r['docs_gzip']):>9}"
              f"{r['ready_ms']:>6.0f}ms{r['first_results_ms']:>7.0f}ms{r['query_ms']:>6.1f}ms")
        if "lunr_json_raw" in r:
            print(f"{'':<16}lunr.py's plain JSON would be {kb(r['lunr_json_raw'])} "
                  f"({kb(r['lunr_json_gzip'])} gzip)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
