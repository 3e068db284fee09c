"""The papers of a digest project as a Hugo site, to time Hugo on the same papers (issue 16).

The records come from ``digest export --format json`` (so titles, abstracts after LaTeX
conversion, authors, dates and the topics digest's rules assigned are the same), one
``content/papers/<digest id>.md`` each: JSON front matter and the abstract as the Markdown
body. The front matter holds the title, date, links, upvotes, every author (``byline``)
and four taxonomies: ``topics``, ``months`` (``2024-05``), ``editions`` (the listings the
paper came from) and ``authors``, which, as digest's ``author_pages: 2``, holds only the
authors of at least two papers (counted here, once, in Python): the others get no page.

The layout is what an experienced Hugo author would write for digest's pages, so that
Hugo's time stands for a well-made Hugo site of the same size, neither crippled by
whole-site scans in a per-page template nor spared pages digest makes:

- terms come from front matter and ``site.Taxonomies`` (map look-ups); term URLs are made
  with ``urlize`` (the URLs Hugo gives the terms), never with ``.GetTerms``, which scans
  every term for every page (gohugoio/hugo#12610: it made a 10k build take over 10
  minutes); no template ranges over the whole site per page; cards are
  ``partialCached`` per paper, and a topic's month groups once per topic (the paginator
  keeps its first argument but the template runs again for each of its pages);
  pagination is Hugo's own ``.Paginate``, its page numbers a window as digest's;
- a paper page: the ``citation_*`` meta tags, title, byline (authors with a page linked,
  the others plain text, as in digest), date, arXiv id, linked topics, the editions it
  was seen in, the abstract (Hugo renders the Markdown), links (those of the record, a
  search on arXiv and on Google Scholar), a BibTeX entry, five **related papers** from
  Hugo's own related-content index, and the newer and older paper of its first topic
  (digest's "More in <topic>": ``.Pages.Next`` on the topic's ``site.Taxonomies`` entry);
- the home page (one page, as digest's): the latest edition's papers, the topics with
  their counts, the most upvoted of the 500 newest papers, the previous editions;
- topic pages, 25 papers a page grouped by month (``.Paginate`` of ``GroupByDate``), the
  first page with a papers-per-month chart (inline SVG) and table, and an RSS feed each;
- one page per month (the archive) and per edition listing all their papers as cards,
  one per author listing titles and dates (digest's lighter author pages), all
  unpaginated as digest's; index pages of the topics, the months by year, the editions
  and the authors (2,000 names a page, as digest);
- feeds of the 50 newest papers (digest's ``feed_size``): RSS (Hugo's built-in template),
  Atom and JSON Feed (custom output formats), a sitemap, robots.txt and a 404 page;
- ``search.json`` on the home page, the one-file list of every paper (title, authors,
  topics, date, URL, abstract) that Hugo's search recipes (lunr.js, Fuse.js) load.

Not equivalent:

- search: digest's is a prebuilt lunr index in shards, with key files and 16-document
  result files and a search page; Hugo builds no index, only the document list (the
  browser would build the index), and has no search page or box;
- related papers: digest's are TF-IDF neighbours of the text, authors and topics, for
  every paper; Hugo's related content is indexed on shared authors only, so papers whose
  authors have no other paper list none. Hugo cannot weigh text, and on topics its index
  ranks every paper of each of the page's topics (a tenth of the site each): 2.3 ms more
  a paper page at 3,000 papers, over a minute at 10,000;
- the authors index lists the authors who have a page; digest's lists everyone (the
  others linked to their paper). Digest's home also names the topics that grew over the
  last three months, and its pages carry more markup (a skip link, a search box, copy
  buttons, a chart per topic on the topics index, relative links): Hugo's files are
  somewhat smaller;
- the uniform corpus (10 authors a paper from a small pool, 25 papers each) makes
  Hugo's related index rank about 250 papers a page, several seconds of CPU at 10,000.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

HUGO = "/usr/bin/hugo"
PER_PAGE = 25
FEED_SIZE = 50
AUTHOR_PAGES = 2  # digest's default: an author of at least two papers has a page
AUTHORS_PER_PAGE = 2000  # digest's authors index

CONFIG = f"""\
baseURL = "http://127.0.0.1:8000/papers/"
languageCode = "en"
title = "TITLE"
paginate = {PER_PAGE}
rssLimit = {FEED_SIZE}
titleCaseStyle = "none"
pluralizeListTitles = false
enableRobotsTXT = true
disableKinds = ["section"]

