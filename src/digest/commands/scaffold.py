"""``digest new`` (a ready site in a new folder) and ``digest add`` (a pasted listing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

from digest import DISTRIBUTION, __version__
from digest.errors import Problems
from digest.inputs.listings import FORMATS, parse_listing
from digest.model import Listing, Paper
from digest.text.slugs import name_slug, title_key

CONFIG_HEADER = """\
# digest configuration. Every key is optional; an unknown key is an error.
title: {title}            # the site's name, in the header and the feeds
description: Papers we follow, grouped by topic and date.   # meta description, feed text
# Absolute URL the site is published at, with its sub-path on GitHub Pages.
# The workflow in .github/workflows/pages.yml passes --base-url, which overrides this.
base_url: http://127.0.0.1:8000/
author: ""              # shown in the footer and as the feeds' author
language: en            # the pages' lang attribute and the feeds' language
per_page: 25            # papers per topic page
listing_per_page: 200   # papers per page of an edition or a month
feed_size: 50           # papers in each feed
author_pages: 2         # an author's own page from this many papers on (1: everyone)
output: site            # build folder; digest only ever replaces a folder it made
# cname: papers.example.org   # writes a CNAME file for a custom domain
# markdown:
#   html: false          # true lets raw HTML in notes and pages through unescaped
# sources: what `digest fetch` (and the daily workflow) keeps current, one listing a day
#   - {{name: hf-daily, kind: huggingface, max_age_days: 3}}
#   - {{name: cv-ssl, kind: arxiv, query: 'cat:cs.CV AND abs:"self-supervised"'}}
#
# topics: the taxonomy. A paper gets its best one to three topics; keywords and
# phrases match case-insensitively on word boundaries, title matches weigh more;
# papers matching nothing go to a visible "Other" topic. `digest topics` shows
# the counts and the frequent terms of "Other", to write new rules from.
"""


def _skeleton(name: str) -> bytes:
    return (resources.files("digest") / "skeleton" / name).read_bytes()


def config_text(title: str) -> str:
    taxonomy = yaml.safe_load((resources.files("digest") / "default_taxonomy.yaml").read_text())
    body = yaml.safe_dump({"topics": taxonomy}, sort_keys=False, allow_unicode=True, width=88)
    return CONFIG_HEADER.format(title=yaml.safe_dump(title).strip().removesuffix("...").strip()) \
        + body


def requirements_text() -> str:
    """The pinned requirement the Pages workflow installs: the digest that made the site."""
    return (f"# digest for .github/workflows/pages.yml: the version that made this digest.\n"
            f"# Raise it to upgrade; `pip install -r requirements.txt` installs it locally too.\n"
            f"{DISTRIBUTION}=={__version__}\n")


class ScaffoldError(Exception):
    """The command would overwrite something; nothing was written."""


def new_site(folder: Path, title: str | None = None) -> list[Path]:
    """Create a ready-to-build digest in an empty (or new) folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder}: not empty; digest new only writes into a new or "
                            "empty folder")
    files = {
        "digest.yaml": config_text(title or folder.resolve().name.replace("-", " ").title()
                                   or "Paper digest").encode(),
        "content/listings/example-hugging-face-daily.txt": _skeleton("example-listing.txt"),
        "content/notes/lora-vs-full-fine-tuning.md": _skeleton("example-note.md"),
        "content/pages/about.md": _skeleton("about.md"),
        ".gitignore": _skeleton("gitignore"),
        "requirements.txt": requirements_text().encode(),
        ".github/workflows/pages.yml": _skeleton("pages.yml"),
    }
    written = []
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


@dataclass
class Added:
    path: Path
    listing: Listing | None
    duplicates: list[Paper] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def add_listing(root: Path, text: str, *, when: date, title: str | None, fmt: str | None,
                existing: tuple[Paper, ...]) -> Added:
    """Write a pasted listing under ``content/listings/DATE-slug.txt`` and parse it."""
    if fmt is not None and fmt not in FORMATS:
        raise ScaffoldError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if not text.strip():
        raise ScaffoldError("nothing to add: the pasted listing is empty")
    name_title = title or "listing"
    path = root / "content" / "listings" / f"{when.isoformat()}-{name_slug(name_title)}.txt"
    if path.exists():
        raise ScaffoldError(f"{path}: already exists; digest add never overwrites (pass --title "
                            "to choose another name)")
    meta: dict[str, object] = {"date": when}
    if title:
        meta["title"] = title
    if fmt:
        meta["format"] = fmt
    front = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"
    data = (front + text).encode("utf-8")
    problems = Problems()
    rel = path.relative_to(root).as_posix()
    listing = parse_listing(rel, data, when, problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as handle:  # x: never overwrite, even in a race
        handle.write(data)
    known = {title_key(p.title): p for p in existing}
    duplicates = [known[title_key(e.title)] for e in (listing.entries if listing else ())
                  if title_key(e.title) in known]
    return Added(path, listing, duplicates, problems)
