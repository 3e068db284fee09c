"""What related papers cost: the step alone, its memory, the preview's re-run, whole builds.

On a synthetic project (benchmarks/corpus.py) it measures, in child processes so the
figures are the step's own:

- the related step (``corpus.related.related``) on every paper, with the garbage
  collector set as a build sets it, in one process (``--processes N`` reads the words in
  N from ``related.READ_IN_PARALLEL`` papers on): wall and CPU time (workers' included),
  and the peak memory it adds to a process that already holds the site's data (numpy's
  import included);
- the preview's re-run after one paper's abstract changed (the memo keeps the other
  papers' words and vectors, and patches the lists: how many it computed again);
- how many papers list neighbours, and how often a neighbour is one of the paper's own
  family (the corpus makes ~N/400 papers from each seed abstract: same title after the
  name, half the sentences), for the pruned scores and, with ``--exact`` (needs scipy),
  for the exact cosine of the whole vectors;
- with ``--baseline SRC`` (a ``src`` folder of digest without related papers, e.g. from
  ``git archive``), cold ``digest build`` runs of both, interleaved, and the difference
  of their medians: what related papers and trends add to a build.

    python benchmarks/related_bench.py --papers 10000
    python benchmarks/related_bench.py --papers 10000 --baseline /tmp/base/src --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from build_bench import settle
from corpus import write_project

# Runs in a child: loads the project, then times the related step on it.
_STEP = r"""
import json, resource, sys, time
from datetime import date
from dataclasses import replace
from pathlib import Path
from digest import config as config_mod
from digest.build import load_corpus
from digest.corpus import topics
from digest.errors import Problems

def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

