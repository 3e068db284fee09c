"""The papers of a digest project as a Hugo site, to time Hugo on the same papers (issue 16).

The records come from ``digest export --format json`` (so titles, abstracts after LaTeX
conversion, authors, dates and the topics digest's rules assigned are the same), one
``content/papers/<digest id>.md`` each: JSON front matter (title, date, the arXiv and
other links, upvotes, and four taxonomies: ``authors``, ``topics``, ``months``,
``editions`` = the listings the paper came from) and the abstract as the Markdown body.

What the hand-written layout renders, chosen to match digest's page kinds:

- a paper page: title, linked byline, date, upvotes, linked topics, the abstract, links,
  the editions it came from, the previous and next paper of its first topic (as in
  digest), a BibTeX entry;
- the home page, paginated 25 papers a page, with the topic list and counts;
- topic pages, paginated 25 a page, with an RSS feed each (digest: topic pages and feeds);
- one page per author, per month and per edition listing all of their papers
  (digest: author, month and edition pages; no feed each, as in digest);
- index pages of the topics, authors, months and editions;
- RSS for the home page (Hugo's built-in template, 50 items, digest's ``feed_size``)
  and Hugo's default sitemap.

Every list shows the same card (title, linked authors, date, linked topics, a summary),
cached per paper with ``partialCached`` as a Hugo author would. Term links are made from
the front matter with ``urlize`` (the URLs Hugo gives the terms), not with ``.GetTerms``:
``.GetTerms "authors"`` took 18 ms a paper page at 2,000 papers (5,000 authors) and more
as the site grows (gohugoio/hugo#12610; at 10k papers one build ran over 10 minutes),
which no Hugo site of that size would keep. What Hugo does not make
here and digest does: the search index, related papers, charts, Atom and JSON feeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HUGO = "/usr/bin/hugo"
PER_PAGE = 25
FEED_SIZE = 50

CONFIG = f"""\
baseURL = "http://127.0.0.1:8000/papers/"
languageCode = "en"
title = "TITLE"
paginate = {PER_PAGE}
rssLimit = {FEED_SIZE}
disableKinds = ["section"]

[taxonomies]
  topic = "topics"
  author = "authors"
  month = "months"
  edition = "editions"

[outputs]
  home = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML"]
"""

# Only topic pages have a feed (as in digest): set on the topics' own terms.
TOPICS_INDEX = """{"title": "Topics", "cascade": {"outputs": ["HTML", "RSS"]}}\n"""

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 155 }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .RelPermalink }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "topics/" | relURL }}">Topics</a> <a href="{{ "months/" | relURL }}">Archive</a>
<a href="{{ "editions/" | relURL }}">Editions</a> <a href="{{ "authors/" | relURL }}">Authors</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }} · <a href="{{ "index.xml" | relURL }}">RSS</a></footer>
</body>
</html>
"""

CARD = """\
<article class="card">
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p class="byline">{{ range $i, $a := .Params.authors }}{{ if $i }}, {{ end }}<a href="{{ printf "authors/%s/" (urlize $a) | relURL }}">{{ $a }}</a>{{ end }}</p>
<p class="meta">{{ with .Date }}{{ if not .IsZero }}<time datetime="{{ .Format "2006-01-02" }}">{{ .Format "January 2, 2006" }}</time>{{ end }}{{ end }}
{{ with .Params.upvotes }} · ▲ {{ . }}{{ end }}
{{ range .Params.topics }} <a class="tag" href="{{ printf "topics/%s/" (urlize .) | relURL }}">{{ . }}</a>{{ end }}</p>
<p>{{ .Summary | plainify | truncate 300 }}</p>
</article>
"""

PAGER = """\
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pager">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Previous</a>{{ end }}
{{ range .Pagers }}<a href="{{ .URL }}"{{ if eq . $.Paginator }} aria-current="page"{{ end }}>{{ .PageNumber }}</a> {{ end }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">Next</a>{{ end }}
</nav>{{ end }}{{ end }}
"""

