"""Hugging Face pages and title/abstract listings: the real seeds, then one fixture per quirk.

Expected values were read off the listing files by eye (line numbers are the file's,
front matter included).
"""

from __future__ import annotations

import pytest
from ingest_support import (
    CHECKPOINTS,
    MULTIMODAL,
    PRE_TRAINING,
    SELF_SUPERVISED,
    by_title,
    parse_clean,
    parse_fixture,
    shipped,
)


@pytest.mark.parametrize(("name", "papers", "chrome", "listing_date"), [
    (PRE_TRAINING, 57, 6, "2025-12-08"),
    (CHECKPOINTS, 39, 6, "2025-12-26"),
    (SELF_SUPERVISED, 74, 5, "2026-03-11"),
    (MULTIMODAL, 246, 3, None),
])
def test_seed_counts(name: str, papers: int, chrome: int, listing_date: str | None) -> None:
    listing = shipped(name)
    assert len(listing.entries) == papers
    assert listing.chrome_lines == chrome == len(listing.chrome)
    assert listing.date == listing_date


def test_seed_formats() -> None:
    assert [shipped(n).format for n in (PRE_TRAINING, CHECKPOINTS, SELF_SUPERVISED, MULTIMODAL)] \
        == ["huggingface", "huggingface", "huggingface", "title-abstract"]


def test_first_and_last_entries_of_a_page() -> None:
    first, last = shipped(PRE_TRAINING).entries[0], shipped(PRE_TRAINING).entries[-1]
    assert (first.title, first.line) == \
        ("Efficient Continual Pre-training by Mitigating the Stability Gap", 18)
    assert (first.author_count, first.date, first.upvotes) == (5, "2024-06-20", 1)  # Jun 20, 2024 1
    assert first.links == ("https://huggingface.co/YiDuo1999/Llama-3-Physician-8B-Instruct",)
    assert first.abstract.startswith("Continual pre-training has increasingly become")
    assert last.title.startswith("T-Stitch: Accelerating Sampling in Pre-Trained Diffusion")
    assert (last.date, last.upvotes) == ("2024-02-21", 1)


def test_date_with_year_and_no_upvotes() -> None:
    entry = by_title(shipped(PRE_TRAINING), "Visual Data-Type Understanding does not emerge "
                     "from Scaling Vision-Language Models")
    assert (entry.author_count, entry.date, entry.upvotes) == (4, "2023-10-12", None)


@pytest.mark.parametrize(("name", "title", "submitter", "when", "upvotes"), [
    (CHECKPOINTS, "All is Not Lost: LLM Recovery without Checkpoints", "Gensyn", "2025-06-18", 3),
    (PRE_TRAINING,
     "Advancing End-to-End Pixel Space Generative Modeling via Self-supervised Pre-training",
     "AMAP-ML", "2025-10-14", 3),
    (CHECKPOINTS, "LongCat-Flash Technical Report", "LongCat", "2025-09-01", None),
])
def test_organisation_submitters(name: str, title: str, submitter: str, when: str,
                                 upvotes: int | None) -> None:
    entry = by_title(shipped(name), title)
    assert (entry.submitter, entry.author_count, entry.date, entry.upvotes) == \
        (submitter, None, when, upvotes)


def test_longcat_links_in_order() -> None:
    entry = by_title(shipped(CHECKPOINTS), "LongCat-Flash Technical Report")
    assert entry.links == ("https://longcat.ai", "https://hf.92ac.cn/meituan-longcat",
                           "https://github.com/meituan-longcat")


@pytest.mark.parametrize(("name", "title", "next_title"), [
    (PRE_TRAINING, "Is Diversity All You Need for Scalable Robotic Manipulation?",
     "Driving with Prior Maps: Unified Vector Prior Encoding for Autonomous Vehicle Mapping"),
    (CHECKPOINTS, "Apriel-1.5-15b-Thinker",
     ("Meissonic: Revitalizing Masked Generative Transformers for Efficient High-Resolution "
      "Text-to-Image Synthesis")),
])
def test_entry_without_metadata(name: str, title: str, next_title: str) -> None:
    listing = shipped(name)
    entry = by_title(listing, title)
    assert (entry.author_count, entry.submitter, entry.date, entry.upvotes) == \
        (None, None, None, None)
    assert entry.abstract
    following = listing.entries[listing.entries.index(entry) + 1]
    assert following.title == next_title
    assert following.author_count is not None and following.date is not None