root, exact, processes = Path(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
problems = Problems()
cfg = config_mod.load(root, problems)
corpus = load_corpus(cfg, date(2026, 3, 31), problems)
papers, _ = topics.assign(list(corpus.papers), topics.taxonomy_for(cfg), list(corpus.listings),
                          {}, None)
from digest.executor import fewer_collections

def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

before = rss()
wall, cpu, forked = time.perf_counter(), time.process_time(), children_cpu()
from digest.corpus import related
memo = related.RelatedMemo()
with fewer_collections():  # as in a build
    found = related.related(papers, {}, memo, processes)
out = {"wall": time.perf_counter() - wall,
       "cpu": time.process_time() - cpu + children_cpu() - forked,
       "rss_added": rss() - before}
edited = sorted(papers, key=lambda p: p.id)
edited[len(edited) // 2] = replace(edited[len(edited) // 2],
                                   abstract=edited[len(edited) // 2].abstract + " Edited.")
wall = time.perf_counter()
with fewer_collections():
    again = related.related(edited, {}, memo)
out["memo_wall"] = time.perf_counter() - wall
out["changed_lists"] = sum(found[k] != again[k] for k in found)
out["patched"] = memo.patched  # lists computed again (None: all were)
family = {p.id: p.title.split(": ", 1)[-1] for p in papers}

def quality(lists):
    shown = [(pid, other) for pid, near in lists.items() for other in near]
    same = sum(family[pid] == family[other] for pid, other in shown)
    return {"with_lists": sum(1 for near in lists.values() if near),
            "neighbours": len(shown), "same_family": same / max(len(shown), 1)}

out["pruned"] = quality({pid: [o for o, _ in near] for pid, near in found.items()})
if exact:
    import numpy as np
    from scipy import sparse
    ids = sorted(p.id for p in papers)
    rows = np.repeat(np.arange(len(ids)), [len(memo.words[pid][1]) for pid in ids])
    terms = np.concatenate([memo.words[pid][1] for pid in ids])
    tf = np.concatenate([memo.words[pid][2] for pid in ids]).astype(float)
    df = np.bincount(terms)
    weight = (1 + np.log(tf)) * np.log(len(ids) / df[terms])
    matrix = sparse.csr_matrix((weight, (rows, terms)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ matrix
    transposed = matrix.T.tocsr()
    lists, hit, want = {}, 0, 0
    for start in range(0, len(ids), 500):
        block = (matrix[start:start + 500] @ transposed).toarray()
        for i, scores in enumerate(block):
            scores[start + i] = -1
            top = [j for j in np.argsort(-scores, kind="stable")[:related.LIMIT]
                   if scores[j] >= related.THRESHOLD]
            lists[ids[start + i]] = [ids[j] for j in top]
            mine = {o for o, _ in found[ids[start + i]]}
            hit += len(mine & set(lists[ids[start + i]])); want += len(top)
    out["exact"] = quality(lists)
    out["exact"]["recall_of_exact_top"] = hit / max(want, 1)
print(json.dumps(out))
"""


# Runs one build as its own child: its wall time, CPU time (every process of it) and the
# peak RSS of the largest.
_BUILD = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
if done.returncode:
    sys.stdout.write(done.stdout + done.stderr)
else:
    print(f"@wall {time.perf_counter() - started} @cpu {usage.ru_utime + usage.ru_stime} "
          f"@rss {usage.ru_maxrss / 1024}")
sys.exit(done.returncode)
"""


def run_build(project: Path, output: Path) -> dict[str, float]:
    """One cold ``digest build`` into ``output``: wall and CPU seconds, peak RSS (MiB)."""
    done = subprocess.run([sys.executable, "-c", _BUILD, sys.executable, "-m", "digest",
                           "build", "--quiet", "--output", str(output)],
                          check=False, cwd=project, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"build failed in {project}:\n{done.stdout}{done.stderr}")
    words = done.stdout.split()
    return {key.lstrip("@"): float(value) for key, value in zip(words[::2], words[1::2],
                                                                strict=True)}


def step(project: Path, exact: bool, processes: int) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _STEP, str(project), "1" if exact else "0",
                           str(processes)],
                          check=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def builds(project: Path, baseline: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    """Cold builds of ``project`` with this digest and with ``baseline``, interleaved so
    both see the same load."""
    out: dict[str, list[dict[str, float]]] = {"baseline": [], "related": []}
    work = Path(tempfile.mkdtemp(prefix="digest-related-bench-"))
    saved = os.environ.get("PYTHONPATH")
    try:
        for run in range(runs):
            for name, src in (("baseline", baseline), ("related", REPO / "src")):
                os.environ["PYTHONPATH"] = str(src)
                settle()
                out[name].append(run_build(project, work / f"{name}-{run}"))
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
        shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="*", default=[10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the projects here")
    parser.add_argument("--baseline", type=Path, help="src folder of digest without the step")
    parser.add_argument("--exact", action="store_true", help="compare with exact cosine (scipy)")
    parser.add_argument("--processes", type=int, default=1,
                        help="processes that read the words (a build uses one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for n in args.papers:
            project = base / f"corpus-{n}"
            if not (project / "digest.yaml").is_file():
                write_project(n, project)
            measured = [step(project, args.exact and run == 0, args.processes)
                        for run in range(args.runs)]
            first = measured[0]

            def median(key: str, rows: list[dict[str, object]] = measured) -> float:
                return statistics.median(float(r[key]) for r in rows)  # type: ignore[arg-type]

            print(f"{n} papers: related step {median('wall'):.2f} s wall, "
                  f"{median('cpu'):.2f} s CPU (workers' too), +{median('rss_added'):.0f} MiB "
                  f"peak RSS; after a one-paper edit {median('memo_wall'):.2f} s "
                  f"({first['changed_lists']} lists changed, "
                  f"{'all' if first['patched'] is None else first['patched']} computed again)")
            for kind in ("pruned", "exact"):
                if kind in first:
                    q = first[kind]
                    print(f"  {kind}: {q['with_lists']} papers list neighbours, "  # type: ignore[index]
                          f"{q['neighbours']} in all, {q['same_family']:.1%} of the same "  # type: ignore[index]
                          "family" + (f"; {q['recall_of_exact_top']:.1%} of the exact top "  # type: ignore[index]
                                      "lists found" if kind == "exact" else ""))
            if args.baseline:
                rows = builds(project, args.baseline, args.runs)
                med = {(name, key): statistics.median(r[key] for r in runs)
                       for name, runs in rows.items() for key in ("wall", "cpu", "rss")}
                for key, unit, label in (("wall", "s", "wall"), ("cpu", "s", "CPU"),
                                         ("rss", "MiB", "peak RSS")):
                    before, after = med["baseline", key], med["related", key]
                    print(f"  cold build {label}: {before:.2f} → {after:.2f} {unit} "
                          f"({after - before:+.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
