"""The shared incremental pieces: a rebuild's unchanged ends, and the list spliced around them."""

from __future__ import annotations

import operator

from digest.incremental import around, same_ends, texts_digest


def test_same_ends_counts_the_very_objects_at_both_ends() -> None:
    a, b, c, d, e = (object() for _ in range(5))
    assert same_ends([a, b, c, d], [a, b, e, c, d]) == (2, 2)  # one inserted in the middle
    assert same_ends([a, b, c], [a, c]) == (1, 1)  # one removed
    assert same_ends([a, b], [a, b]) == (2, 0)  # all the same: counted once, from the start
    assert same_ends([], [a]) == (0, 0)
    assert same_ends(["x", "y"], ["x" + "", "z"], operator.eq) == (1, 0)


def test_around_keeps_the_ends_of_the_last_list_with_the_middle_between() -> None:
    last = ["a", "b", "c", "d", "e"]
    assert around(last, 2, 1, ["X", "Y"]) == ["a", "b", "X", "Y", "e"]
    assert around(last, 0, 0, ["X"]) == ["X"]  # no tail: nothing of the end (not last[-0:])
    assert around(last, 1, 2) == ["a", "d", "e"]
    assert around(last, 5, 0) == last


def test_a_digest_of_texts_tells_apart_texts_split_differently() -> None:
    assert texts_digest(["ab", "c"]) != texts_digest(["a", "bc"])
    assert texts_digest(["ab", ""]) != texts_digest(["ab"])
    assert texts_digest(["Fréchet", "x"]) == texts_digest(["Fréchet", "x"])
    assert len(texts_digest(["a" * 10_000])) == 16