def test_driving_entry_keeps_its_metadata_after_a_bare_entry() -> None:
    entry = by_title(shipped(PRE_TRAINING), "Driving with Prior Maps: Unified Vector Prior "
                     "Encoding for Autonomous Vehicle Mapping")
    assert (entry.line, entry.author_count, entry.date, entry.upvotes) == (398, 5, "2024-09-09", 1)


@pytest.mark.parametrize(("name", "title", "when", "upvotes"), [
    (PRE_TRAINING, "Centurio: On Drivers of Multilingual Ability of Large Vision-Language Model",
     "2025-01-09", 3),  # "Jan 9 3" in a listing of 2025-12-08
    (PRE_TRAINING,
     "Align-Then-stEer: Adapting the Vision-Language Action Models through Unified Latent Guidance",
     "2025-09-02", None),  # "Sep 2"
    (CHECKPOINTS, "Xiaomi MiMo-VL-Miloco Technical Report", "2025-12-19", None),  # "Dec 19"
    (CHECKPOINTS, "Parameter-Efficient Checkpoint Merging via Metrics-Weighted Averaging",
     "2025-04-23", None),  # "Apr 23"
])
def test_yearless_dates_take_the_listing_year(name: str, title: str, when: str,
                                              upvotes: int | None) -> None:
    entry = by_title(shipped(name), title)
    assert (entry.date, entry.upvotes) == (when, upvotes)


def test_plural_for_one_author() -> None:
    entry = by_title(shipped(PRE_TRAINING), "Adversarial-MidiBERT: Symbolic Music Understanding "
                     "Model Based on Unbias Pre-training and Mask Fine-tuning")
    assert (entry.author_count, entry.date) == (1, "2024-07-11")  # "• 1 authors"


def test_latex_and_dollar_in_checkpoint_seed() -> None:
    listing = shipped(CHECKPOINTS)
    med = by_title(listing, "Med-REFL: Medical Reasoning Enhancement via Self-Corrected "
                   "Fine-grained Reflection")
    assert "Med-REFL, a Medical Reasoning Enhancement via" in med.abstract
    assert "up to 4.11%." in med.abstract and "\\" not in med.abstract
    assert med.links == ("https://github.com/TianYin123/Med-REFL",)
    flm = by_title(listing, "FLM-101B: An Open LLM and How to Train It with $100K Budget")
    assert flm.upvotes == 1
    focal = by_title(listing, "Focal Modulation Networks")
    assert "trained with 1× outperforms" in focal.abstract
    assert by_title(listing, "Towards Passive Safe Reinforcement Learning: A Comparative Study on "
                    "Contact-rich Robotic Manipulation").links == \
        ("https://hf.92ac.cn/Anonymous998/passiveRL/tree/main",)


def test_self_supervised_page_has_no_metadata_at_all() -> None:
    listing = shipped(SELF_SUPERVISED)
    assert all(e.date is None and e.author_count is None for e in listing.entries)
    assert listing.entries[0].title == ("Self-supervised pre-training and contrastive "
                                        "representation learning for multiple-choice video QA")
    assert listing.entries[-1].title == "Improved baselines for vision-language pre-training"
    assert "SiT: Self-supervised vIsion Transformer" in [e.title for e in listing.entries]


def test_header_glued_to_the_first_title() -> None:
    listing = shipped(MULTIMODAL)
    first = listing.entries[0]
    assert (first.title, first.line) == \
        ("MM1: Methods, Analysis & Insights from Multimodal LLM Pre-training", 8)
    assert listing.chrome == (6, 7, 8)  # two "Get trending …" lines and the glued "Subscribe"
    assert listing.entries[-1].title == "Analyzing Transformers in Embedding Space"
    assert listing.entries[-1].line == 498


