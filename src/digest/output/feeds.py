"""Feeds: RSS 2.0 (site, per topic, editions), Atom 1.0 and JSON Feed 1.1 for the site.

One list of ``FeedItem`` records is built from the site data, then serialised
three ways, so the formats never diverge. XML goes through ElementTree, never
string concatenation. Dates come from the papers and listings, never the clock:
a feed is "updated" at its newest item, else at ``SiteData.build_date``
(``SOURCE_DATE_EPOCH`` when set). Undated items sort last and carry no pubDate.
"""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from html import escape

from digest.config import TopicRule
from digest.incremental import Memo
from digest.model import Listing, Paper
from digest.site import urls
from digest.site.data import SiteData
from digest.text.dates import parse_iso
from digest.text.slugs import name_slug

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedItem:
    """One entry, whatever the format: a paper or an edition (listing)."""

    url: str  # absolute permalink; also the guid / id, so it never changes
    title: str
    date: date | None
    authors: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]  # (term, label)
    text: str  # plain-text summary (the abstract)
    html: str  # description: note, abstract, links


@dataclass(frozen=True)
class Feed:
    """One feed's channel data and its items, newest first."""

    path: str  # output path, relative to the site root
    url: str  # absolute URL of the feed itself
    title: str
    home: str  # absolute URL of the page the feed follows
    description: str
    language: str
    updated: date  # newest item date, else the build date
    items: tuple[FeedItem, ...]


def clean(text: str) -> str:
    """Drop the characters XML cannot carry, so one bad abstract cannot break a feed."""
    return _FORBIDDEN.sub("", text)


def _web_links(links: Iterable[str]) -> list[str]:
    return [link for link in links if link.startswith(("https://", "http://"))]


def _a(url: str, label: str) -> str:
    """An HTML link; the label is text, never markup."""
    return f'<a href="{escape(url)}">{escape(label, quote=False)}</a>'


def _paper_html(paper: Paper, note_html: str | None,
                related: Sequence[tuple[str, str]] = ()) -> str:
    parts = [note_html] if note_html else []
    paragraphs = (para.strip() for para in paper.abstract.split("\n\n"))
    parts += [f"<p>{escape(para, quote=False)}</p>" for para in paragraphs if para]
    links = _web_links(paper.links)
    if links:
        items = "".join(f"<li>{_a(u, u)}</li>" for u in links)
        parts.append(f"<p>Code and links:</p><ul>{items}</ul>")
    if related:
        parts.append("<p>Related: " + "; ".join(_a(u, title) for u, title in related) + "</p>")
    return "\n".join(parts)


Links = tuple[tuple[str, str], ...]  # (absolute URL, title)


def related_links(site: SiteData, paper: Paper, by_id: Mapping[str, Paper]) -> Links:
    """The pages of the papers related to ``paper`` (``SiteData.related``), best first."""
    return tuple((urls.absolute(site.config, urls.paper(other)), by_id[other].title)
                 for other, _ in site.related.get(paper.id, ()) if other in by_id)


def paper_item(site: SiteData, paper: Paper,
               names: dict[str, TopicRule] | None = None,
               related: Links | None = None) -> FeedItem:
    """The feed entry of one paper: abstract as text, topics as categories, and a
    "Related:" line linking the papers most like it."""
    names = site.topic_by_slug() if names is None else names
    if related is None:
        related = related_links(site, paper, {p.id: p for p in site.papers})
    return FeedItem(
        url=urls.absolute(site.config, urls.paper(paper.id)),
        title=clean(paper.title),
        date=parse_iso(paper.effective_date),
        authors=tuple(clean(a) for a in paper.authors),
        categories=tuple((s, clean(names[s].name if s in names else s)) for s in paper.topics),
        text=clean(paper.abstract),
        html=clean(_paper_html(paper, site.notes_feed_html.get(paper.id), related)),
    )


