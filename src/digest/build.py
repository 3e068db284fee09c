"""Compose the pipeline: config → corpus → topics → pages, feeds, search → write.

Only ``ingest`` (reading) and ``write`` (writing) touch the disk; everything between
is pure, so a failure anywhere leaves the previous site as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from digest import feeds, pages, render, sitefiles, topics
from digest.config import Config
from digest.errors import Problems
from digest.ingest import Corpus, load_corpus
from digest.site import SiteData
from digest.write import WriteReport, write_site

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    site: SiteData
    outputs: dict[str, bytes]
    page_count: int
    seconds: float
    report: WriteReport | None = None


def site_data(config: Config, corpus: Corpus, build: date) -> SiteData:
    rules = topics.taxonomy_for(config)
    papers, used = topics.assign(list(corpus.papers), rules, list(corpus.listings))
    return SiteData(config=config, papers=tuple(sorted(papers, key=lambda p: p.id)),
                    topics=tuple(used), listings=corpus.listings, build_date=build)


def render_site(site: SiteData, progress: Progress | None = None) -> tuple[dict[str, bytes], int]:
    """Every output file in memory: pages, feeds and the site's extra files."""
    planned = pages.plan(site)
    env = render.environment(site.config)
    outputs: dict[str, bytes] = {}
    step = 500
    for start in range(0, len(planned), step):
        outputs.update(render.render_pages(env, site.config, planned[start:start + step]))
        if progress:
            progress(f"rendered {min(start + step, len(planned))}/{len(planned)} pages")
    outputs.update(feeds.render_feeds(site))
    lastmod = {p.path: p.context["paper"]["iso_date"] for p in planned
               if p.template == "paper.html" and p.context["paper"]["iso_date"]}
    outputs.update(sitefiles.extras(site.config, [p.path for p in planned], lastmod))
    return outputs, len(planned)


def build(config: Config, build_date: date, problems: Problems, *, write: bool = True,
          progress: Progress | None = None) -> BuildResult | None:
    """Run the whole pipeline; None when the inputs have errors (nothing is written)."""
    started = time.perf_counter()
    corpus = load_corpus(config, build_date, problems)
    if problems.errors:
        return None
    site = site_data(config, corpus, build_date)
    outputs, page_count = render_site(site, progress)
    report = None
    if write:
        report = write_site(config.output_dir, outputs, config.root, config.content_dir)
    return BuildResult(site, outputs, page_count, time.perf_counter() - started, report)
