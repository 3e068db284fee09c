"""Command line: ``digest check | export | build | serve | topics | new | add | enrich | fetch``.

Exit codes: 0 fine, 1 problems in the inputs, 2 usage errors (click's own).
"""

from __future__ import annotations

import io
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import click

from digest import DISTRIBUTION, __version__
from digest import config as config_mod
from digest.build import load_corpus
from digest.corpus.ingest import Corpus
from digest.errors import Problems
from digest.output.render import describe
from digest.site.data import SiteData
from digest.text.dates import build_date


class Context:
    def __init__(self, config_path: Path | None, debug: bool) -> None:
        self.config_path = config_path
        self.debug = debug

    def load(self, problems: Problems) -> config_mod.Config:
        return config_mod.load(Path.cwd(), problems, self.config_path)


def report(problems: Problems, stream: IO[str] | None = None) -> None:
    """Print every problem as ``path:line: severity: message``, sorted by place."""
    out = stream or sys.stderr
    for problem in sorted(problems.items, key=lambda p: (p.path, p.line, p.message)):
        click.echo(str(problem), file=out)


@click.group()
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="digest.yaml to use; its folder is the project root.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, package_name=DISTRIBUTION, prog_name="digest")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, debug: bool) -> None:
    """digest: turn pasted paper listings into a searchable static site."""
    ctx.obj = Context(config_path, debug)


def _corpus(ctx: Context, problems: Problems, *,
            stored: bool = True) -> tuple[config_mod.Config, Corpus]:
    """The config and the corpus (``stored``: completed from the stored metadata)."""
    cfg = ctx.load(problems)
    return cfg, load_corpus(cfg, build_date(), problems, stored=stored)


def _site(ctx: Context, problems: Problems) -> tuple[config_mod.Config, Corpus, SiteData | None]:
    """The corpus with notes, pages and topics joined, as the build makes it (no render)."""
    from digest.build import site_data
    from digest.inputs.files import markdown_files

    cfg, corpus = _corpus(ctx, problems)
    if problems.errors:
        return cfg, corpus, None
    site = site_data(cfg, corpus, build_date(), problems,
                     markdown_files(cfg.root, cfg.content_dir, "notes"),
                     markdown_files(cfg.root, cfg.content_dir, "pages"))
    return cfg, corpus, site


def _stale(cfg: config_mod.Config, problems: Problems) -> list[str]:
    """``path:line: warning:`` lines for every configured source older than its max age."""
    from digest.corpus.freshness import stale
    from digest.inputs.fetchlog import read_log

    if not cfg.sources:
        return []
    log = read_log(cfg.root, cfg.content_dir, problems)
    where = str(cfg.path or config_mod.CONFIG_NAME)
    return [f"{where}:{f.line}: stale: {f.describe()}"
            for f in stale(cfg.sources, log, build_date())]


@main.command()
@click.option("--freshness", is_flag=True,
              help="Also fail when a source of digest.yaml has not been fetched recently.")
@click.pass_obj
def check(ctx: Context, freshness: bool) -> None:
    """Read everything the build reads (config, listings, notes, pages, topics); print a
    summary per listing, then every problem."""
    problems = Problems()
    cfg, corpus, _site_data = _site(ctx, problems)
    for listing in corpus.listings:
        undated = sum(1 for e in listing.entries if not e.date)
        if listing.date is None and undated:
            problems.warning(listing.path, 1, f"listing has no date: {undated} of its papers have "
                             "none of their own, so arXiv dates them (after 'digest enrich'), "
                             "else the file's first commit; add 'date: YYYY-MM-DD' to its "
                             "front matter")
    per_file = Counter(p.path for p in problems.items)
    width = max([len(listing.path) for listing in corpus.listings] + [7])
    click.echo(f"{'listing':<{width}}  {'format':<14} {'date':<10} papers  chrome  problems")
    for listing in corpus.listings:
        click.echo(f"{listing.path:<{width}}  {listing.format:<14} {listing.date or '-':<10} "
                   f"{len(listing.entries):>6}  {listing.chrome_lines:>6}  "
                   f"{per_file.get(listing.path, 0):>8}")
    entries = sum(len(listing.entries) for listing in corpus.listings)
    click.echo(f"{len(corpus.listings)} listings, {entries} entries, {len(corpus.papers)} papers "
               f"({corpus.merged_duplicates} duplicate sightings merged); "
               f"{len(problems.errors)} errors, {len(problems.warnings)} warnings")
    stale = _stale(cfg, problems) if freshness else []
    report(problems, sys.stdout)
    for line in stale:
        click.echo(line)
    if problems.errors or stale:
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "bibtex"]), default="json",
              show_default=True)