SINGLE = """\
{{ define "main" }}
<article class="paper">
<h1>{{ .Title }}</h1>
<p class="byline">{{ range $i, $a := .Params.authors }}{{ if $i }}, {{ end }}<a href="{{ printf "authors/%s/" (urlize $a) | relURL }}">{{ $a }}</a>{{ end }}</p>
<p class="meta">{{ if not .Date.IsZero }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>{{ end }}
{{ with .Params.upvotes }} · ▲ {{ . }} upvotes{{ end }}</p>
<p class="topics">{{ range .Params.topics }}<a class="tag" href="{{ printf "topics/%s/" (urlize .) | relURL }}">{{ . }}</a> {{ end }}</p>
<section class="abstract"><h2>Abstract</h2>{{ .Content }}</section>
{{ with .Params.links }}<ul class="links">{{ range . }}<li><a href="{{ . }}">{{ . }}</a></li>{{ end }}</ul>{{ end }}
<section><h2>Seen in</h2><ul>{{ range .Params.editions }}<li><a href="{{ printf "editions/%s/" (urlize .) | relURL }}">{{ . }}</a></li>{{ end }}</ul></section>
<section><h2>Cite</h2><pre>@misc{ {{- .File.ContentBaseName -}},
  title = { {{- .Title -}} },
  author = { {{- delimit .Params.authors " and " -}} },
  year = { {{- .Date.Year -}} },
  url = { {{- .Permalink -}} }
}</pre></section>
{{ $page := . }}{{ range first 1 (.GetTerms "topics") }}<nav class="prevnext">
{{ with .Pages.Next $page }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .Pages.Prev $page }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ end }}
</article>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul class="topics">{{ range site.Taxonomies.topics.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ $pages := .Paginate (where site.RegularPages "Section" "papers") }}
{{ range $pages.Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
"""

TERM = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} papers{{ with .OutputFormats.Get "rss" }} · <a href="{{ .RelPermalink }}">feed</a>{{ end }}</p>
{{ if eq .Data.Plural "topics" }}
{{ range (.Paginate .Pages).Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}
{{ partial "pager.html" . }}
{{ else }}
{{ range .Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}
{{ end }}
{{ end }}
"""

TERMS = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"""

STYLE = "body{font:16px/1.5 system-ui;max-width:50rem;margin:auto}.card{margin:1rem 0}\n"


def export_records(project: Path) -> list[dict[str, object]]:
    """The project's papers as digest sees them, topics assigned (``digest export``)."""
    done = subprocess.run([sys.executable, "-m", "digest", "export", "--format", "json"],
                          cwd=project, check=True, capture_output=True, text=True)
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records


def _page(record: dict[str, object]) -> str:
    date = record.get("date") or record.get("added")
    sources = record.get("sources") or []
    front = {
        "title": record["title"],
        **({"date": date} if date else {}),
        "authors": record.get("authors") or [],
        "topics": record.get("topics") or [],
        "months": [str(date)[:7]] if date else ["undated"],
        "editions": sorted({str(s["listing"]) for s in sources}),  # type: ignore[index, union-attr]
        "links": record.get("links") or [],
        **({"upvotes": record["upvotes"]} if record.get("upvotes") else {}),
        "arxiv": record.get("arxiv_id"),
    }
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + str(record["abstract"]) + "\n"


def write_site(records: Sequence[dict[str, object]], folder: Path, title: str) -> Path:
    """A Hugo project of ``records`` in ``folder`` (made or emptied first); return it."""
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    papers = folder / "content" / "papers"
    papers.mkdir(parents=True)
    (folder / "content" / "topics").mkdir()
    (folder / "content" / "topics" / "_index.md").write_text(TOPICS_INDEX, encoding="utf-8")
    (folder / "config.toml").write_text(CONFIG.replace("TITLE", title), encoding="utf-8")
    layouts = folder / "layouts"
    for name, text in (("_default/baseof.html", BASEOF), ("_default/single.html", SINGLE),
                       ("_default/term.html", TERM), ("_default/terms.html", TERMS),
                       ("index.html", HOME), ("partials/card.html", CARD),
                       ("partials/pager.html", PAGER)):
        (layouts / name).parent.mkdir(parents=True, exist_ok=True)
        (layouts / name).write_text(text, encoding="utf-8")
    (folder / "static").mkdir()
    (folder / "static" / "style.css").write_text(STYLE, encoding="utf-8")
    for record in records:
        (papers / f"{record['id']}.md").write_text(_page(record), encoding="utf-8")
    return folder


def hugo_command(destination: Path) -> list[str]:
    return [HUGO, "--quiet", "--destination", str(destination)]


def main(argv: Sequence[str]) -> int:
    """``python benchmarks/hugo_site.py PROJECT HUGODIR``: write the Hugo site, build it once."""
    if len(argv) != 2:
        print("usage: python benchmarks/hugo_site.py DIGEST_PROJECT HUGO_DIR", file=sys.stderr)
        return 2
    project, folder = Path(argv[0]), Path(argv[1])
    records = export_records(project)
    write_site(records, folder, f"Hugo digest ({len(records)} papers)")
    done = subprocess.run(hugo_command(folder / "public"), cwd=folder, check=False,
                          env={**os.environ})
    print(f"wrote {len(records)} papers to {folder}; hugo exited {done.returncode}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
