"""Where one ``digest build`` spends its time: each phase in the parent process, and the
cycle collector's pauses there.

Runs the command line in this process with timers around the pipeline's steps (parse,
completion, site data, plan, produce), the build cache's copy and save, and the stat of
the written files, plus a ``gc.callbacks`` clock per generation. Compare runs back to
back: this machine's speed drifts by a third over a day.

    python benchmarks/corpus.py 100000 /tmp/c100k --realistic
    cd /tmp/c100k && python /path/to/benchmarks/build_phases.py --output /dev/shm/site
    cd /tmp/c100k && python /path/to/benchmarks/build_phases.py --output /dev/shm/b --no-cache

The arguments are ``digest build``'s.
"""

from __future__ import annotations

import functools
import gc
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from digest import build, cli, diskcache

STARTED = time.perf_counter()
PHASES = ("parse_all", "parse_cached", "completed", "site_data", "plan_cached", "produce")


def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            now = time.perf_counter()
            print(f"  {label:16s} {now - began:7.2f} s   (ends at {now - STARTED:7.2f} s)",
                  file=sys.stderr)
    return run


class Collector:
    """The collector's pauses in this process, by generation."""

    def __init__(self) -> None:
        self.seconds: dict[int, float] = defaultdict(float)
        self.count: dict[int, int] = defaultdict(int)
        self.began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.began = time.perf_counter()
            return
        self.seconds[info["generation"]] += time.perf_counter() - self.began
        self.count[info["generation"]] += 1

    def report(self) -> str:
        return ", ".join(f"gen{g} {self.count[g]}x {self.seconds[g]:.2f} s"
                         for g in sorted(self.count))


def main() -> int:
    for name in PHASES:
        setattr(build, name, timed(name, getattr(build, name)))
    build.BuildCache.for_disk = timed("cache for_disk", build.BuildCache.for_disk)
    build.BuildCache.remember_files = timed("remember_files",
                                            build.BuildCache.remember_files)
    diskcache.save = timed("cache save", diskcache.save)
    collector = Collector()
    gc.callbacks.append(collector)
    sys.argv = ["digest", "build", *sys.argv[1:]]
    try:
        cli.main(standalone_mode=False)
    finally:
        gc.callbacks.remove(collector)
        print(f"  collector (parent): {collector.report()}", file=sys.stderr)
        print(f"  total {time.perf_counter() - STARTED:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
