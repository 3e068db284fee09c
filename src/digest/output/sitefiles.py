"""The files every GitHub Pages site needs besides its pages.

Theme assets, ``.nojekyll`` (so folders starting with ``_`` are served),
``robots.txt``, ``sitemap.xml`` (an index of sitemaps) and ``CNAME`` when a custom domain
is configured.
"""

from __future__ import annotations

from xml.sax.saxutils import escape  # what ElementTree escapes in text: & < >

from digest.config import Config
from digest.output.render import default_templates
from digest.site import urls

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def assets(config: Config) -> dict[str, bytes]:
    """``templates/assets/*`` of the theme, overridden file by file by the site's own."""
    out: dict[str, bytes] = {}
    folders = [default_templates() / "assets", config.root / "templates" / "assets"]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out["assets/" + path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


SITEMAP_URLS = 50_000  # the protocol's limit of URLs in one sitemap file


def sitemap_shard(number: int) -> str:
    """The ``number``-th sitemap of the index, at the site's root: a sitemap may list only
    URLs at or below its own folder."""
    return f"sitemap-{number}.xml"


def _text(value: str) -> str:
    """``value`` escaped as XML text; most URLs and dates hold nothing to escape."""
    return escape(value) if "&" in value or "<" in value or ">" in value else value


def _urlset(config: Config, paths: list[str], lastmod: dict[str, str]) -> bytes:
    """One sitemap, a line per URL (indenting it was a sixth of its bytes), made as text:
    ElementTree took a tenth of a second for 15,000 pages on every preview rebuild."""
    base = _text(urls.absolute(config, ""))
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"<url><loc>{base}{_text(path)}</loc><lastmod>{_text(lastmod[path])}</lastmod></url>"
              if path in lastmod else f"<url><loc>{base}{_text(path)}</loc></url>"
              for path in paths]
    if len(lines) == 2:
        lines[1] = f'<urlset xmlns="{SITEMAP_NS}" />'
    else:
        lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def sitemaps(config: Config, page_paths: list[str], lastmod: dict[str, str]) -> dict[str, bytes]:
    """``sitemap.xml``, a sitemap index, and the sitemaps it lists, ``SITEMAP_URLS`` pages
    each in path order: one file of 220,000 URLs (a digest of 100,000 papers) is more than
    the protocol allows, and a search engine ignores it. An index even for a small site,
    so that ``robots.txt`` names the same file whatever the size. A sitemap's ``lastmod``
    in the index is its newest page's."""
    paths = sorted(p for p in page_paths if p != urls.NOT_FOUND and p != urls.SEARCH)
    shards = [paths[i:i + SITEMAP_URLS] for i in range(0, len(paths), SITEMAP_URLS)] or [[]]
    out: dict[str, bytes] = {}
    lines = ["<?xml version='1.0' encoding='utf-8'?>",
             f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for number, shard in enumerate(shards, 1):
        name = sitemap_shard(number)
        out[name] = _urlset(config, shard, lastmod)
        lines.append(f"  <sitemap>\n    <loc>{escape(urls.absolute(config, name))}</loc>")
        newest = max((lastmod[p] for p in shard if p in lastmod), default=None)
        if newest is not None:
            lines.append(f"    <lastmod>{escape(newest)}</lastmod>")
        lines.append("  </sitemap>")
    lines.append("</sitemapindex>")
    out["sitemap.xml"] = ("\n".join(lines) + "\n").encode()
    return out


def robots(config: Config) -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config, 'sitemap.xml')}\n"
            .encode())


def extras(config: Config, page_paths: list[str], lastmod: dict[str, str]) -> dict[str, bytes]:
    out = assets(config)
    out[".nojekyll"] = b""
    out["robots.txt"] = robots(config)
    out.update(sitemaps(config, page_paths, lastmod))
    if config.cname:
        out["CNAME"] = config.cname.strip().encode() + b"\n"
    return out


__all__ = ["SITEMAP_URLS", "assets", "extras", "robots", "sitemap_shard", "sitemaps"]