def edition_item(site: SiteData, listing: Listing, papers: list[Paper]) -> FeedItem:
    """One item per listing, its papers as a list, for one item a day instead of thirty."""
    cfg = site.config
    lines = "".join(f"<li>{_a(urls.absolute(cfg, urls.paper(p.id)), p.title)}</li>"
                    for p in papers)
    count = f"{len(papers)} paper{'' if len(papers) == 1 else 's'}"
    source = _web_links([listing.source or ""])
    via = f" from {_a(source[0], source[0])}" if source else ""
    return FeedItem(
        url=urls.absolute(cfg, urls.edition(listing.id)),
        title=clean(listing.title),
        date=parse_iso(listing.date or site.listing_added.get(listing.id)),
        authors=(),
        categories=tuple((name_slug(t), clean(t)) for t in listing.topics),
        text=clean(f"{count}: " + "; ".join(p.title for p in papers)),
        html=clean(f"<p>{count}{via}.</p>\n<ol>{lines}</ol>"),
    )


def _feed(site: SiteData, path: str, home: str, title: str, description: str,
          items: list[FeedItem]) -> Feed:
    dates = [i.date for i in items if i.date]
    cfg = site.config
    return Feed(path=path, url=urls.absolute(cfg, path), title=clean(title),
                home=urls.absolute(cfg, home), description=clean(description),
                language=cfg.language, updated=max(dates, default=site.build_date),
                items=tuple(items))


@dataclass
class FeedMemo:
    """The last build's feed items and files, for a rebuild to reuse what is equal.

    An item is kept, by its paper's id, while the record, its note and related links are
    equal; an edition's, by the listing's id, while its listing and papers are; all while
    the config and topic names are the same. A file is kept while its ``Feed`` is equal.
    """

    context: tuple[object, ...] = ()
    items: Memo[FeedItem] = field(default_factory=Memo)
    editions: Memo[FeedItem] = field(default_factory=Memo)
    files: dict[str, tuple[Feed, bytes]] = field(default_factory=dict)


def build_feeds(site: SiteData, memo: FeedMemo | None = None,
                by_listing: Mapping[str, list[Paper]] | None = None) -> list[Feed]:
    """Site feed, one feed per topic, then the editions feed; items newest first.

    Items are made only for the papers some feed shows (a feed holds ``feed_size``).
    """
    cfg, size = site.config, site.config.feed_size
    ordered = site.ordered
    names = site.topic_by_slug()
    if memo is not None:
        context = (cfg, tuple(names.values()))
        if memo.context != context:
            memo.context, memo.files = context, {}
            memo.items.clear()
            memo.editions.clear()
    items: Memo[FeedItem] = memo.items if memo is not None else Memo()
    by_id = site.papers_by_id

    def item(paper: Paper) -> FeedItem:
        extra = (site.notes_feed_html.get(paper.id), related_links(site, paper, by_id))
        return items.keep(paper.id, (paper, extra),
                          lambda: paper_item(site, paper, names, extra[1]))

    feeds = [_feed(site, urls.FEED_RSS, urls.HOME, cfg.title, cfg.description,
                   [item(p) for p in ordered[:size]])]
    newest = {topic.slug: site.by_topic.get(topic.slug, [])[:size] for topic in site.topics}
    for topic in site.topics:
        feeds.append(_feed(site, urls.topic_feed(topic.slug), urls.topic(topic.slug),
                           f"{cfg.title}: {topic.name}",
                           topic.description or f"Papers on {topic.name}.",
                           [item(p) for p in newest[topic.slug]]))
    listings = sorted(site.listings, key=lambda li: li.id)
    # newest first by the day each entered the digest; stable: ids ascend; undated last
    listings.sort(key=lambda li: li.date or site.listing_added.get(li.id) or "", reverse=True)
    members = site.by_listing if by_listing is None else by_listing  # (the plan's, if made)
    edition_memo: Memo[FeedItem] = memo.editions if memo is not None else Memo()
    editions = []
    for li in listings[:size]:
        papers = members.get(li.id, [])
        editions.append(edition_memo.keep(li.id, (li, papers),
                                          functools.partial(edition_item, site, li, papers)))
    feeds.append(_feed(site, urls.FEED_EDITIONS, urls.EDITIONS, f"{cfg.title}: editions",
                       "One item per listing, with its papers.", editions))
    items.done()
    edition_memo.done()
    return feeds


def rfc822(day: date) -> str:
    return format_datetime(datetime.combine(day, time(), UTC), usegmt=True)