@click.pass_obj
def export(ctx: Context, fmt: str) -> None:
    """Write every canonical paper record, with its assigned topics, to standard output."""
    from digest.commands.export import export as export_text

    problems = Problems()
    _cfg, _corpus_read, site = _site(ctx, problems)
    report(problems)
    if problems.errors or site is None:
        sys.exit(1)
    names = {t.slug: t.name for t in site.topics}
    click.echo(export_text(site.papers, names, fmt), nl=False)


@main.command("topics")
@click.pass_obj
def topics_command(ctx: Context) -> None:
    """Print the topic table and, for papers in "Other", terms to write new rules from."""
    from digest.corpus import topics

    problems = Problems()
    cfg, corpus = _corpus(ctx, problems)
    report(problems)
    if problems.errors:
        sys.exit(1)
    papers, used = topics.assign(list(corpus.papers), topics.taxonomy_for(cfg),
                                 list(corpus.listings))
    click.echo(topics.report(papers, used), nl=False)


@main.command("build")
@click.option("--base-url", help="Absolute URL the site is published at (overrides digest.yaml).")
@click.option("--output", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the site to (default: 'output' of digest.yaml, site/).")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and errors.")
@click.option("--no-cache", is_flag=True,
              help="Build everything anew, without reading or writing .digest-cache/.")
@click.pass_obj
def build_command(ctx: Context, base_url: str | None, output: Path | None, quiet: bool,
                  no_cache: bool) -> None:
    """Build the site into the output folder (only when every input is valid).

    Only what changed since the last build is redone: the build keeps a cache in
    .digest-cache/ beside digest.yaml (git-ignored, safe to delete).
    """
    from digest.build import build_site
    from digest.write import OutputError

    problems = Problems()
    cfg = ctx.load(problems)
    if base_url:
        cfg = cfg.with_base_url(base_url)
    if output:
        cfg = replace(cfg, output=str(output.resolve()))
    if problems.errors:
        report(problems)
        sys.exit(1)
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not quiet:
            rate = message.split()[1].split("/")[0]
            elapsed = max(time.perf_counter() - started, 1e-6)
            click.echo(f"  {message} ({int(rate) / elapsed:,.0f} pages/s)", err=True)

    try:
        result = build_site(cfg, build_date(), problems, progress=progress,
                            keep_cache=not no_cache)
    except OutputError as exc:
        report(problems)
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # a template error: name it, keep the old site
        if ctx.debug:
            raise
        report(problems)
        click.echo(f"error: {describe(exc)}", err=True)
        click.echo("the previous site was left untouched", err=True)
        sys.exit(1)
    for line in _stale(cfg, problems):
        click.echo(line.replace(": stale: ", ": warning: stale: ", 1), err=True)
    report(problems)
    if result is None:
        click.echo(f"build failed: {len(problems.errors)} error(s); the previous site was left "
                   "untouched", err=True)
        sys.exit(1)
    if not quiet:
        written = len(result.report.written) if result.report else 0
        kept = result.page_count - result.remade
        reused = f"{kept} kept from the last build, " if kept else ""
        click.echo(f"built {len(result.site.papers)} papers, {result.page_count} pages, "
                   f"{len(result.site.topics)} topics in {result.seconds:.2f}s "
                   f"({reused}{written} files written) → {cfg.output_dir}")


@main.command("new")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--title", help="The site's title (default: from the folder name).")
def new_command(folder: Path, title: str | None) -> None:
    """Create a ready-to-build digest in FOLDER (new or empty)."""
    from digest.commands.scaffold import ScaffoldError, new_site

    try:
        written = new_site(folder, title)
    except ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"  created {path}")
    click.echo(f"\nNext:\n  cd {folder}\n  digest serve        # preview with live reload\n"
               "  git init && git add . && git commit -m 'My digest'   # then push to GitHub\n"
               "  (Settings → Pages → Source: GitHub Actions; the workflow installs the digest "
               "pinned in requirements.txt)")


@main.command("add")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--date", "when", type=click.DateTime(["%Y-%m-%d"]),
              help="The listing's date (default: today, or SOURCE_DATE_EPOCH).")
