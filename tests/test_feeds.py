"""Feeds: RSS 2.0 (site, topics, editions), Atom and JSON Feed from one list of items."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from feed_checks import check_atom, check_json_feed, check_rss

from digest.config import Config, TopicRule
from digest.model import Listing, Paper, Source
from digest.output.feeds import render_feeds
from digest.site import urls
from digest.site.data import SiteData
from digest.text.slugs import paper_slug

BASE = "https://user.github.io/papers/"
ROOT = Path(__file__).resolve().parents[1]
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
TOPICS = (TopicRule("Vision", "vision", "Seeing things."), TopicRule("Language", "language"))
HOSTILE = "We beat <script>alert(1)</script> & co ]]> by 17.5\x07× (see \x00it)."
HOSTILE_TEXT = "We beat <script>alert(1)</script> & co ]]> by 17.5× (see it)."

# listing id → (date, paper titles in order)
LISTINGS = {
    "2025-12-08-hf": ("2025-12-08", ["Alpha Vision", "Gamma Words"]),
    "2025-12-20-hf": ("2025-12-20", ["Beta Words", "Gamma Words"]),
    "search": (None, ["Delta Undated", "Epsilon Early"]),
}


def paper(title: str, topics: tuple[str, ...], **fields: object) -> Paper:
    sources = tuple(sorted(
        Source(listing=lid, position=pos, path=f"content/listings/{lid}.txt", line=pos * 3,
               date=day)
        for lid, (day, titles) in LISTINGS.items()
        for pos, t in enumerate(titles, start=1) if t == title
    ))
    return Paper(id=paper_slug(title), title=title, topics=topics, sources=sources,
                 **fields)  # type: ignore[arg-type]


def make_site(tmp_path: Path, *, feed_size: int = 50, build: date = date(2026, 1, 1),
              notes: dict[str, str] | None = None, extra: tuple[Paper, ...] = ()) -> SiteData:
    papers = (
        paper("Alpha Vision", ("vision", "language"), authors=("Ada Lovelace", "Alan Turing"),
              abstract="Faster by 17.5× on ImageNet. Code at https://github.com/x/alpha.",
              links=("https://github.com/x/alpha",)),
        paper("Beta Words", ("language",), date="2025-12-20", abstract="Words, words."),
        paper("Gamma Words", ("language",), abstract=HOSTILE),
        paper("Delta Undated", ("vision",), abstract="No date anywhere."),
        paper("Epsilon Early", ("vision",), date="2025-11-01"),
        *extra,
    )
    listings = tuple(
        Listing(id=lid, path=f"content/listings/{lid}.txt", title=f"Listing {lid}",
                format="huggingface", date=day, source="https://huggingface.co/papers",
                topics=("Pre-training",) if day else ())
        for lid, (day, _) in LISTINGS.items()
    )
    config = Config(root=tmp_path, base_url=BASE, feed_size=feed_size)
    return SiteData(config, tuple(sorted(papers, key=lambda p: p.id)), TOPICS, listings, build,
                    notes_feed_html=notes or {})


@pytest.fixture
def site(tmp_path: Path) -> SiteData:
    return make_site(tmp_path)


def rss_items(data: bytes) -> list[ET.Element]:
    return ET.fromstring(data).findall("channel/item")


def item_links(data: bytes) -> list[str]:
    return [i.findtext("link") or "" for i in rss_items(data)]


def purl(title: str) -> str:
    return BASE + urls.paper(paper_slug(title))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


# feedparser 6.0 reads RSS and Atom; JSON Feed is checked with json and check_json_feed.
EXPECTED_COUNTS = {urls.FEED_RSS: 5, urls.FEED_ATOM: 5, urls.FEED_EDITIONS: 3,
                   urls.topic_feed("vision"): 3, urls.topic_feed("language"): 3}
RSS_PATHS = [urls.FEED_RSS, urls.FEED_EDITIONS, urls.topic_feed("vision"),
             urls.topic_feed("language")]


def test_renders_every_feed_and_nothing_else(site: SiteData) -> None:
    assert sorted(render_feeds(site)) == sorted([*EXPECTED_COUNTS, urls.FEED_JSON])


@pytest.mark.parametrize("path", sorted(EXPECTED_COUNTS))
def test_feedparser_reads_every_feed_cleanly(site: SiteData, path: str) -> None:
    parsed = feedparser.parse(render_feeds(site)[path])
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == EXPECTED_COUNTS[path]
    assert parsed.feed.link.startswith(BASE)
    for entry in parsed.entries:
        assert entry.link.startswith(BASE)
        assert entry.id == entry.link
        if "Undated" not in entry.title and "search" not in entry.link:
            assert entry.published_parsed is not None, entry.title
    dated = [e for e in parsed.entries if e.get("published_parsed")]
    assert dated == sorted(dated, key=lambda e: e.published_parsed, reverse=True)


def test_guids_never_change_and_same_input_gives_same_bytes(tmp_path: Path) -> None:
    first, again = render_feeds(make_site(tmp_path)), render_feeds(make_site(tmp_path))
    assert first == again
    grown = render_feeds(make_site(tmp_path, build=date(2027, 5, 5), extra=(
        paper("Zeta Newest", ("vision",), date="2026-01-01"),)))

    def guids(data: bytes) -> dict[str, str]:
        return {e.title: e.id for e in feedparser.parse(data).entries}

    for path in EXPECTED_COUNTS:
        before, after = guids(first[path]), guids(grown[path])
        assert all(after[t] == g for t, g in before.items()), path

    def json_ids(data: bytes) -> dict[str, str]:
        return {i["title"]: i["id"] for i in json.loads(data)["items"]}

    before, after = json_ids(first[urls.FEED_JSON]), json_ids(grown[urls.FEED_JSON])
    assert all(after[t] == g for t, g in before.items())
    assert guids(first[urls.FEED_RSS])["Alpha Vision"] == purl("Alpha Vision")


@pytest.mark.parametrize("path", RSS_PATHS)
def test_every_rss_feed_passes_the_structural_check(site: SiteData, path: str) -> None:
    assert check_rss(render_feeds(site)[path], BASE + path) == []


def test_atom_and_json_feed_pass_their_checks(site: SiteData) -> None:
    out = render_feeds(site)
    assert check_atom(out[urls.FEED_ATOM], BASE + urls.FEED_ATOM) == []
    assert check_json_feed(out[urls.FEED_JSON], BASE + urls.FEED_JSON) == []
    feed = json.loads(out[urls.FEED_JSON])
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert all(item["id"] for item in feed["items"])
    for entry in ET.fromstring(out[urls.FEED_ATOM]).findall(f"{ATOM}entry"):
        assert all(entry.findtext(f"{ATOM}{tag}") for tag in ("id", "title", "updated"))


def test_three_formats_carry_the_same_items(site: SiteData) -> None:
    out = render_feeds(site)
    rss, atom = (feedparser.parse(out[p]).entries for p in (urls.FEED_RSS, urls.FEED_ATOM))
    items = json.loads(out[urls.FEED_JSON])["items"]
    assert [e.id for e in rss] == [e.id for e in atom] == [i["id"] for i in items]
    assert [e.title for e in rss] == [e.title for e in atom] == [i["title"] for i in items]
    assert [e.get("published_parsed") for e in rss] == [e.get("published_parsed") for e in atom]
    assert [i.get("date_published") for i in items] == [
        f"{d}T00:00:00Z" if d else None
        for d in ("2025-12-20", "2025-12-08", "2025-12-08", "2025-11-01", None)]


def test_site_feed_keeps_the_newest_papers_and_breaks_ties_by_id(tmp_path: Path) -> None:
    out = render_feeds(make_site(tmp_path, feed_size=3))
    # Alpha and Gamma share 2025-12-08 (Gamma's earliest listing): the id decides.
    assert item_links(out[urls.FEED_RSS]) == [purl("Beta Words"), purl("Alpha Vision"),
                                              purl("Gamma Words")]
    assert len(json.loads(out[urls.FEED_JSON])["items"]) == 3
    assert len(rss_items(out[urls.topic_feed("vision")])) == 3


def test_undated_papers_sort_last_without_a_fabricated_date(site: SiteData) -> None:
    out = render_feeds(site)
    vision = rss_items(out[urls.topic_feed("vision")])
    assert [i.findtext("link") for i in vision] == [purl("Alpha Vision"), purl("Epsilon Early"),
                                                     purl("Delta Undated")]
    assert vision[-1].find("pubDate") is None
    atom = ET.fromstring(out[urls.FEED_ATOM])
    last = atom.findall(f"{ATOM}entry")[-1]
    assert last.find(f"{ATOM}published") is None
    assert last.findtext(f"{ATOM}updated") == atom.findtext(f"{ATOM}updated")
    assert "date_published" not in json.loads(out[urls.FEED_JSON])["items"][-1]


def test_channel_dates_come_from_the_newest_item_not_the_clock(tmp_path: Path) -> None:
    for build in (date(2026, 1, 1), date(2031, 7, 7)):
        out = render_feeds(make_site(tmp_path, build=build))
        channel = ET.fromstring(out[urls.FEED_RSS]).find("channel")
        assert channel is not None
        assert channel.findtext("lastBuildDate") == "Sat, 20 Dec 2025 00:00:00 GMT"
        assert ET.fromstring(out[urls.FEED_ATOM]).findtext(f"{ATOM}updated") == \
            "2025-12-20T00:00:00Z"
    # Nothing dated at all: the build date (SOURCE_DATE_EPOCH) is the only date there is.
    undated = make_site(tmp_path, build=date(2026, 2, 3))
    undated = replace(undated, papers=tuple(replace(p, date=None, sources=()) for p in
                                            undated.papers))
    out = render_feeds(undated)
    assert b"<pubDate>" not in out[urls.FEED_RSS]
    assert b"<lastBuildDate>Tue, 03 Feb 2026 00:00:00 GMT</lastBuildDate>" in out[urls.FEED_RSS]
    assert check_rss(out[urls.FEED_RSS], BASE + urls.FEED_RSS) == []
    assert check_atom(out[urls.FEED_ATOM], BASE + urls.FEED_ATOM) == []


def test_hostile_abstract_round_trips_as_text(site: SiteData) -> None:
    out = render_feeds(site)
    for path, data in out.items():
        assert b"\x07" not in data and b"\\u0007" not in data and b"\\u0000" not in data, path
        if path != urls.FEED_JSON:  # in JSON strings they are plain text
            assert b"<script" not in data and b"]]>" not in data, path
    gamma = next(i for i in rss_items(out[urls.FEED_RSS])
                 if i.findtext("link") == purl("Gamma Words"))
    assert html_text(gamma.findtext("description") or "") == HOSTILE_TEXT
    parsed = next(e for e in feedparser.parse(out[urls.FEED_RSS]).entries
                  if e.link == purl("Gamma Words"))
    assert "&lt;script&gt;" in parsed.summary and "<script" not in parsed.summary
    assert html_text(parsed.summary) == HOSTILE_TEXT
    atom = next(e for e in ET.fromstring(out[urls.FEED_ATOM]).findall(f"{ATOM}entry")
                if e.findtext(f"{ATOM}id") == purl("Gamma Words"))
    assert atom.findtext(f"{ATOM}summary") == HOSTILE_TEXT
    item = next(i for i in json.loads(out[urls.FEED_JSON])["items"]
                if i["id"] == purl("Gamma Words"))
    assert item["content_text"] == HOSTILE_TEXT
    assert html_text(item["content_html"]) == HOSTILE_TEXT


def test_paper_item_has_authors_topics_abstract_code_links_and_note(tmp_path: Path) -> None:
    note = "<p>Read <em>this</em> first.</p>"
    out = render_feeds(make_site(tmp_path, notes={paper_slug("Alpha Vision"): note}))
    alpha = next(i for i in rss_items(out[urls.FEED_RSS])
                 if i.findtext("link") == purl("Alpha Vision"))
    guid = alpha.find("guid")
    assert guid is not None and guid.get("isPermaLink") == "true"
    assert guid.text == purl("Alpha Vision")
    assert alpha.findtext("pubDate") == "Mon, 08 Dec 2025 00:00:00 GMT"
    assert [c.text for c in alpha.findall(f"{DC}creator")] == ["Ada Lovelace", "Alan Turing"]
    assert alpha.find("author") is None
    assert [c.text for c in alpha.findall("category")] == ["Vision", "Language"]
    description = alpha.findtext("description") or ""
    assert description.startswith(note)
    assert "Faster by 17.5× on ImageNet." in description and "$" not in description
    assert '<a href="https://github.com/x/alpha">' in description
    entry = next(e for e in feedparser.parse(out[urls.FEED_ATOM]).entries
                 if e.id == purl("Alpha Vision"))
    assert [a.name for a in entry.authors] == ["Ada Lovelace", "Alan Turing"]
    assert [t.term for t in entry.tags] == ["vision", "language"]
    item = next(i for i in json.loads(out[urls.FEED_JSON])["items"]
                if i["id"] == purl("Alpha Vision"))
    assert item["tags"] == ["Vision", "Language"]
    assert item["authors"] == [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]


def test_editions_feed_has_one_item_per_listing_with_its_papers(site: SiteData) -> None:
    out = render_feeds(site)
    items = rss_items(out[urls.FEED_EDITIONS])
    assert [i.findtext("link") for i in items] == [
        BASE + urls.edition(lid) for lid in ("2025-12-20-hf", "2025-12-08-hf", "search")]
    assert [i.findtext("pubDate") for i in items] == [
        "Sat, 20 Dec 2025 00:00:00 GMT", "Mon, 08 Dec 2025 00:00:00 GMT", None]
    links = re.findall(r'href="([^"]+)"', items[0].findtext("description") or "")
    assert links == ["https://huggingface.co/papers", purl("Beta Words"), purl("Gamma Words")]
    assert "2 papers" in (items[0].findtext("description") or "")
    assert [c.text for c in items[0].findall("category")] == ["Pre-training"]


def rss_doc(inner: str) -> bytes:
    return (f"<rss version='2.0' xmlns:atom='{ATOM[1:-1]}'><channel>{inner}</channel></rss>"
            ).encode()


HEAD = "<title>t</title><link>https://a.b/</link><description/>"
SELF = "<atom:link rel='self' href='https://a.b/feed.xml' type='application/rss+xml'/>"
ITEM = "<item><title>x</title><guid>https://a.b/x</guid></item>"


def test_check_rss_accepts_a_minimal_feed() -> None:
    assert check_rss(rss_doc(HEAD + SELF + ITEM), "https://a.b/feed.xml") == []


@pytest.mark.parametrize("broken, expected", [
    (b"<rss version='2.0'><channel>", "not well-formed"),
    (rss_doc("<title>t</title><link>https://a.b/</link>" + SELF), "expected one <description>"),
    (rss_doc(HEAD), "expected one atom:link"),
    (rss_doc(HEAD + SELF.replace("feed.xml", "other.xml")), "atom:link self is"),
    (rss_doc(HEAD.replace("https://a.b/", "/") + SELF), "not absolute"),
    (rss_doc(HEAD + SELF + ITEM + ITEM), "duplicate guid"),
    (rss_doc(HEAD + SELF + ITEM.replace("</item>", "<pubDate>2025-12-08</pubDate></item>")),
     "not an RFC 822 date"),
    (rss_doc(HEAD + SELF + ITEM.replace(
        "</item>", "<pubDate>Tue, 08 Dec 2025 00:00:00 GMT</pubDate></item>")), "weekday"),
    (rss_doc(HEAD + SELF + ITEM.replace("https://a.b/x", "x-1")), "permalink guid"),
])
def test_check_rss_reports_what_is_wrong(broken: bytes, expected: str) -> None:
    problems = check_rss(broken, "https://a.b/feed.xml")
    assert any(expected in p for p in problems), problems


def test_checks_flag_missing_atom_and_json_fields() -> None:
    atom = (b"<feed xmlns='http://www.w3.org/2005/Atom'><id>x</id><title>t</title>"
            b"<updated>2025-12-08T00:00:00Z</updated><entry><id>y</id><title>e</title>"
            b"</entry></feed>")
    problems = check_atom(atom, "https://a.b/atom.xml")
    assert any("entry 1: needs exactly one non-empty <updated>" in p for p in problems)
    assert any("no <author>" in p for p in problems)
    feed = json.dumps({"version": "https://jsonfeed.org/version/1", "items": [{"title": "x"}]})
    problems = check_json_feed(feed.encode(), "https://a.b/feed.json")
    assert any("version" in p for p in problems) and any("title is required" in p
                                                         for p in problems)
    assert any("id is required" in p for p in problems)


@pytest.fixture(scope="module")
def shipped() -> tuple[SiteData, dict[str, bytes]]:
    from digest.build import load_corpus
    from digest.config import load
    from digest.errors import Problems

    problems = Problems()
    config = load(ROOT, problems).with_base_url(BASE)
    corpus = load_corpus(config, date(2026, 11, 25), problems)
    assert not problems.errors, problems.errors
    topics = (TopicRule("Vision", "vision"), TopicRule("Other", "other"))
    papers = tuple(replace(p, topics=("vision",) if "vision" in (p.title + p.abstract).lower()
                           else ("other",)) for p in corpus.papers)
    site = SiteData(config, papers, topics, corpus.listings, date(2026, 11, 25))
    return site, render_feeds(site)


def test_shipped_corpus_feeds_are_valid(shipped: tuple[SiteData, dict[str, bytes]]) -> None:
    site, out = shipped
    size = site.config.feed_size
    rss_paths = [urls.FEED_RSS, urls.FEED_EDITIONS, *(urls.topic_feed(t.slug) for t in
                                                      site.topics)]
    assert sorted(out) == sorted([*rss_paths, urls.FEED_ATOM, urls.FEED_JSON])
    for path in rss_paths:
        assert check_rss(out[path], BASE + path) == [], path
    assert check_atom(out[urls.FEED_ATOM], BASE + urls.FEED_ATOM) == []
    assert check_json_feed(out[urls.FEED_JSON], BASE + urls.FEED_JSON) == []
    for path, data in out.items():
        if path == urls.FEED_JSON:
            continue
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert all(e.link.startswith(BASE) for e in parsed.entries), path
    counts = {path: len(feedparser.parse(out[path]).entries) for path in out}
    counts[urls.FEED_JSON] = len(json.loads(out[urls.FEED_JSON])["items"])
    assert counts[urls.FEED_RSS] == counts[urls.FEED_ATOM] == counts[urls.FEED_JSON] == size
    assert counts[urls.FEED_EDITIONS] == len(site.listings)
    newest = [p for p in site.by_date()[:size]]
    assert item_links(out[urls.FEED_RSS]) == [BASE + urls.paper(p.id) for p in newest]
    for item in json.loads(out[urls.FEED_JSON])["items"]:  # LaTeX was turned into text
        assert not re.search(r"\$[^$\s][^$]*\$|\\[A-Za-z]+", item.get("content_text", "")), \
            item["id"]
    assert render_feeds(site) == out