def test_title_abstract_latex() -> None:
    listing = shipped(MULTIMODAL)
    frechet = [e for e in listing.entries if "Fréchet Inception" in e.abstract]
    assert len(frechet) == 1 and "Fr\\'echet" not in frechet[0].abstract
    vlm2vec = by_title(listing, "VLM2Vec: Training Vision-Language Models for Massive Multimodal "
                       "Embedding Tasks")
    assert "show that model achieves" in vlm2vec.abstract  # unknown \model keeps its name


# --- fixtures, one per quirk -------------------------------------------------------------


def test_crlf_line_endings() -> None:
    listing = parse_clean("crlf-line-endings.txt")
    assert listing.date == "2025-12-08" and listing.chrome == (4, 6)
    assert [(e.title, e.author_count, e.date, e.upvotes) for e in listing.entries] == [
        ("Carriage Returns: A Study of Windows Pastes", 3, "2024-06-20", 1),
        ("Line Endings Considered Harmful", 2, "2025-01-09", 3),
    ]
    assert not any("\r" in e.abstract for e in listing.entries)


def test_nbsp_and_zero_width_spaces() -> None:
    listing = parse_clean("nbsp-and-zero-width-spaces.txt")
    first, second = listing.entries
    assert first.title == "Non-breaking Spaces in Pasted Titles"
    assert first.abstract == "An abstract where a web page put narrow and non-breaking spaces."
    assert (first.author_count, first.date) == (5, "2023-10-12")
    assert second.title == "ZeroWidth Joiners Everywhere"  # U+200B is invisible, U+2009 a space


def test_no_chrome_is_detected_from_the_metadata() -> None:
    listing = parse_clean("no-chrome.txt")
    assert (listing.format, listing.chrome) == ("huggingface", ())
    assert [(e.line, e.author_count, e.date, e.upvotes) for e in listing.entries] == \
        [(1, 6, "2021-11-11", 7), (6, 5, "2022-12-01", None)]


def test_blank_line_separated_pairs() -> None:
    listing = parse_clean("blank-line-separated-pairs.txt")
    assert [(e.line, e.title) for e in listing.entries] == [
        (6, "First Paper on Blank Lines"), (12, "Second Paper on Blank Lines"),
        (16, "Third Paper on Blank Lines")]
    assert listing.entries[1].abstract == "An abstract after a line holding only spaces."


def test_singular_author() -> None:
    listing = parse_clean("singular-author.txt")
    assert [(e.author_count, e.date, e.upvotes) for e in listing.entries] == \
        [(1, "2024-07-11", None), (1, "2024-07-12", 4)]


def test_truncated_last_entry() -> None:
    listing, problems = parse_fixture("truncated-last-entry.txt")
    assert listing is not None and not problems.errors
    complete, cut = listing.entries
    assert (complete.author_count, complete.date) == (4, "2023-10-05")
    assert (cut.title, cut.author_count, cut.date) == ("The Entry the Copy Cut Off", 7, None)
    assert [(p.line, p.severity) for p in problems.items] == [(12, "warning")]
    assert "truncated" in problems.items[0].message


def test_trailing_pagination_is_chrome() -> None:
    listing = parse_clean("trailing-pagination-chrome.txt")
    assert [e.title for e in listing.entries] == ["Paging Through Results"]
    assert listing.chrome == (5, 11, 12)
    assert listing.entries[0].date == "2025-08-03"


def test_impossible_date_does_not_shift_the_next_entry() -> None:
    listing, problems = parse_fixture("invalid-date-after-separator.txt")
    assert listing is not None
    assert [(e.title, e.date, e.upvotes) for e in listing.entries] == [
        ("An Entry with an Impossible Date", None, None),
        ("The Entry After It", "2024-03-03", 2)]
    assert [(p.line, p.severity) for p in problems.items] == [(9, "warning")]
    assert "Feb 30" in problems.items[0].message


def test_a_title_starting_with_subscriber_is_not_chrome() -> None:
    listing = parse_clean("subscriber-title-not-glued.txt")
    assert listing.chrome == (4,)
    assert [e.title for e in listing.entries] == [
        "Subscriber Churn Prediction with Transformers",
        "Subscribed Users Are Not Chrome Either"]
