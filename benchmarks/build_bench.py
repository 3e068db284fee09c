"""Whole-build benchmark: cold builds, no-change and one-listing rebuilds, and Hugo alike.

Each build runs ``digest build`` in a child process (as a user would) on a generated
project from benchmarks/corpus.py (``--corpus uniform``, the default, or ``realistic``:
LaTeX, rule-assigned topics, arXiv-like authors, one big records file and small pasted
listings) and reports medians of: wall time, the peak RSS of the build (the largest of
its processes, from ``RUSAGE_CHILDREN``), the peak of its processes' memory together
(their proportional set sizes summed, sampled on Linux: a forked worker's pages shared
with the build count once; what the machine must hold), files written,
and the output's total size and file count (GitHub Pages refuses sites over 1 GB). One
run is:

- **cold**: a fresh output folder and no ``<project>/.digest-cache/`` (deleted first);
- **no-change**: the same build again into that folder;
- **one-listing**: after one listing changed (uniform: one title of a middle records
  file; realistic: one paper added to a middle Daily Papers paste), then restored;
- **warm-cache cold**: a fresh output folder with the cache kept, as the Pages workflow
  builds (a new checkout, the cache restored by actions/cache).

``--hugo`` writes the same papers (``digest export``: digest's topics) as a Hugo site
(benchmarks/hugo_site.py) and times ``hugo --quiet --destination DIR`` in the same run,
after digest's builds of each run: cold into a fresh folder, and again into that folder
(Hugo has no incremental CLI build), then prints digest/Hugo ratios.

    python benchmarks/build_bench.py                        # 1,000 and 10,000 papers
    python benchmarks/build_bench.py --corpus realistic --papers 10000 --hugo
    python benchmarks/build_bench.py --papers 100000 --runs 1 --keep /tmp/bench

``--keep DIR`` keeps the generated projects in DIR (and reuses them next time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import hugo_site
import realistic
from corpus import describe, write_project

CACHE = ".digest-cache"
METRICS = ("wall", "rss", "pss", "mb", "files")  # of every build, digest's and Hugo's
KINDS = ("cold", "cached", "nochange", "edit")
LABELS = {"cold": "cold", "cached": "cold, warm cache", "nochange": "no change",
          "edit": "one listing"}

# Runs the build as its own child, so RUSAGE_CHILDREN is that one build's (the largest of
# its processes: the build and its workers); meanwhile sums the PSS of the build's process
# tree (/proc/PID/smaps_rollup, children from /proc/PID/task/*/children). A read walks the
# process's page tables (23 ms of CPU for 3.4 GB): samples come every 0.1 s, or further
# apart so that sampling takes at most 2% of a core and does not slow the build it times.
_MEASURE = """
import os, resource, subprocess, sys, threading, time
def tree(pid):
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out += tree(int(child))
    except OSError:
        pass
    return out
def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0
peak = 0
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
def sample():
    global peak
    while proc.poll() is None:
        began = time.process_time()
        peak = max(peak, sum(pss(p) for p in tree(proc.pid)))
        time.sleep(max(0.1, 50 * (time.process_time() - began)))
sampler = threading.Thread(target=sample, daemon=True)
if os.path.exists("/proc/self/smaps_rollup"):
    sampler.start()
