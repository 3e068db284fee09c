"""An author's publication list: the owner, then title / "Last, First, …" / abstract triples."""

from __future__ import annotations

import pytest
from ingest_support import XIE, by_title, parse_clean, parse_fixture, shipped

from digest.inputs.listings.authorlist import looks_like_authors, looks_like_owner, swap_names


def test_seed_count_and_owner() -> None:
    listing = shipped(XIE)
    assert (listing.format, len(listing.entries), listing.owner) == \
        ("author-list", 10, "Saining Xie")
    assert listing.chrome == (6,)  # "Xie, Saining"
    assert [e.line for e in listing.entries] == list(range(7, 37, 3))


def test_seed_first_entry_authors_swapped() -> None:
    first = shipped(XIE).entries[0]
    assert first.title == ("SFT Memorizes, RL Generalizes: A Comparative Study of Foundation "
                           "Model Post-training")
    assert first.authors == ("Tianzhe Chu", "Yuexiang Zhai", "Jihan Yang", "Shengbang Tong",
                             "Saining Xie", "Dale Schuurmans", "Quoc V. Le", "Sergey Levine",
                             "Yi Ma")
    assert first.author_count == 9
    assert first.abstract.startswith("Supervised fine-tuning (SFT) and reinforcement learning")


@pytest.mark.parametrize(("title", "authors"), [
    ("Scalable Diffusion Models with Transformers", ("William Peebles", "Saining Xie")),
    (("SiT: Exploring Flow and Diffusion-based Generative Models with Scalable Interpolant "
      "Transformers"), ("Nanye Ma", "Mark Goldstein", "Michael S. Albergo", "Nicholas M. Boffi",
                      "Eric Vanden-Eijnden", "Saining Xie")),
    ("V-IRL: Grounding Virtual Intelligence in Real Life",
     ("Jihan Yang", "Runyu Ding", "Ellis Brown", "Xiaojuan Qi", "Saining Xie")),
])
def test_seed_last_first_authors(title: str, authors: tuple[str, ...]) -> None:
    assert by_title(shipped(XIE), title).authors == authors


def test_seed_latex_in_abstracts() -> None:
    listing = shipped(XIE)
    repa = by_title(listing, "Representation Alignment for Generation: Training Diffusion "
                    "Transformers Is Easier Than You Think")
    assert "speed up SiT training by over 17.5×, matching" in repa.abstract
    mode = by_title(listing, "MoDE: CLIP Data Experts via Clustering")
    assert "with less (<35%) training cost" in mode.abstract
    assert mode.links == ("https://github.com/facebookresearch/MetaCLIP/tree/main/mode",)


def test_truncated_last_entry() -> None:
    listing, problems = parse_fixture("truncated-last-entry-author-list.txt")
    assert listing is not None and listing.owner == "Saining Xie"
    assert [(e.title, e.authors, e.abstract) for e in listing.entries] == [
        ("A Complete Publication", ("Jane Doe", "Richard Roe"),
         "The abstract of the complete publication."),
        ("The Publication the Copy Cut Off", ("Jane Doe",), ""),
    ]
    assert [(p.line, p.severity) for p in problems.items] == [(5, "warning")]


def test_without_owner_line_the_first_line_is_a_title() -> None:
    listing = parse_clean("author-list-without-owner-line.txt")
    assert listing.owner == "Saining Xie"  # from the front matter
    assert listing.chrome == ()
    assert [(e.line, e.title, e.authors) for e in listing.entries] == [
        (5, "Attention, Please", ("Jane Doe", "Richard Roe")),
        (8, "Second Publication", ("Saining Xie",)),
    ]


@pytest.mark.parametrize(("text", "owner", "authors"), [
    ("Xie, Saining", True, True),
    ("Le, Quoc V.", True, True),
    ("Chu, Tianzhe, Zhai, Yuexiang", False, True),
    ("Chu, Tianzhe, Zhai", False, False),
    ("SFT Memorizes, RL Generalizes: A Comparative Study of Foundation Model Post-training",
     False, False),
    ("Supervised fine-tuning (SFT) and reinforcement learning (RL) are widely used", False, False),
])
def test_line_shapes(text: str, owner: bool, authors: bool) -> None:
    assert (looks_like_owner(text), looks_like_authors(text)) == (owner, authors)


def test_swap_names() -> None:
    assert swap_names("Chu, Tianzhe, Le, Quoc V.") == ("Tianzhe Chu", "Quoc V. Le")
