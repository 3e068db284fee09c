"""Slugs: unique, stable, and independent of which other papers exist."""

from __future__ import annotations

import hashlib
import re

import pytest
from ingest_support import BUILD, FIXTURES, LISTINGS, shipped_corpus

from digest.build import parse_all
from digest.errors import Problems
from digest.inputs.files import SourceFile
from digest.text.slugs import MAX_SLUG, name_slug, paper_slug, title_key


def shipped_files() -> list[SourceFile]:
    return [SourceFile(f"content/listings/{p.name}", p.read_bytes())
            for p in sorted(LISTINGS.iterdir())]


def test_shipped_slugs_are_unique_and_short() -> None:
    ids = [p.id for p in shipped_corpus().papers]
    assert len(ids) == len(set(ids)) == 413
    assert all(0 < len(i) <= MAX_SLUG for i in ids)
    assert ids == sorted(ids)


def test_the_two_sit_papers_do_not_collide() -> None:
    sit = {p.title: p.id for p in shipped_corpus().papers if p.title.startswith("SiT: ")}
    assert sit == {
        "SiT: Self-supervised vIsion Transformer": "sit-self-supervised-vision-transformer",
        "SiT: Exploring Flow and Diffusion-based Generative Models with Scalable Interpolant "
        "Transformers": "sit-exploring-flow-and-diffusion-based-generative-models-with-scalable-"
        + hashlib.sha1(b"sit-exploring-flow-and-diffusion-based-generative-models-with-scalable-"
                       b"interpolant-transformers").hexdigest()[:6],  # cut at a word, + hash
    }
    assert len(set(sit.values())) == 2


def test_adding_a_listing_keeps_every_existing_slug() -> None:
    before = {p.title: p.id for p in shipped_corpus().papers}
    extra = SourceFile("content/listings/extra.txt", (FIXTURES / "no-chrome.txt").read_bytes()
                       + b"\nYi: Open Foundation Models by 01.AI\nA second sighting.\n"
                       b"  \xe2\x80\xa2 2 authors\n\xc2\xb7\nMar 7, 2024\n")
    problems = Problems()
    after = parse_all([*shipped_files(), extra], BUILD, problems)
    assert not problems.items
    now = {p.title: p.id for p in after.papers}
    assert {t: now[t] for t in before} == before
    assert len(now) == len(before) + 2


def test_long_titles_are_cut_at_a_word_and_stay_distinct() -> None:
    stem = "A Very Long Title About Scaling Laws for Masked Autoencoders in Vision " * 2
    one, two = paper_slug(stem + "One"), paper_slug(stem + "Two")
    assert one != two
    assert len(one) <= MAX_SLUG and len(two) <= MAX_SLUG
    assert one.startswith("a-very-long-title-about-scaling-laws-")
    assert one.split("-")[-2] in title_key(stem).split("-")  # cut at a word boundary


def test_slug_depends_on_the_title_only() -> None:
    assert paper_slug("Fréchet Distances: Revisited!") == "frechet-distances-revisited"
    assert title_key("LoRA vs Full Fine-tuning") == title_key("LORA vs. full fine tuning")
    # nothing to slug: a stable hash of the text, different for different text
    assert re.fullmatch(r"[0-9a-f]{12}", paper_slug("!!!"))
    assert paper_slug("!!!") != paper_slug("???")
    assert paper_slug("Deep Learning") != paper_slug("Deep Learning 2")
    assert name_slug("Saining Xie") == "saining-xie"


def test_the_quick_slug_of_ascii_text_is_python_slugifys() -> None:
    """slugs.slugify makes plain ASCII slugs itself; on 100,000 random printable strings
    (quotes, punctuation, digits, commas, ampersands) it gives what the library gives."""
    import random
    import string

    import slugify as library

    from digest.text import slugs

    rng = random.Random(7)
    alphabet = string.printable[:95]
    for _ in range(100_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        assert slugs.slugify(text) == library.slugify(text), text
    for text in ("Kaiming He", "J. R. R. Tolkien", "1,000 GPUs", "R&D at scale",
                 "Müller & Søndergaard", "O'Brien", "--x--"):
        assert slugs.slugify(text) == library.slugify(text), text


def test_a_name_slug_does_not_depend_on_which_transliterator_is_installed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """python-slugify 9 uses unidecode when it is installed, else text-unidecode: an author's
    page must not move because another package came along. A stand-in ``unidecode`` that
    spells everything "x" changes nothing."""
    import sys
    import types

    from text_unidecode import unidecode

    from digest.text.slugs import slugify

    stand_in = types.ModuleType("unidecode")
    stand_in.unidecode = lambda text: "x"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "unidecode", stand_in)
    for name in ("Zoë Kim", "Łukasz Kaiser", "José Álvarez", "Nguyễn Văn A", "王小明"):
        expected = re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-")
        assert slugify(name) == expected
