"""``digest export``: every canonical paper record as JSON, CSV or BibTeX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace

from digest.model import Paper
from digest.text import bibtex

FORMATS = ("json", "csv", "bibtex")


def records(papers: Sequence[Paper], topic_names: Mapping[str, str]) -> list[dict[str, object]]:
    """The papers' records with their assigned topics by name (as a records file takes them)."""
    return [replace(p, topics=tuple(topic_names.get(t, t) for t in p.topics)).to_record()
            for p in papers]


def _csv(papers: Sequence[Paper], topic_names: Mapping[str, str]) -> str:
    """One row per paper; list fields joined so a spreadsheet shows them in one cell."""
    rows = records(papers, topic_names)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["id"],
                            lineterminator="\n")
    writer.writeheader()
    for paper, row in zip(papers, rows, strict=True):
        row["authors"] = "; ".join(paper.authors)
        row["links"] = " ".join(paper.links)
        row["topics"] = "; ".join(topic_names.get(t, t) for t in paper.topics)
        row["categories"] = " ".join(paper.arxiv.categories) if paper.arxiv else ""
        row["sources"] = " ".join(f"{s.path}:{s.line}" for s in paper.sources)
        writer.writerow(row)
    return buffer.getvalue()


def export(papers: Sequence[Paper], topic_names: Mapping[str, str], fmt: str) -> str:
    """The text ``digest export --format fmt`` prints."""
    if fmt == "json":
        return json.dumps(records(papers, topic_names), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(papers, topic_names)
    if fmt == "bibtex":
        return "\n".join(bibtex.entries(list(papers)))
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
