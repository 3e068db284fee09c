"""Rebuild latency of ``digest serve`` after one listing changes.

For the shipped content and for a synthetic project of N papers (benchmarks/corpus.py),
it times: a full build; the preview's rebuild after one paper title changes in one
listing (parse cache + page memo), with the time of each pipeline stage; a template
change (every page rendered again); and save → browser notified, through the watcher,
debounce and the event stream of a running server.

    python benchmarks/serve_bench.py                 # shipped content and 10,000 papers
    python benchmarks/serve_bench.py --papers 2000 --runs 5
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from digest import config as config_mod
from digest.build import BuildCache, build, completed, parse_cached, produce, site_data
from digest.errors import Problems
from digest.inputs.files import listing_files, theme_digest
from digest.serve.server import Preview, PreviewServer, SiteState, serving
from digest.serve.watch import Change, Kind
from digest.text.dates import build_date

DAY = date(2026, 3, 31)


def load(root: Path) -> Callable[[Problems], config_mod.Config]:
    return lambda problems: config_mod.load(root, problems)


class Editor:
    """Changes one paper's title in one listing, differently each time."""

    def __init__(self, root: Path) -> None:
        problems = Problems()
        cfg = config_mod.load(root, problems)
        corpus = parse_cached(listing_files(root, cfg.content_dir), DAY, problems, BuildCache())
        listing = corpus.listings[len(corpus.listings) // 2]
        self.path = root / listing.path
        self.rel = listing.path
        text = self.path.read_text(encoding="utf-8")
        self.title = next(e.title for e in listing.entries if e.title in text)
        self.original = text
        self.count = 0

    def edit(self) -> None:
        self.count += 1
        self.path.write_text(self.original.replace(self.title, f"{self.title} (v{self.count})", 1),
                             encoding="utf-8")


def quietly(step: Callable[[], object]) -> float:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        started = time.perf_counter()
        step()
        return time.perf_counter() - started


def stages(cfg: config_mod.Config, cache: BuildCache) -> dict[str, float]:
    """The rebuild's steps one by one, with the config, cache, date and memos the preview
    uses, and its garbage collection (none until the site is published)."""
    gc.disable()
    try:
        return _stages(cfg, cache)
    finally:
        gc.enable()
        gc.collect(0)


def _stages(cfg: config_mod.Config, cache: BuildCache) -> dict[str, float]:
    problems = Problems()
    root = cfg.root
    day = build_date()  # the preview's: the parse cache is keyed by it
    out: dict[str, float] = {}
    t = time.perf_counter()
    corpus = parse_cached(listing_files(root, cfg.content_dir), day, problems, cache)
    corpus = completed(cfg, corpus, problems, cache)  # stored metadata, dates: as build()
    out["read+parse+merge"] = time.perf_counter() - t
    t = time.perf_counter()
    site = site_data(cfg, corpus, day, cache=cache)
    out["notes+topics"] = time.perf_counter() - t
    t = time.perf_counter()
    produce(site, 1, None, cache=cache, theme=theme_digest(root))  # as build() passes it
    out["plan, render, feeds, search (changed)"] = time.perf_counter() - t
    return out


def save_to_event(root: Path, editor: Editor, runs: int) -> list[float]:
    """Seconds from writing the file to the server publishing the rebuilt site."""
    server = PreviewServer("127.0.0.1", 0, SiteState())
    times = []
    with contextlib.redirect_stdout(io.StringIO()), serving(server, load(root)):
        state = server.state
        for _ in range(runs):
            version, _snapshot = state.after(-1, 0)
            started = time.perf_counter()
            editor.edit()
            while state.after(version, 60)[0] == version:
                pass
            times.append(time.perf_counter() - started)
            time.sleep(0.3)  # let the watcher's trailing events settle
    return times


def bench(name: str, root: Path, runs: int) -> None:
    print(f"\n## {name}")
    problems = Problems()
    cfg = config_mod.load(root, problems)
    full = quietly(lambda: build(cfg, DAY, problems, write=False))
    preview = Preview(load(root), SiteState(), "http://127.0.0.1:8000")
    first = quietly(lambda: preview.rebuild([]))
    preview.tidy()
    pages_total = len(preview.cache.memo.pages) if preview.cache.memo else 0
    editor = Editor(root)
    change = [Change(editor.rel, Kind.LISTING)]
    listing_times, rendered = [], []
    for _ in range(runs):
        editor.edit()
        listing_times.append(quietly(lambda: preview.rebuild(change)))
        preview.tidy()  # as the server's rebuild loop does once idle (after the publish)
        rendered.append(len(preview.cache.rendered))
    template = quietly(lambda: preview.rebuild([Change("templates/base.html", Kind.TEMPLATE)]))
    preview.tidy()
    editor.edit()
    quietly(lambda: preview.rebuild(change))  # the memos as a one-listing rebuild finds them
    preview.tidy()
    editor.edit()
    steps = stages(preview.config, preview.cache)
    stage_rendered = len(preview.cache.rendered)
    papers = sum(1 for k in preview.snapshot.outputs if k.startswith("papers/"))
    print(f"{papers} paper pages, {pages_total} pages; edited a title in {editor.rel}")
    print(f"  full build (digest build, in memory)   {full:7.2f} s")
    print(f"  preview: first build                   {first:7.2f} s")
    print(f"  preview: one listing changed (median)  {statistics.median(listing_times):7.2f} s"
          f"   rendered {statistics.median(rendered):.0f}/{pages_total} pages")
    print(f"  preview: a template changed            {template:7.2f} s   rendered all")
    print("  one-listing rebuild by stage: " + ", ".join(f"{k} {v:.2f}s" for k, v in steps.items())
          + f" ({stage_rendered} pages rendered)")
    latency = save_to_event(root, editor, runs)
    print(f"  save → browser notified (median)       {statistics.median(latency):7.2f} s"
          "   watcher + 0.05 s debounce + rebuild")
    editor.path.write_text(editor.original, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000, help="synthetic corpus size")
    parser.add_argument("--runs", type=int, default=3, help="edits timed per measurement")
    parser.add_argument("--skip-shipped", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_shipped:
            shipped = Path(tmp) / "shipped"
            shutil.copytree(REPO / "content", shipped / "content")
            shutil.copy(REPO / "digest.yaml", shipped / "digest.yaml")
            bench("shipped content", shipped, args.runs)
        if args.papers:
            project = make_project(args.papers, Path(tmp) / "synthetic")
            bench(f"{args.papers:,} synthetic papers", project, args.runs)
    return 0


def make_project(n: int, outdir: Path) -> Path:
    """benchmarks/corpus.py's project of N papers; records listings of our own without it."""
    try:
        from corpus import write_project
    except ImportError:
        return _records_project(n, outdir)
    return write_project(n, outdir)


def _records_project(n: int, outdir: Path) -> Path:
    import json

    folder = outdir / "content" / "listings"
    folder.mkdir(parents=True)
    for start in range(0, n, 100):
        records = [{"title": f"Synthetic paper number {i}", "abstract": f"About {i}.",
                    "date": f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}"}
                   for i in range(start, min(n, start + 100))]
        (folder / f"batch-{start:06d}.json").write_text(json.dumps(records, indent=1))
    (outdir / "digest.yaml").write_text("base_url: http://127.0.0.1:8000/papers/\n")
    return outdir


if __name__ == "__main__":
    sys.exit(main())