@click.option("--title", help="The listing's title; also names the file.")
@click.option("--format", "fmt", help="Force a format instead of detecting it.")
@click.pass_obj
def add_command(ctx: Context, source: io.TextIOBase, when: object, title: str | None,
                fmt: str | None) -> None:
    """Save a pasted listing (standard input or SOURCE) and show what was found in it."""
    from digest.commands.scaffold import ScaffoldError, add_listing

    problems = Problems()
    cfg, corpus = _corpus(ctx, problems)
    day = when.date() if isinstance(when, datetime) else build_date()
    try:
        added = add_listing(cfg.root, source.read(), when=day, title=title, fmt=fmt,
                            existing=corpus.papers)
    except ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    listing = added.listing
    click.echo(f"wrote {added.path}")
    if listing is not None:
        click.echo(f"{listing.format}: {len(listing.entries)} papers, "
                   f"{len(added.duplicates)} already in the digest")
        for entry in listing.entries:
            click.echo(f"  {entry.line:>5}  {entry.title}")
        for paper in added.duplicates:
            click.echo(f"  duplicate of papers/{paper.id}/ ({len(paper.sources)} listing(s))")
    report(added.problems, sys.stdout)
    if added.problems.errors:
        sys.exit(1)


@main.command("enrich")
@click.option("--refresh", is_flag=True,
              help="Fetch the records and upvotes of papers already stored again.")
@click.option("--limit", type=click.IntRange(min=1), help="Look up at most N papers by title.")
@click.option("--dry-run", is_flag=True,
              help="Print what a run would request and how long its spacing takes; send nothing.")
@click.pass_obj
def enrich_command(ctx: Context, refresh: bool, limit: int | None, dry_run: bool) -> None:
    """Find each paper's arXiv record (through arXiv and Hugging Face) and store it under
    content/metadata, so that builds stay offline."""
    from digest.commands import enrich

    problems = Problems()
    cfg, corpus = _corpus(ctx, problems, stored=False)  # the pasted papers, as they are

    def progress(items: Sequence[Any], label: str) -> AbstractContextManager[Iterable[Any]]:
        return click.progressbar(items, label=label, file=sys.stderr)

    code = enrich.command(cfg, corpus, problems, refresh=refresh, limit=limit, dry_run=dry_run,
                          progress=progress, echo=click.echo,
                          warn=lambda message: click.echo(message, err=True))
    report(problems)
    sys.exit(code)


@main.command("fetch")
@click.argument("which", required=False, metavar="[SOURCE]")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Fetch this one day.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
              help="Fetch every day from this one to today.")
@click.option("--query", help="An arXiv search query, e.g. 'cat:cs.CV AND abs:\"diffusion\"'.")
@click.pass_obj
def fetch_command(ctx: Context, which: str | None, on: datetime | None, since: datetime | None,
                  query: str | None) -> None:
    """Fetch new papers from the sources of digest.yaml (or SOURCE: a source's name,
    huggingface or arxiv) into content/listings/, one records listing per day."""
    import os

    from digest.commands import fetch
    from digest.inputs.fetchlog import read_log
    from digest.inputs.metadata import read_store

    problems = Problems()
    cfg, corpus = _corpus(ctx, problems)
    log = read_log(cfg.root, cfg.content_dir, problems)
    today = build_date()
    try:
        work = fetch.plan(cfg.sources, log, today, which, on=on.date() if on else None,
                          since=since.date() if since else None, query=query)
    except fetch.UsageProblem as exc:
        raise click.UsageError(str(exc)) from None
    store = read_store(cfg.root, cfg.content_dir, problems)
    outcome = fetch.command(cfg, corpus, log, store.titles, work, environ=os.environ,
                            echo=click.echo, warn=lambda m: click.echo(m, err=True))
    click.echo(fetch.summary(outcome))
    for message in outcome.failed:
        click.echo(f"error: {message}", err=True)
    report(problems)
    sys.exit(1 if outcome.failed or problems.errors else 0)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but a loopback address is warned about.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.pass_obj
def serve_command(ctx: Context, host: str, port: int, open_browser: bool) -> None:
    """Preview the site: serve it, rebuild on every change and reload open pages."""
    from digest.serve import server as serve

    sys.exit(serve.run(ctx.load, host=host, port=port, open_browser=open_browser,
                       debug=ctx.debug))


if __name__ == "__main__":  # pragma: no cover
    main()