out = proc.communicate()[0]
sys.stdout.write(out)
print(f"@maxrss {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
print(f"@pss {peak}")
sys.exit(proc.returncode)
"""


def measured(command: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Run ``command`` in a child of a child: (wall seconds, peak RSS in MiB, peak of the
    processes' summed PSS in MiB (NaN where /proc has no smaps_rollup), output)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command],
                          check=False, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{command[0]} failed in {cwd}:\n{done.stdout}{done.stderr}")
    rss = re.search(r"@maxrss (\d+)", done.stdout)
    pss = re.search(r"@pss (\d+)", done.stdout)
    return (wall, int(rss.group(1)) / 1024 if rss else float("nan"),
            int(pss.group(1)) / 1024 if pss and int(pss.group(1)) else float("nan"), done.stdout)


def run_build(project: Path, output: Path) -> dict[str, float]:
    """One ``digest build``: wall seconds, peak RSS and summed PSS (MiB), files written,
    output size."""
    wall, rss, pss, out = measured([sys.executable, "-m", "digest", "build", "--output",
                               str(output)], project)
    written = re.search(r"(\d+) files written\)", out)
    pages = re.search(r"(\d+) pages,", out)
    return {"wall": wall, "rss": rss, "pss": pss,
            "written": float(written.group(1)) if written else float("nan"),
            "pages": float(pages.group(1)) if pages else float("nan"),
            **tree_size(output)}


def run_hugo(site: Path, destination: Path) -> dict[str, float]:
    wall, rss, pss, _ = measured(hugo_site.hugo_command(destination), site)
    return {"wall": wall, "rss": rss, "pss": pss, **tree_size(destination)}


def tree_size(folder: Path) -> dict[str, float]:
    """Total bytes (MB) and file count of a built site."""
    total = count = 0
    for root, _, files in os.walk(folder):
        for name in files:
            total += os.stat(os.path.join(root, name)).st_size
            count += 1
    return {"mb": total / 1e6, "files": float(count)}


def index_sizes(output: Path) -> dict[str, float]:
    index_files = sorted((output / "search").glob("index*.json")) + \
        sorted((output / "search").glob("shards/*.json"))
    raw = [p.read_bytes() for p in index_files]
    first = output / "search" / "index.json"
    return {"index_raw_mb": sum(map(len, raw)) / 2**20,
            "index_gzip_mb": sum(len(gzip.compress(b, 6)) for b in raw) / 2**20,
            "first_index_gzip_mb": (len(gzip.compress(first.read_bytes(), 6)) / 2**20
                                    if first.is_file() else float("nan"))}


def edit_uniform(project: Path, count: int) -> tuple[Path, str]:
    """Change one paper title of the middle listing; return the file and its old text."""
    files = sorted((project / "content" / "listings").glob("*.json"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    records = json.loads(text)
    records[0]["title"] = f"{records[0]['title']} (edit {count})"
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, text


def edit_realistic(project: Path, count: int) -> tuple[Path, str]:
    """Add one paper to a small pasted listing; return the file and its old text."""
    path = realistic.small_listing(project)
    return path, realistic.add_paper(path, count)


def settle() -> None:
    """Flush the writes of the last build so they do not slow the next one down."""
    os.sync()
    time.sleep(0.5)


def drop_cache(project: Path) -> None:
    shutil.rmtree(project / CACHE, ignore_errors=True)


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def bench(n: int, project: Path, runs: int, corpus: str, hugo: bool) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"digest-bench-{corpus}-{n}-"))
    rows: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    hugo_rows: dict[str, list[dict[str, float]]] = {"cold": [], "again": []}
    edit: Callable[[Path, int], tuple[Path, str]] = (edit_realistic if corpus == "realistic"
                                                     else edit_uniform)
    sizes: dict[str, float] = {}
    try:
        site = (hugo_site.write_site(hugo_site.export_records(project), work / "hugo",
                                     f"Hugo digest ({n} papers)") if hugo else None)
        for run in range(runs):
            output = work / f"site-{run}"
            drop_cache(project)
            settle()
            rows["cold"].append(run_build(project, output))
            settle()
            rows["nochange"].append(run_build(project, output))
            path, original = edit(project, run)
            try:
                settle()
                rows["edit"].append(run_build(project, output))
            finally:
                path.write_text(original, encoding="utf-8")
            sizes = index_sizes(output)
            settle()
            rows["cached"].append(run_build(project, work / f"site-{run}-cached"))
            if site is not None:  # interleaved: both see the same load on a shared machine
                destination = work / f"hugo-{run}"
                settle()
                hugo_rows["cold"].append(run_hugo(site, destination))
                settle()
                hugo_rows["again"].append(run_hugo(site, destination))
            done = [f"{kind} {rows[kind][-1]['wall']:.2f}s" for kind in KINDS] + \
                [f"hugo {kind} {hugo_rows[kind][-1]['wall']:.2f}s" for kind in hugo_rows
                 if hugo_rows[kind]]
            print(f"  run {run + 1}: {', '.join(done)}", flush=True)
    finally:  # deleted only now: creating files right after deleting a large tree is
        # several times slower on ext4 here, and a cold build on CI follows no deletion
        shutil.rmtree(work, ignore_errors=True)
        drop_cache(project)
    found: dict[str, object] = {
        "papers": n, "corpus": corpus, "runs": runs, "pages": median(rows["cold"], "pages"),
        **{f"{kind}_{key}": median(rows[kind], key) for kind in KINDS
           for key in (*METRICS, "written")},
        **sizes, "walls": {kind: [r["wall"] for r in rows[kind]] for kind in KINDS},
    }
    if hugo:
        found.update({f"hugo_{kind}_{key}": median(hugo_rows[kind], key)
                      for kind in hugo_rows for key in METRICS})
        found["hugo_walls"] = {kind: [r["wall"] for r in hugo_rows[kind]] for kind in hugo_rows}
    return found


def report(r: dict[str, object]) -> str:
    """The figures of one size as a small table."""
    lines = [(f"{r['papers']} papers, {r['corpus']} corpus, {r['pages']:.0f} pages, "
              f"median of {r['runs']} run(s)"),
             (f"  {'build':<17} {'wall':>8} {'peak RSS':>10} {'all procs':>10} {'written':>8} "
              f"{'output':>10} {'files':>7}")]
    for kind in KINDS:
        lines.append(f"  {LABELS[kind]:<17} {r[f'{kind}_wall']:>7.2f}s "
                     f"{r[f'{kind}_rss']:>7.0f}MiB {r[f'{kind}_pss']:>7.0f}MiB "
                     f"{r[f'{kind}_written']:>8.0f} "
                     f"{r[f'{kind}_mb']:>8.0f}MB {r[f'{kind}_files']:>7.0f}")
    if "hugo_cold_wall" in r:
        for kind, label in (("cold", "hugo cold"), ("again", "hugo again")):
            lines.append(f"  {label:<17} {r[f'hugo_{kind}_wall']:>7.2f}s "
                         f"{r[f'hugo_{kind}_rss']:>7.0f}MiB {r[f'hugo_{kind}_pss']:>7.0f}MiB "
                         f"{'':>8} "
                         f"{r[f'hugo_{kind}_mb']:>8.0f}MB {r[f'hugo_{kind}_files']:>7.0f}")
        hugo = float(r["hugo_cold_wall"])  # type: ignore[arg-type]
        ratios = ", ".join(f"{LABELS[kind]} {float(r[f'{kind}_wall']) / hugo:.2f}"  # type: ignore[arg-type]
                           for kind in KINDS)
        lines.append(f"  digest / Hugo's cold build: {ratios}")
    lines.append(f"  search index {r.get('index_raw_mb', float('nan')):.1f}MB raw, "
                 f"{r.get('index_gzip_mb', float('nan')):.1f}MB gzip "
                 f"(first file {r.get('first_index_gzip_mb', float('nan')):.2f}MB gzip)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", choices=("uniform", "realistic"), default="uniform")
    parser.add_argument("--hugo", action="store_true",
                        help="time Hugo on the same papers in the same run")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the projects here")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args()
    if args.hugo and not Path(hugo_site.HUGO).is_file():
        parser.error(f"--hugo needs {hugo_site.HUGO} (apt-get install hugo)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for n in args.papers:
            name = f"corpus-{n}" if args.corpus == "uniform" else f"corpus-realistic-{n}"
            project = base / name
            if not (project / "digest.yaml").is_file():
                write_project(n, project, realistic=args.corpus == "realistic")
            if args.corpus == "realistic":
                print(describe(project), flush=True)
            rows.append(bench(n, project, args.runs, args.corpus, args.hugo))
            print(report(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
