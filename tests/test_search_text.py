"""searchtext: the folding both ends share; porter: lunr.js's stemmer in Python.

That ``search.js`` folds and stems exactly alike is checked in ``test_search_node.py``.
"""

from __future__ import annotations

import pytest

from digest.output.search import porter
from digest.output.search.text import FOLD, fold, words


@pytest.mark.parametrize(("text", "folded"), [
    ("Fréchet", "frechet"),
    ("ÅNGSTRÖM Müller Dąbrowski Żukowski", "angstrom muller dabrowski zukowski"),
    ("Straße Søndergaard Łukasz Æsir", "strasse sondergaard lukasz aesir"),
    ("α-divergence and β-VAE", "alpha-divergence and beta-vae"),
    ("ﬁne-tuning", "fine-tuning"),  # compatibility ligature
    ("model's and model’s", "models and models"),
    ("pre\u00adtraining", "pretraining"),  # soft hyphen
    ("pre\u2011training pre\u2010training", "pre-training pre-training"),
    ("e\u0301cole", "ecole"),  # decomposed input
    ("17.5× faster", "17.5× faster"),  # other characters stay: words() cuts at them
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_table_keys_are_single_characters() -> None:
    assert all(len(key) == 1 for key in FOLD)  # search.js replaces character by character


def test_hyphenated_words_index_their_parts_and_joined_forms() -> None:
    assert words("Pre-training") == ["pre", "training", "pretraining"]
    assert words("pre training") == ["pre", "training"]
    assert words("GPT-4 and x-ray") == ["gpt", "and", "ray", "gpt4", "xray"]
    assert words("state-of-the-art") == ["state", "of", "the", "art", "stateof", "ofthe",
                                         "theart", "stateoftheart"]


def test_long_hyphen_chains_are_not_compounds() -> None:
    assert words("a1-b2-c3-d4-e5-f6-g7") == ["a1", "b2", "c3", "d4", "e5", "f6", "g7"]


def test_one_letter_words_are_dropped() -> None:
    assert words("a b c de 3 42") == ["de", "42"]


def test_everything_but_letters_and_digits_separates() -> None:
    assert words("(ViT-B/16), 3D; [CLIP]: pixel-space!") == [
        "vit", "16", "3d", "clip", "pixel", "space", "vitb", "pixelspace"]


@pytest.mark.parametrize(("word", "stem"), [
    ("diffusion", "diffus"), ("transformers", "transform"), ("pretraining", "pretrain"),
    ("generalization", "gener"), ("frechet", "frechet"), ("models", "model"),
    ("try", "tri"), ("lay", "lay"),  # where lunr.py's own Porter stemmer differs from lunr.js
    ("yield", "yield"), ("by", "by"),
])
def test_stemmer_gives_lunr_js_stems(word: str, stem: str) -> None:
    assert porter.stem(word) == stem
