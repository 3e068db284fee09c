"""views: the snippet of an abstract, on the shipped content's abstracts."""

from __future__ import annotations

import re

import pytest
from sitebuild import shipped_site_data

from digest.site import views

ABSTRACTS = [p.abstract for p in shipped_site_data().papers] + [
    "One. Two!  Three? four. Five", "x" * 500, "A. B. C.", ""]


def test_sentences_are_the_split_made_lazily() -> None:
    assert list(views._sentences("One. Two!  Three? four. Five")) == [
        "One.", "Two!", "Three? four.", "Five"]  # a new sentence starts with a capital
    assert list(views._sentences("A. B. C.")) == ["A.", "B.", "C."]
    assert list(views._sentences("")) == [""]
    for text in ABSTRACTS:  # nothing is lost or reordered
        assert " ".join(views._sentences(text)).split() == text.split()


@pytest.mark.parametrize("limit", [20, 155, 240])
def test_a_snippet_is_whole_sentences_or_cut_at_a_word(limit: int) -> None:
    for text in ABSTRACTS:
        cut = views.snippet(text, limit)
        if len(text) <= limit:
            assert cut == text
        elif cut.endswith("…"):  # no first sentence fits: cut at a space
            assert len(cut) <= limit + 1 and text.startswith(cut[:-1])
        else:
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)  # written out, not the module's
            taken = next(n for n in range(1, len(sentences) + 1)
                         if " ".join(sentences[:n]) == cut)
            assert len(cut) <= limit
            assert len(" ".join(sentences[:taken + 1])) > limit  # the next one did not fit


def test_sentences_cut_where_the_lookbehind_pattern_splits() -> None:
    texts = ABSTRACTS + ["Ends.  Two spaces. X", "a.\nB", "No end.", "Odd.!  Z", ". A", "?  B. c"]
    for text in texts:
        assert list(views._sentences(text)) == views._SENTENCE_END.split(text)
