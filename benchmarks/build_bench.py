"""Whole-build benchmark: cold build, no-change rebuild and one-listing rebuild.

Each build runs ``digest build`` in a child process (as a user would) on a synthetic
project from benchmarks/corpus.py and reports the median wall time, the peak RSS of
the build (the largest of its processes, from ``RUSAGE_CHILDREN``), pages per second, files
written, the output size and the search index size (raw and gzip). A cold build
writes into a fresh folder; the no-change rebuild builds into it again; the
one-listing rebuild changes one paper title in one listing first.

    python benchmarks/build_bench.py                        # 1,000 and 10,000 papers
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import write_project

# Runs the build as its own child, so RUSAGE_CHILDREN is that one build's (the largest of
# its processes: the build and its workers).
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stdout + done.stderr)
print(f"@maxrss {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(done.returncode)
"""


def run_build(project: Path, output: Path) -> dict[str, float]:
    """One ``digest build`` in a child process: wall seconds, peak RSS (MiB), files written."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "digest",
                           "build", "--output", str(output)],
                          check=False, cwd=project, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"build failed in {project}:\n{done.stdout}{done.stderr}")
    written = re.search(r"\((\d+) files written\)", done.stdout)
    pages = re.search(r"(\d+) pages,", done.stdout)
    rss = re.search(r"@maxrss (\d+)", done.stdout)
    return {"wall": wall, "rss": int(rss.group(1)) / 1024 if rss else float("nan"),
            "written": float(written.group(1)) if written else float("nan"),
            "pages": float(pages.group(1)) if pages else float("nan")}


def output_sizes(output: Path) -> dict[str, float]:
    total = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    index_files = sorted((output / "search").glob("index*.json")) + \
        sorted((output / "search").glob("shards/*.json"))
    raw = [p.read_bytes() for p in index_files]
    first = output / "search" / "index.json"
    return {"output_mb": total / 2**20,
            "index_raw_mb": sum(map(len, raw)) / 2**20,
            "index_gzip_mb": sum(len(gzip.compress(b, 6)) for b in raw) / 2**20,
            "first_index_gzip_mb": (len(gzip.compress(first.read_bytes(), 6)) / 2**20
                                    if first.is_file() else float("nan"))}


def edit_listing(project: Path, count: int) -> tuple[Path, str]:
    """Change one paper title of the middle listing; return the file and its old text."""
    files = sorted((project / "content" / "listings").glob("*.json"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    records = json.loads(text)
    records[0]["title"] = f"{records[0]['title']} (edit {count})"
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, text


def settle() -> None:
    """Flush the writes of the last build so they do not slow the next one down."""
    os.sync()
    time.sleep(0.5)


def bench(n: int, project: Path, runs: int) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"digest-bench-{n}-"))
    cold, again, edited = [], [], []
    try:
        for run in range(runs):
            output = work / f"site-{run}"
            settle()
            cold.append(run_build(project, output))
            settle()
            again.append(run_build(project, output))
            path, original = edit_listing(project, run)
            try:
                settle()
                edited.append(run_build(project, output))
            finally:
                path.write_text(original, encoding="utf-8")
            sizes = output_sizes(output)
    finally:  # deleted only now: creating files right after deleting a large tree is
        # several times slower on ext4 here, and a cold build on CI follows no deletion
        shutil.rmtree(work, ignore_errors=True)

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    return {"papers": n, "pages": median(cold, "pages"),
            **{f"{name}_{key}": median(rows, key) for name, rows in
               (("cold", cold), ("nochange", again), ("edit", edited))
               for key in ("wall", "rss", "written")},
            **sizes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the projects here")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for n in args.papers:
            project = base / f"corpus-{n}"
            if not (project / "digest.yaml").is_file():
                write_project(n, project)
            rows.append(bench(n, project, args.runs))
    print(f"{'papers':>7} {'pages':>7} | {'cold':>7} {'RSS':>8} {'pages/s':>8} | "
          f"{'no-change':>9} {'written':>7} | {'1 listing':>9} {'written':>7} | "
          f"{'output':>8} {'index':>8} {'gzip':>7} {'1st gzip':>8}")
    for r in rows:
        print(f"{r['papers']:>7} {r['pages']:>7.0f} | {r['cold_wall']:>6.2f}s "
              f"{r['cold_rss']:>5.0f}MiB {r['pages'] / r['cold_wall']:>8,.0f} | "
              f"{r['nochange_wall']:>8.2f}s {r['nochange_written']:>7.0f} | "
              f"{r['edit_wall']:>8.2f}s {r['edit_written']:>7.0f} | "
              f"{r['output_mb']:>6.0f}MB {r['index_raw_mb']:>6.1f}MB {r['index_gzip_mb']:>5.1f}MB "
              f"{r['first_index_gzip_mb']:>6.2f}MB")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
