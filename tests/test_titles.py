"""Title normalisation and the match decision: certain, near (reported), or none."""

from __future__ import annotations

import pytest

from digest.text.titles import (
    Candidate,
    Pasted,
    benign_difference,
    decide,
    normalise,
    prefix,
    same_paper_id,
    surname,
)


@pytest.mark.parametrize(("title", "expected"), [
    ("Breaking the Memory Barrier: Near Infinite Batch Size Scaling for\n  Contrastive Loss",
     "breaking the memory barrier near infinite batch size scaling for contrastive loss"),
    ("LLaVA++: Extending Visual Instruction Tuning", "llava++ extending visual instruction tuning"),
    ("Latent Garden — Procedural 3D Plant Generation From Text",
     "latent garden procedural 3d plant generation from text"),
    ("What’s in a Name? The Model's View", "whats in a name the models view"),
    ("$\\alpha$-Mixup: Interpolating Labels", "α mixup interpolating labels"),
    ("Ｆｕｌｌｗｉｄｔｈ Ｔｅｘｔ", "fullwidth text"),  # NFKC
    ("Straße", "strasse"),  # casefold
])
def test_normalise(title: str, expected: str) -> None:
    assert normalise(title) == expected


def test_prefix_is_the_name_before_the_colon() -> None:
    assert prefix("MM1: Methods, Analysis & Insights") == "mm1"
    assert prefix("No colon here") == ""


@pytest.mark.parametrize(("a", "b", "benign"), [
    ("modelling tidal flows", "modeling tidal flows", True),
    ("pre training at scale", "pretraining at scale", True),
    ("a survey of the models", "survey of models", True),
    ("orca sim simulating", "orca sim 2 simulating", False),  # a "2" follow-up
    ("beacon lightweight", "beacon v2 lightweight", False),
    ("quill instruction", "quill++ instruction", False),
    ("qwen2 vl enhancing", "qwen2 5 vl enhancing", False),  # 2 → 2.5
    ("3d shapes", "2d shapes", False),
    ("image restoration", "video restoration", False),  # another subtitle
])
def test_what_a_close_title_may_differ_in(a: str, b: str, benign: bool) -> None:
    assert benign_difference(a, b) is benign


def test_surnames() -> None:
    assert surname("Quoc V. Le") == "le"
    assert surname("Le, Quoc V.") == "le"
    assert surname("José Núñez") == "nunez"


def c(arxiv_id: str, title: str, authors: tuple[str, ...] = (), **kw: object) -> Candidate:
    return Candidate(arxiv_id, title, authors, **kw)  # type: ignore[arg-type]


FIVE = ("A One", "B Two", "C Three", "D Four", "E Five")


def test_equal_titles_are_certain() -> None:
    d = decide(Pasted("Beacon: Lightweight Localization for Indoor Robots"),
               [c("2406.05012", "BEACON — lightweight localization for indoor robots")])
    assert d.verdict == "certain" and d.match is not None
    assert d.match.candidate.arxiv_id == "2406.05012" and d.reason == "titles equal"


def test_a_close_title_needs_a_second_signal() -> None:
    pasted = Pasted("Modelling Tidal Flows with Neural Operators", author_count=5)
    record = c("2501.05009", "Modeling Tidal Flows with Neural Operators", FIVE)
    d = decide(pasted, [record])
    assert d.verdict == "certain" and d.reason == "close title (99%) and author count"
    alone = decide(Pasted(pasted.title), [record])
    assert alone.verdict == "near" and alone.near[0].candidate is record


@pytest.mark.parametrize("signal", [
    {"authors": ("Ingrid Solberg", "Someone Else")},
    {"submitter": "Tiny Models Lab"},
    {"date": "2025-01-15"},
])
def test_other_second_signals(signal: dict[str, object]) -> None:
    pasted = Pasted("Modelling Tidal Flows with Neural Operators", **signal)  # type: ignore[arg-type]
    record = c("2501.05009", "Modeling Tidal Flows with Neural Operators",
               ("Ingrid Solberg", "Paulo Mendes"), organisations=("tiny-lab", "Tiny Models Lab"),
               published="2025-01-14T14:00:00Z")
    assert decide(pasted, [record]).verdict == "certain"


