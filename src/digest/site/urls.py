"""Every output path of the site, computed in one place.

Paths are relative to the site root and end in ``/`` for pages (served as
``index.html``). Templates never build URLs: they receive them, made relative
to the page that links, so the site works under any GitHub Pages sub-path.
"""

from __future__ import annotations

from digest.config import Config

HOME = ""
SEARCH = "search/"
TOPICS = "topics/"
ARCHIVE = "archive/"
EDITIONS = "editions/"
AUTHORS = "authors/"
NOT_FOUND = "404.html"
FEED_RSS = "feed.xml"
FEED_ATOM = "atom.xml"
FEED_JSON = "feed.json"
FEED_EDITIONS = "editions/feed.xml"
UNDATED = "undated"


def paper(paper_id: str) -> str:
    return f"papers/{paper_id}/"


def sibling_paper(paper_id: str) -> str:
    """A paper's page as another paper's page links it (``../slug/``, not
    ``../../papers/slug/``: a paper page links about seven others)."""
    return f"../{paper_id}/"


def topic(slug: str, page: int = 1) -> str:
    return f"topics/{slug}/" if page == 1 else f"topics/{slug}/page/{page}/"


def topic_feed(slug: str) -> str:
    return f"topics/{slug}/feed.xml"


def edition(listing_id: str, page: int = 1) -> str:
    return f"editions/{listing_id}/" if page == 1 else f"editions/{listing_id}/page/{page}/"


def month(key: str, page: int = 1) -> str:
    """``2024-06`` → ``archive/2024/06/``; the undated papers get ``archive/undated/``;
    page 2 of a month is ``archive/2024/06/page/2/``."""
    if key == UNDATED:
        first = f"archive/{UNDATED}/"
    else:
        year, mon = key.split("-")
        first = f"archive/{year}/{mon}/"
    return first if page == 1 else f"{first}page/{page}/"


def author(slug: str) -> str:
    return f"authors/{slug}/"


def authors_index(page: int = 1) -> str:
    """The authors index, in pages of names (``authors/page/2/`` holds no author: an
    author's page is one level down, ``authors/<slug>/``)."""
    return AUTHORS if page == 1 else f"authors/page/{page}/"


def page_path(name: str) -> str:
    return f"{name}/"


def output_file(path: str) -> str:
    """The file a path is written to: pages become ``…/index.html``."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def absolute(config: Config, path: str) -> str:
    """Absolute URL under ``base_url``: for feeds, canonical links, sitemap, OpenGraph."""
    return config.base_url + path

