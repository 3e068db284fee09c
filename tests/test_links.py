"""Links in abstracts: found anywhere, without the sentence's punctuation."""

from __future__ import annotations

import pytest
from ingest_support import parse_clean

from digest.text.links import extract_links


@pytest.mark.parametrize(("text", "links"), [
    ("Code is at https://github.com/a/b.", ("https://github.com/a/b",)),
    ("(see https://example.org/p).", ("https://example.org/p",)),
    ("https://example.org/p), and", ("https://example.org/p",)),
    ("the page https://x.github.io/p/, then", ("https://x.github.io/p/",)),
    ("https://en.wikipedia.org/wiki/Function_(mathematics).",
     ("https://en.wikipedia.org/wiki/Function_(mathematics)",)),
    ("[https://example.org/a]", ("https://example.org/a",)),
    ("Is it https://example.org/a?!", ("https://example.org/a",)),
    ('"https://example.org/q"', ("https://example.org/q",)),
    ("https://github.com/T/Med-REFL{here}.", ("https://github.com/T/Med-REFL",)),
    (r"\url{https://example.org/a_b}", ("https://example.org/a_b",)),
    ("released athttps://github.com/d/MetaFormer.", ("https://github.com/d/MetaFormer",)),
    ("https://a.org/x and https://a.org/x! and http://b.org", ("https://a.org/x", "http://b.org")),
    ("https://github.com/wgcban/mix-bt.git", ("https://github.com/wgcban/mix-bt.git",)),
    ("HTTPS://EXAMPLE.ORG/Up", ("HTTPS://EXAMPLE.ORG/Up",)),
    ("no link: https:// or https://. here", ()),
])
def test_extract_links(text: str, links: tuple[str, ...]) -> None:
    assert extract_links(text) == links


def test_url_fixture_end_to_end() -> None:
    listing = parse_clean("urls-with-trailing-punctuation.txt")
    found = {e.title: e.links for e in listing.entries}
    assert found == {
        "Full stop after a link": ("https://github.com/example/repo",),
        "Link in parentheses": ("https://example.org/project",),
        "Balanced parentheses inside a link":
            ("https://en.wikipedia.org/wiki/Function_(mathematics)",),
        "Link text glued on in braces": ("https://github.com/example/Med-REFL",),
        "Link glued to the word before": ("https://github.com/example/MetaFormer",),
        "The same link twice": ("https://example.org/x",),
        "Link inside url macro": ("https://example.org/a_b",),
    }
    glued = next(e for e in listing.entries if e.title == "Link text glued on in braces")
    assert glued.abstract == "Checkpoints can be found https://github.com/example/Med-REFL here."