@pytest.mark.parametrize(("pasted", "decoy"), [
    ("Orca-Sim: Simulating Marine Ecosystems with Agents",
     "Orca-Sim 2: Simulating Marine Ecosystems with Agents"),
    ("Quill: Instruction Tuning for Handwriting Recognition",
     "Quill++: Instruction Tuning for Handwriting Recognition"),
    ("Beacon: Lightweight Localization for Indoor Robots",
     "Beacon v2: Lightweight Localization for Indoor Robots"),
    ("Qwen2-VL: Enhancing Vision-Language Model's Perception of the World at Any Resolution",
     "Qwen2.5-VL: Enhancing Vision-Language Model's Perception of the World at Any Resolution"),
    ("Tessera: Learning Mosaic Priors for Image Restoration",
     "Tessera: Learning Mosaic Priors for Video Restoration"),
])
def test_follow_ups_and_other_subtitles_are_never_certain(pasted: str, decoy: str) -> None:
    """Every signal agrees, and still: these are other papers."""
    d = decide(Pasted(pasted, FIVE, 5, "Lab", "2025-01-01"),
               [c("2502.00001", decoy, FIVE, organisations=("Lab",), published="2025-01-01")])
    assert d.verdict == "near" and d.match is None
    assert [s.candidate.arxiv_id for s in d.near] == ["2502.00001"]


def test_a_shared_name_before_the_colon_is_shown_not_applied() -> None:
    d = decide(Pasted("Nimbus: Fast Sparse Attention for Long Video Understanding"),
               [c("2503.06008", "Nimbus: A Benchmark for Cloud Segmentation in Satellite Imagery")])
    assert d.verdict == "near" and d.near[0].ratio < 80


def test_a_contradiction_blocks_even_an_equal_title() -> None:
    d = decide(Pasted("Prism: Disentangling Style and Content", author_count=6),
               [c("2408.05013", "Prism: Disentangling Style and Content", FIVE[:4])])
    assert d.verdict == "near"
    assert d.near[0].disagrees == ("6 authors pasted, 4 in the record",)
    names = decide(Pasted("Depth from Defocus in the Wild", ("Camille Moreau",)),
                   [c("2406.07008", "Depth from Defocus in the Wild", ("Hannah Berg",))])
    assert names.verdict == "near"


def test_two_records_with_one_title_are_ambiguous() -> None:
    d = decide(Pasted("Attention Sinks in Vision Transformers"),
               [c("2409.08009", "Attention Sinks in Vision Transformers"),
                c("2410.08109", "Attention sinks in vision transformers")])
    assert d.verdict == "near" and d.reason == "2 records fit equally well"
    assert [s.candidate.arxiv_id for s in d.near] == ["2409.08009", "2410.08109"]


def test_the_right_paper_beside_its_follow_up() -> None:
    d = decide(Pasted("Beacon: Lightweight Localization for Indoor Robots", author_count=5),
               [c("2503.05112", "Beacon v2: Lightweight Localization for Indoor Robots", FIVE),
                c("2406.05012", "Beacon: Lightweight Localization for Indoor Robots", FIVE)])
    assert d.match is not None and d.match.candidate.arxiv_id == "2406.05012"


def test_one_candidate_per_id_and_nothing_close() -> None:
    d = decide(Pasted("Contrastive Pretraining for Seismic Event Detection"),
               [c("2407.06002", "Federated Distillation under Label Skew")] * 2)
    assert d.verdict == "none" and d.near == ()


def test_ids_are_compared_without_version() -> None:
    assert same_paper_id("2410.17243v2", "arXiv:2410.17243")
    assert same_paper_id("hep-th/9901001v1", "hep-th/9901001")
    assert not same_paper_id("2410.17243", "2410.17244")
