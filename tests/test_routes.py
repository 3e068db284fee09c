"""The route table's small pieces: which pages a pager links, what a card's byline says."""

from __future__ import annotations

import pytest

from digest.model import Paper
from digest.site import routes, views


@pytest.mark.parametrize(("number", "count", "shown"), [
    (1, 1, [1]),
    (1, 10, [1, 2, 3, 0, 10]),
    (5, 10, [1, 2, 3, 4, 5, 6, 7, 0, 10]),  # page 2 fills a one-page gap
    (10, 10, [1, 0, 8, 9, 10]),
    (6, 420, [1, 0, 4, 5, 6, 7, 8, 0, 420]),
])
def test_a_pager_links_the_ends_and_the_pages_around_the_current_one(
        number: int, count: int, shown: list[int]) -> None:
    assert routes.pager_window(number, count) == shown


@pytest.mark.parametrize(("authors", "byline"), [
    (("A B",), "A B"),
    (tuple(f"Author {n}" for n in range(1, 7)),
     "Author 1, Author 2, Author 3, Author 4, Author 5, Author 6"),  # never "and 1 more"
    (tuple(f"Author {n}" for n in range(1, 8)),
     "Author 1, Author 2, Author 3, Author 4, Author 5 and 2 more"),
    ((), "Authors unknown"),
])
def test_a_card_names_five_authors_of_a_longer_list(authors: tuple[str, ...],
                                                    byline: str) -> None:
    assert views.card_byline(Paper(id="p", title="P", authors=authors)) == byline