def rfc3339(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = clean(text)
    return el


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def to_rss(feed: Feed) -> bytes:
    """RSS 2.0 with ``atom:link rel=self`` and Dublin Core creators."""
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home)
    _sub(channel, "description", feed.description)
    _sub(channel, "language", feed.language)
    _sub(channel, "lastBuildDate", rfc822(feed.updated))
    _sub(channel, "atom:link", href=feed.url, rel="self", type="application/rss+xml")
    for item in feed.items:
        el = _sub(channel, "item")
        _sub(el, "title", item.title)
        _sub(el, "link", item.url)
        _sub(el, "guid", item.url, isPermaLink="true")
        if item.date:
            _sub(el, "pubDate", rfc822(item.date))
        for author in item.authors:
            _sub(el, "dc:creator", author)
        for _, label in item.categories:
            _sub(el, "category", label)
        if item.html:
            _sub(el, "description", item.html)
    return _xml(rss)


def to_atom(feed: Feed, author: str) -> bytes:
    """Atom 1.0; undated entries take the feed's ``updated`` and no ``published``."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": feed.language})
    _sub(root, "id", feed.url)
    _sub(root, "title", feed.title)
    _sub(root, "subtitle", feed.description)
    _sub(root, "updated", rfc3339(feed.updated))
    _sub(root, "link", href=feed.url, rel="self", type="application/atom+xml")
    _sub(root, "link", href=feed.home, rel="alternate", type="text/html")
    _sub(_sub(root, "author"), "name", author)  # entries without authors fall back to it
    for item in feed.items:
        entry = _sub(root, "entry")
        _sub(entry, "id", item.url)
        _sub(entry, "title", item.title, type="text")
        _sub(entry, "updated", rfc3339(item.date or feed.updated))
        if item.date:
            _sub(entry, "published", rfc3339(item.date))
        _sub(entry, "link", href=item.url, rel="alternate", type="text/html")
        for name in item.authors:
            _sub(_sub(entry, "author"), "name", name)
        for term, label in item.categories:
            _sub(entry, "category", term=term, label=label)
        if item.text:
            _sub(entry, "summary", item.text, type="text")
        if item.html:
            _sub(entry, "content", item.html, type="html")
    return _xml(root)


def to_json_feed(feed: Feed, author: str) -> bytes:
    """JSON Feed 1.1, keys sorted."""
    items = []
    for item in feed.items:
        entry: dict[str, object] = {"id": item.url, "url": item.url, "title": item.title,
                                    "content_html": item.html}
        if item.text:
            entry["content_text"] = item.text
        if item.date:
            entry["date_published"] = rfc3339(item.date)
        if item.authors:
            entry["authors"] = [{"name": a} for a in item.authors]
        if item.categories:
            entry["tags"] = [label for _, label in item.categories]
        items.append(entry)
    data = {"version": JSON_FEED_VERSION, "title": feed.title, "home_page_url": feed.home,
            "feed_url": feed.url, "description": feed.description, "language": feed.language,
            "authors": [{"name": author}], "items": items}
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def render_feeds(site: SiteData, memo: FeedMemo | None = None,
                 by_listing: Mapping[str, list[Paper]] | None = None) -> dict[str, bytes]:
    """Every feed file, by output path relative to the site root; with a memo, a feed
    equal to last time's is not serialised again."""
    feeds = build_feeds(site, memo, by_listing)
    previous = memo.files if memo is not None else {}
    files: dict[str, tuple[Feed, bytes]] = {}

    def serialised(feed: Feed, render: Callable[[Feed], bytes]) -> bytes:
        old = previous.get(feed.path)
        data = old[1] if old is not None and old[0] == feed else render(feed)
        files[feed.path] = (feed, data)
        return data

    out = {feed.path: serialised(feed, to_rss) for feed in feeds}
    site_feed = feeds[0]
    author = clean(site.config.author or site.config.title)
    for path, render in ((urls.FEED_ATOM, to_atom), (urls.FEED_JSON, to_json_feed)):
        url = urls.absolute(site.config, path)
        out[path] = serialised(replace(site_feed, path=path, url=url),
                               functools.partial(_with_author, render, author))
    if memo is not None:
        memo.files = files
    return dict(sorted(out.items()))


def _with_author(render: Callable[[Feed, str], bytes], author: str, feed: Feed) -> bytes:
    return render(feed, author)