[taxonomies]
  topic = "topics"
  author = "authors"
  month = "months"
  edition = "editions"

[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[mediaTypes."application/feed+json"]
  suffixes = ["json"]

[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
  rel = "alternate"
[outputFormats.JSONFeed]
  mediaType = "application/feed+json"
  baseName = "feed"
  rel = "alternate"
  isPlainText = true
[outputFormats.SearchIndex]
  mediaType = "application/json"
  baseName = "search"
  isPlainText = true
  notAlternative = true

[outputs]
  home = ["HTML", "RSS", "Atom", "JSONFeed", "SearchIndex"]
  taxonomy = ["HTML"]
  term = ["HTML"]

# Hugo's related content on shared authors. Not on topics: each topic holds a tenth of the
# papers, and Hugo ranks every paper sharing a keyword, so the cost grows with the square of
# the site (2.3 ms more a paper page at 3,000 papers, over a minute at 10,000).
[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "authors"
    weight = 100
"""

# Only topic pages have a feed (as in digest): set on the topics' own terms.
TOPICS_INDEX = """{"title": "Topics", "outputs": ["HTML"], "cascade": {"outputs": ["HTML", "RSS"]}}\n"""
MONTHS_INDEX = """{"title": "Archive"}\n"""

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
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:url" content="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .RelPermalink }}">
{{ end }}{{ with site.Home }}{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .RelPermalink }}">
{{ end }}{{ end }}<link rel="stylesheet" href="{{ "style.css" | relURL }}">
{{ block "head" . }}{{ end }}
</head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "" | relURL }}">Home</a> <a href="{{ "topics/" | relURL }}">Topics</a>
<a href="{{ "editions/" | relURL }}">Editions</a> <a href="{{ "months/" | relURL }}">Archive</a>
<a href="{{ "authors/" | relURL }}">Authors</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }} · <a href="{{ "index.xml" | relURL }}">RSS</a></footer>
</body>
</html>
"""

# Cards on lists name the authors as plain text, the first five then "and N more" (digest).
CARD = """\
<article class="card">
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p class="byline">{{ with .Params.byline }}{{ delimit (first 5 .) ", " }}{{ if gt (len .) 5 }} and {{ sub (len .) 5 }} more{{ end }}{{ else }}Authors unknown{{ end }}</p>
<p class="meta">{{ if not .Date.IsZero }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "Jan 2, 2006" }}</time>{{ end }}
{{- with .Params.upvotes }} <span class="upvotes">▲ {{ . }}</span>{{ end }}
{{- range .Params.topics }} <a class="chip" href="{{ printf "topics/%s/" (urlize .) | relURL }}">{{ . }}</a>{{ end }}</p>
<p class="snippet">{{ .Summary | plainify | truncate 300 }}</p>
</article>
"""

# A window of page numbers around the current one, first and last, as digest's.
PAGER = """\
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pager">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Previous</a>{{ end }}
{{ $here := .PageNumber }}{{ $last := .TotalPages }}{{ $gap := false }}
{{ range .Pagers }}{{ $n := .PageNumber }}
{{- if or (eq $n 1) (eq $n $last) (and (ge $n (sub $here 2)) (le $n (add $here 2))) }}{{ $gap = false }}
{{- if eq $n $here }}<span aria-current="page">{{ $n }}</span> {{ else }}<a href="{{ .URL }}">{{ $n }}</a> {{ end }}
{{- else if not $gap }}{{ $gap = true }}<span class="gap">…</span> {{ end }}{{ end }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">Next</a>{{ end }}
</nav>{{ end }}{{ end }}
"""

SINGLE = """\
{{ define "head" }}
<meta name="citation_title" content="{{ .Title }}">
{{ range .Params.byline }}<meta name="citation_author" content="{{ . }}">
{{ end }}{{ if not .Date.IsZero }}<meta name="citation_publication_date" content="{{ .Date.Format "2006/01/02" }}">
{{ end }}<meta name="citation_abstract" content="{{ .Plain }}">
{{ with .Params.arxiv }}<meta name="citation_arxiv_id" content="{{ . }}">
<meta name="citation_pdf_url" content="https://arxiv.org/pdf/{{ . }}">{{ end }}
{{ end }}
{{ define "main" }}
{{ $linked := .Params.authors }}
<article class="paper">
<h1>{{ .Title }}</h1>
<p class="byline">{{ range $i, $a := .Params.byline }}{{ if $i }}, {{ end }}
{{- if in $linked $a }}<a href="{{ printf "authors/%s/" (urlize $a) | relURL }}">{{ $a }}</a>{{ else }}{{ $a }}{{ end }}
{{- else }}Authors unknown{{ end }}</p>
<dl class="facts">
{{ if not .Date.IsZero }}<dt>Date</dt><dd><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "Jan 2, 2006" }}</time></dd>{{ end }}
{{ with .Params.arxiv }}<dt>arXiv</dt><dd><a href="https://arxiv.org/abs/{{ . }}">arXiv:{{ . }}</a></dd>{{ end }}
{{ with .Params.upvotes }}<dt>Upvotes</dt><dd>▲ {{ . }}</dd>{{ end }}
{{ with .Params.topics }}<dt>Topics</dt><dd>{{ range . }}<a class="chip" href="{{ printf "topics/%s/" (urlize .) | relURL }}">{{ . }}</a>{{ end }}</dd>{{ end }}
{{ with .Params.editions }}<dt>Seen in</dt><dd>{{ range $i, $e := . }}{{ if $i }}, {{ end }}<a href="{{ printf "editions/%s/" (urlize $e) | relURL }}">{{ $e }}</a>{{ end }}</dd>{{ end }}
</dl>
<section class="abstract"><h2>Abstract</h2>{{ .Content }}</section>
<section><h2>Links</h2><ul class="links">
{{ range .Params.links }}<li><a href="{{ . }}">{{ . }}</a></li>
{{ end }}<li><a href="{{ printf "https://arxiv.org/search/?%s" (querify "query" .Title "searchtype" "title") | safeURL }}" rel="nofollow">Search arXiv</a></li>
<li><a href="{{ printf "https://scholar.google.com/scholar?%s" (querify "q" (printf "%q" .Title)) | safeURL }}" rel="nofollow">Google Scholar</a></li>
</ul></section>
{{ $key := "anon" }}{{ with .Params.byline }}{{ $key = index (split (index . 0) " ") (sub (len (split (index . 0) " ")) 1) | lower }}{{ end }}
<section><h2>Cite</h2><pre id="bibtex"><code>@misc{ {{- $key }}{{ .Date.Year }}{{ index (split .Title " ") 0 | urlize -}},
  title = { {{- "{" }}{{ .Title }}{{ "}" -}} },
  author = { {{- delimit .Params.byline " and " -}} },
  year = { {{- .Date.Year -}} },
{{ with .Params.arxiv }}  eprint = { {{- . -}} },
  archivePrefix = {arXiv},
{{ end }}  url = { {{- .Permalink -}} }
}</code></pre></section>
{{ with first 5 (site.RegularPages.Related .) }}<section class="related"><h2>Related papers</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ len .Params.byline }} authors{{ if not .Date.IsZero }} · {{ .Date.Format "Jan 2, 2006" }}{{ end }}</span></li>
{{ end }}</ul></section>{{ end }}
{{ with .Params.topics }}{{ $topic := index . 0 }}{{ with index site.Taxonomies.topics (urlize $topic) }}
{{ $pages := .Pages }}<nav class="prev-next" aria-label="More in {{ $topic }}"><h2>More in {{ $topic }}</h2>
{{ with $pages.Next $ }}<a rel="prev" href="{{ .RelPermalink }}">Newer: {{ .Title }}</a>{{ end }}
{{ with $pages.Prev $ }}<a rel="next" href="{{ .RelPermalink }}">Older: {{ .Title }}</a>{{ end }}</nav>
{{ end }}{{ end }}
</article>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ with last 1 site.Taxonomies.editions.Alphabetical }}{{ range . }}
<section><h2>Latest edition: <a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></h2>
{{ range .Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}</section>
{{ end }}{{ end }}
<section><h2>Topics</h2><ul class="topics">{{ range site.Taxonomies.topics.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul></section>
<section><h2>Most upvoted recently</h2><ol>
{{ range first 10 (sort (where (first 500 site.RegularPages.ByDate.Reverse) "Params.upvotes" "!=" nil) "Params.upvotes" "desc") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ▲ {{ .Params.upvotes }}</li>{{ end }}
</ol></section>
<section><h2>Previous editions</h2><ul>
{{ range first 10 (after 1 site.Taxonomies.editions.Alphabetical.Reverse) }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }} papers)</li>{{ end }}
</ul></section>
{{ end }}
"""

TOPIC = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="meta">{{ len .Pages }} papers{{ with .OutputFormats.Get "rss" }} · <a href="{{ .RelPermalink }}">Feed for this topic</a>{{ end }}</p>
{{ $groups := partialCached "months.html" . .Title }}
{{ $pager := .Paginate $groups }}
{{ if eq $pager.PageNumber 1 }}
{{ $months := where $groups "Key" "!=" "January 0001" }}{{ $most := 1 }}
{{ range $months }}{{ $most = math.Max $most (len .Pages) }}{{ end }}
<section class="trend"><h2>Papers per month</h2>
<svg viewBox="0 0 {{ mul 6 (len $months) }} 60" role="img" aria-label="Papers per month">
{{ range $i, $m := $months.Reverse }}<rect x="{{ mul 6 $i }}" y="{{ sub 60 (div (mul 60 (len $m.Pages)) $most) }}" width="5" height="{{ div (mul 60 (len $m.Pages)) $most }}"><title>{{ $m.Key }}: {{ len $m.Pages }}</title></rect>{{ end }}
</svg>
<details><summary>Papers per month as a table</summary><table>
{{ range $months }}<tr><th scope="row">{{ .Key }}</th><td>{{ len .Pages }}</td></tr>{{ end }}
</table></details></section>
{{ end }}
{{ range $pager.PageGroups }}<section><h2>{{ .Key }}</h2>
{{ range .Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}</section>
{{ end }}
{{ partial "pager.html" . }}
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="meta">{{ len .Pages }} papers</p>
{{ range .Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}
{{ end }}
"""

# The topic's papers grouped by month once: the paginator keeps its first argument, but the
# template is run again for every page of it.
MONTH_GROUPS = """{{ return .Pages.GroupByDate "January 2006" }}\n"""

# Author pages list titles and dates, as digest's (no cards).
AUTHOR = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="meta">{{ len .Pages }} papers in this digest</p>
<ol class="paper-list">{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if not .Date.IsZero }} <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "Jan 2, 2006" }}</time>{{ end }}</li>{{ end }}
</ol>
{{ end }}
"""

TERMS = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"""

MONTHS = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ range .Data.Terms.Alphabetical.Reverse }}{{ $year := cond (eq .Name "undated") "Undated" (substr .Name 0 4) }}
{{ if ne $year ($.Scratch.Get "year") }}{{ $.Scratch.Set "year" $year }}<h2>{{ $year }}</h2>{{ end }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})
{{ end }}
{{ end }}
"""

AUTHORS = f"""\
{{{{ define "main" }}}}
<h1>{{{{ .Title }}}}</h1>
{{{{ $pager := .Paginate .Pages.ByTitle {AUTHORS_PER_PAGE} }}}}
<ul class="authors">{{{{ range $pager.Pages }}}}<li><a href="{{{{ .RelPermalink }}}}">{{{{ .Title }}}}</a> ({{{{ len .Pages }}}})</li>{{{{ end }}}}</ul>
{{{{ partial "pager.html" . }}}}
{{{{ end }}}}
"""

ATOM = """\
{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{{ site.Title }}</title>
<id>{{ .Permalink }}</id>
<link rel="self" href="{{ with .OutputFormats.Get "atom" }}{{ .Permalink }}{{ end }}"/>
<link href="{{ .Permalink }}"/>
{{ $items := first site.Config.Services.RSS.Limit site.RegularPages.ByDate.Reverse }}
<updated>{{ with index $items 0 }}{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}{{ end }}</updated>
{{ range $items }}<entry>
<title>{{ .Title }}</title>
<id>{{ .Permalink }}</id>
<link href="{{ .Permalink }}"/>
<updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ range .Params.byline }}<author><name>{{ . }}</name></author>{{ end }}
{{ range .Params.topics }}<category term="{{ . }}"/>{{ end }}
<summary type="html">{{ .Content | html }}</summary>
</entry>
{{ end }}</feed>
"""

JSONFEED = """\
{{- $items := slice -}}
{{- range first site.Config.Services.RSS.Limit site.RegularPages.ByDate.Reverse -}}
{{- $authors := slice }}{{ range .Params.byline }}{{ $authors = $authors | append (dict "name" .) }}{{ end -}}
{{- $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title
      "content_html" .Content "date_published" (.Date.Format "2006-01-02T15:04:05Z07:00")
      "authors" $authors "tags" (default slice .Params.topics)) -}}
{{- end -}}
{{- dict "version" "https://jsonfeed.org/version/1.1" "title" site.Title
    "home_page_url" .Permalink "items" $items | jsonify -}}
"""

# One document a line, joined by hand: appending 10,000 maps to a slice would copy it each time.
SEARCH = """\
[{{ range $i, $p := site.RegularPages }}{{ if $i }},{{ end }}
{{ dict "url" .RelPermalink "title" .Title "authors" (default slice .Params.byline)
   "topics" (default slice .Params.topics) "date" (.Date.Format "2006-01-02")
   "abstract" .Plain | jsonify }}{{ end }}
]
"""

NOT_FOUND = """\
{{ define "main" }}<h1>Page not found</h1><p><a href="{{ "" | relURL }}">Home</a></p>{{ end }}
"""

STYLE = "body{font:16px/1.5 system-ui;max-width:50rem;margin:auto}.card{margin:1rem 0}\n"

LAYOUTS = {
    "_default/baseof.html": BASEOF, "_default/single.html": SINGLE,
    "_default/term.html": LIST, "_default/terms.html": TERMS, "topics/term.html": TOPIC,
    "months/terms.html": MONTHS, "authors/terms.html": AUTHORS, "authors/term.html": AUTHOR, "index.html": HOME,
    "index.atom.xml": ATOM, "index.jsonfeed.json": JSONFEED,
    "index.searchindex.json": SEARCH, "404.html": NOT_FOUND,
    "partials/card.html": CARD, "partials/pager.html": PAGER, "partials/months.html": MONTH_GROUPS,
}


def export_records(project: Path) -> list[dict[str, object]]:
    """The project's papers as digest sees them, topics assigned (``digest export``)."""
    done = subprocess.run([sys.executable, "-m", "digest", "export", "--format", "json"],
                          cwd=project, check=True, capture_output=True, text=True)
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records


def _authors(record: dict[str, object]) -> list[str]:
    return [str(a) for a in record.get("authors") or []]  # type: ignore[attr-defined]


def _page(record: dict[str, object], with_page: set[str]) -> str:
    date = record.get("date") or record.get("added")
    sources = record.get("sources") or []
    byline = _authors(record)
    front = {
        "title": record["title"],
        **({"date": date} if date else {}),
        "byline": byline,
        "authors": [a for a in byline if a in with_page],
        "topics": record.get("topics") or [],
        "months": [str(date)[:7]] if date else ["undated"],
        "editions": sorted({str(s["listing"]) for s in sources}),  # type: ignore[index, union-attr]
        "links": record.get("links") or [],
        **({"upvotes": record["upvotes"]} if record.get("upvotes") else {}),
        "arxiv": record.get("arxiv_id"),
    }
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + str(record["abstract"]) + "\n"


def write_site(records: Sequence[dict[str, object]], folder: Path, title: str,
               author_pages: int = AUTHOR_PAGES) -> Path:
    """A Hugo project of ``records`` in ``folder`` (made or emptied first); return it."""
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    papers = folder / "content" / "papers"
    papers.mkdir(parents=True)
    for name, text in (("topics", TOPICS_INDEX), ("months", MONTHS_INDEX)):
        (folder / "content" / name).mkdir()
        (folder / "content" / name / "_index.md").write_text(text, encoding="utf-8")
    (folder / "config.toml").write_text(CONFIG.replace("TITLE", title), encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "static").mkdir()
    (folder / "static" / "style.css").write_text(STYLE, encoding="utf-8")
    counts = Counter(a for record in records for a in set(_authors(record)))
    with_page = {a for a, n in counts.items() if n >= author_pages}
    for record in records:
        (papers / f"{record['id']}.md").write_text(_page(record, with_page), encoding="utf-8")
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
