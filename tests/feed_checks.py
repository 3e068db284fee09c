"""Structural checks of feeds, reusable over every feed of a built site.

Not a test module: each function takes a feed's bytes and the URL it is served
at, and returns the problems found as readable strings (empty: the feed is fine).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
_RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} (GMT|UT|[+-]\d{4})$"
)
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def is_absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def rfc822_problem(value: str | None, where: str) -> str | None:
    """None when ``value`` is an RFC 822 date whose weekday matches the day."""
    if not value or not _RFC822.match(value.strip()):
        return f"{where}: not an RFC 822 date: {value!r}"
    try:
        parsed = parsedate_to_datetime(value)
    except ValueError:
        return f"{where}: impossible date: {value!r}"
    if parsed.strftime("%a") != value.strip()[:3]:
        return f"{where}: weekday does not match the date: {value!r}"
    return None


def rfc3339_problem(value: str | None, where: str) -> str | None:
    if not value or not _RFC3339.match(value.strip()):
        return f"{where}: not an RFC 3339 date: {value!r}"
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return f"{where}: impossible date: {value!r}"
    return None


def _parse(data: bytes) -> tuple[ET.Element | None, list[str]]:
    try:
        return ET.fromstring(data), []
    except ET.ParseError as exc:
        return None, [f"not well-formed XML: {exc}"]


def check_rss(xml_bytes: bytes, feed_url: str) -> list[str]:
    """Problems with an RSS 2.0 feed served at ``feed_url``; empty when there are none."""
    root, problems = _parse(xml_bytes)
    if root is None:
        return problems
    if root.tag != "rss" or root.get("version") != "2.0":
        problems.append(f"root must be <rss version=\"2.0\">, got <{root.tag}>")
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"expected one <channel>, found {len(channels)}"]
    channel = channels[0]
    for tag in ("title", "link", "description"):
        found = channel.findall(tag)
        if len(found) != 1:
            problems.append(f"channel: expected one <{tag}>, found {len(found)}")
    for tag in ("title", "link"):
        if not (channel.findtext(tag) or "").strip():
            problems.append(f"channel: empty <{tag}>")
    if not is_absolute(channel.findtext("link")):
        problems.append(f"channel: <link> is not absolute: {channel.findtext('link')!r}")
    language = channel.findtext("language")
    if language is not None and not _LANGUAGE.match(language):
        problems.append(f"channel: bad <language> {language!r}")
    for tag in ("lastBuildDate", "pubDate"):
        if channel.find(tag) is not None:
            problems.append(rfc822_problem(channel.findtext(tag), f"channel <{tag}>") or "")
    selves = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if len(selves) != 1:
        problems.append(f"channel: expected one atom:link rel=\"self\", found {len(selves)}")
    elif selves[0].get("href") != feed_url:
        problems.append(f"atom:link self is {selves[0].get('href')!r}, feed is at {feed_url!r}")
    elif selves[0].get("type") != "application/rss+xml":
        problems.append("atom:link self: type should be application/rss+xml")
    guids: set[str] = set()
    for n, item in enumerate(channel.findall("item"), start=1):
        where = f"item {n}"
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"{where}: needs a <title> or a <description>")
        link = item.findtext("link")
        if link is not None and not is_absolute(link):
            problems.append(f"{where}: <link> is not absolute: {link!r}")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            problems.append(f"{where}: no <guid>")
        else:
            text = (guid.text or "").strip()
            if text in guids:
                problems.append(f"{where}: duplicate guid {text!r}")
            guids.add(text)
            if guid.get("isPermaLink", "true") == "true" and not is_absolute(text):
                problems.append(f"{where}: permalink guid is not an absolute URL: {text!r}")
        if item.find("pubDate") is not None:
            problems.append(rfc822_problem(item.findtext("pubDate"), f"{where} <pubDate>") or "")
        for category in item.findall("category"):
            if not (category.text or "").strip():
                problems.append(f"{where}: empty <category>")
    return [p for p in problems if p]


def check_atom(xml_bytes: bytes, feed_url: str) -> list[str]:
    """Problems with an Atom 1.0 feed: id, title and updated on the feed and every entry."""
    root, problems = _parse(xml_bytes)
    if root is None:
        return problems
    if root.tag != f"{ATOM}feed":
        return [f"root must be an Atom <feed>, got <{root.tag}>"]

    def required(el: ET.Element, where: str) -> None:
        for tag in ("id", "title", "updated"):
            found = el.findall(f"{ATOM}{tag}")
            if len(found) != 1 or not (found[0].text or "").strip():
                problems.append(f"{where}: needs exactly one non-empty <{tag}>")
        problems.append(rfc3339_problem(el.findtext(f"{ATOM}updated"), f"{where} <updated>") or "")

    required(root, "feed")
    selves = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if len(selves) != 1 or selves[0].get("href") != feed_url:
        problems.append(f"feed: link rel=\"self\" must be {feed_url!r}")
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    ids: set[str] = set()
    for n, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
        where = f"entry {n}"
        required(entry, where)
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if entry_id in ids:
            problems.append(f"{where}: duplicate id {entry_id!r}")
        ids.add(entry_id)
        if entry.find(f"{ATOM}published") is not None:
            problems.append(rfc3339_problem(entry.findtext(f"{ATOM}published"),
                                            f"{where} <published>") or "")
        if not feed_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            problems.append(f"{where}: no <author> and the feed has none")
        alternates = [link.get("href") for link in entry.findall(f"{ATOM}link")
                      if link.get("rel", "alternate") == "alternate"]
        if not alternates or not all(is_absolute(h) for h in alternates):
            problems.append(f"{where}: needs an absolute alternate link")
    return [p for p in problems if p]


def check_json_feed(data: bytes, feed_url: str) -> list[str]:
    """Problems with a JSON Feed 1.1: version, title, items each with a unique id."""
    try:
        feed = json.loads(data)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    if not isinstance(feed, dict):
        return ["a JSON Feed is an object"]
    problems: list[str] = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title is required")
    if feed.get("feed_url") != feed_url:
        problems.append(f"feed_url is {feed.get('feed_url')!r}, feed is at {feed_url!r}")
    if "home_page_url" in feed and not is_absolute(feed["home_page_url"]):
        problems.append("home_page_url is not absolute")
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, "items must be a list"]
    ids: set[str] = set()
    for n, item in enumerate(items, start=1):
        where = f"item {n}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}: id is required and must be a string")
            continue
        if item["id"] in ids:
            problems.append(f"{where}: duplicate id {item['id']!r}")
        ids.add(item["id"])
        if not isinstance(item.get("content_html"), str) and \
                not isinstance(item.get("content_text"), str):
            problems.append(f"{where}: needs content_html or content_text")
        if "url" in item and not is_absolute(item["url"]):
            problems.append(f"{where}: url is not absolute")
        if "date_published" in item:
            problems.append(rfc3339_problem(item["date_published"],
                                            f"{where} date_published") or "")
    return [p for p in problems if p]
