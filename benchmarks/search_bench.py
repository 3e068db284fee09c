"""Search index benchmark: build time, size, and time to first results in Chromium.

For the shipped content and synthetic corpora (benchmarks/corpus.py) it reports the
time to build the search outputs (manifest, shards, documents), the sizes of
the manifest, the shards and the document chunks, and, in headless Chromium on
127.0.0.1 with a cold cache, the time from navigation start to the index being ready
and to the first results of ``search/?q=...`` for a set of queries, with the gzip size of
everything the page fetched before them (median of the runs), plus the time a query
takes once loaded.

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
import urllib.parse
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from browser import launch_chromium, serve_directory
from corpus import write_project
from playwright.sync_api import sync_playwright

from digest import config as config_mod
from digest.build import load_corpus, site_data
from digest.errors import Problems
from digest.output import render, sitefiles
from digest.output.search import build as search
from digest.output.search import index as searchindex
from digest.output.search import keys
from digest.site import routes as pages
from digest.site.data import SiteData

DAY = date(2026, 3, 31)
# Cold-cache queries: a word, the most frequent words, a surname, a person's name (its
# keys file too), one letter, a phrase, lunr syntax, and an abstract's opening pasted whole
# (the most shards a query fetches); and, for a corpus with arXiv links, one paper's id.
QUERIES = ["diffusion", "model", "learning", "Peebles", "Wei Zhang", "d",
           "self-supervised learning", "title:vision +language",
           ("pre-training language models with mixture of experts scales image "
            "understanding and reasoning in multimodal large language models")]
TYPED = ["d", "di", "dif", "diff", "diffu", "diffus", "diffusion", "diffusion mod",
         "pre training", "Peebles", "difusion", "Wei Zhang"]


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


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def id_query(site: SiteData) -> list[str]:
    """An arXiv id as people paste it, of a paper halfway through the digest (if any has one)."""
    ids = [i for p in site.papers for i in keys.arxiv_ids(p)]
    return [f"arXiv:{ids[len(ids) // 2]}v1"] if ids else []


def browser_times(folder: Path, runs: int, queries: list[str]) -> dict[str, object]:
    """Per query (cold cache, median of runs): ms from navigation to the first results,
    and the gzip bytes of what the page fetched before them; ms per typed query after."""
    per_query: dict[str, dict[str, float]] = {}
    typed = []
    with serve_directory(folder, "/papers/") as base, sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        for query in queries:
            firsts, sizes, ready = [], [], []
            for _ in range(runs):
                context = chromium.new_context()  # a cold cache each run
                page = context.new_page()
                fetched: list[str] = []
                page.on("request", lambda r, fetched=fetched: fetched.append(r.url))
                page.goto(f"{base}search/?q={urllib.parse.quote(query)}")
                page.wait_for_function(
                    "performance.getEntriesByName('digest-search-results').length",
                    timeout=120_000)
                marks = page.evaluate("""() => Object.fromEntries(
                    ['digest-search-ready', 'digest-search-results'].map(
                        name => [name, performance.getEntriesByName(name)[0].startTime]))""")
                ready.append(marks["digest-search-ready"])
                firsts.append(marks["digest-search-results"])
                sizes.append(sum(gzip_size((folder / urllib.parse.urlsplit(u).path
                                            .removeprefix("/papers/")).read_bytes())
                                 for u in set(fetched) if urllib.parse.urlsplit(u).path
                                 .endswith((".json", ".js", ".css"))))
                if query == QUERIES[0]:
                    typed.append(page.evaluate("""async (queries) => {
                        const engine = await window.digestSearch;
                        const started = performance.now();
                        for (const q of queries) await engine.search(q);
                        return (performance.now() - started) / queries.length;
                    }""", TYPED))
                context.close()
            per_query[query] = {"ready_ms": statistics.median(ready),
                                "first_results_ms": statistics.median(firsts),
                                "fetched_gzip": statistics.median(sizes)}
        chromium.close()
    return {"queries": per_query, "query_ms": statistics.median(typed)}


def measure(name: str, site: SiteData, runs: int, lunr_json: bool) -> dict[str, object]:
    outputs, seconds = build_search(site, runs)
    row: dict[str, object] = {"corpus": name, "papers": len(site.papers), "build_s": seconds}
    shards = [data for path, data in outputs.items() if path.startswith(search.SHARDS)]
    docs = [data for path, data in outputs.items() if path.startswith(search.DOCS)]
    key_files = [data for path, data in outputs.items() if path.startswith(keys.KEYS)]
    row["manifest_raw"] = len(outputs[search.INDEX])
    row["manifest_gzip"] = gzip_size(outputs[search.INDEX])
    row["shards"] = len(shards)
    row["shards_raw"] = sum(map(len, shards))
    shard_sizes = [gzip_size(shard) for shard in shards]
    row["shards_gzip"], row["shard_max_gzip"] = sum(shard_sizes), max(shard_sizes, default=0)
    row["chunks"], row["docs_gzip"] = len(docs), sum(map(gzip_size, docs))
    row["chunk_max_gzip"] = max(map(gzip_size, docs), default=0)
    row["keys"], row["keys_max_gzip"] = len(key_files), max(map(gzip_size, key_files), default=0)
    if lunr_json:  # what lunr.py's own serialized index would weigh
        builder = search.build_index(site.papers, {t.slug: t.name for t in site.topics})
        plain = json.dumps(builder.build().serialize(), separators=(",", ":")).encode()
        row["lunr_json_raw"], row["lunr_json_gzip"] = len(plain), gzip_size(plain)
        assert searchindex.FORMAT  # the pack replaces exactly this JSON
    with tempfile.TemporaryDirectory() as tmp:
        minimal_site(site, outputs, Path(tmp))
        row.update(browser_times(Path(tmp), runs, QUERIES + id_query(site)))
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
    for r in rows:
        print(f"{r['corpus']} ({r['papers']} papers): search outputs built in {r['build_s']:.2f} s; "
              f"manifest {kb(r['manifest_raw'])} ({kb(r['manifest_gzip'])} gzip); "
              f"{r['shards']} shards {kb(r['shards_raw'])} ({kb(r['shards_gzip'])} gzip, "
              f"largest {kb(r['shard_max_gzip'])}); {r['chunks']} document chunks "
              f"({kb(r['docs_gzip'])} gzip, largest {kb(r['chunk_max_gzip'])}); "
              f"{r['keys']} keys files (largest {kb(r['keys_max_gzip'])} gzip); "
              f"{r['query_ms']:.1f} ms per typed query")
        print(f"  {'query':<40}{'ready':>8}{'results':>9}{'fetched (gzip)':>16}")
        for query, q in r["queries"].items():  # type: ignore[attr-defined]
            print(f"  {query[:39]:<40}{q['ready_ms']:>6.0f}ms{q['first_results_ms']:>7.0f}ms"
                  f"{kb(q['fetched_gzip']):>16}")
        if "lunr_json_raw" in r:
            print(f"  lunr.py's plain JSON would be {kb(r['lunr_json_raw'])} "
                  f"({kb(r['lunr_json_gzip'])} gzip)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
