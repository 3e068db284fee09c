"""Topic assignment: keyword matching, scoring, listing and fixed topics, the report,
and the targets the shipped taxonomy must meet on the shipped content."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from digest.build import load_corpus
from digest.config import Config, TopicRule, load
from digest.corpus.topics import (
    MAX_TOPICS,
    OTHER,
    REPEAT_CAP,
    TITLE_WEIGHT,
    assign,
    default_taxonomy,
    distinctive_terms,
    papers_by_topic,
    parse_taxonomy,
    report,
    scores,
    taxonomy_for,
    words,
)
from digest.errors import Problems
from digest.model import Listing, Paper, Source
from digest.text.slugs import paper_slug

ROOT = Path(__file__).resolve().parents[1]

RULES = (
    TopicRule("Reinforcement learning", "rl", "Agents.", ("reinforcement learning", "RL")),
    TopicRule("Diffusion", "diffusion", "Generative.", ("diffusion model", "denoising")),
    TopicRule("Language models", "llm", "Text.", ("language model", "LLM")),
    TopicRule("Vision-language", "vlm", "Both.", ("vision-language model",)),
    TopicRule("Pre-training", "pretraining", "Before.", ("pre-training",)),
)


def paper(title: str, abstract: str = "", *, listing: str = "papers",
          fixed: tuple[str, ...] = ()) -> Paper:
    return Paper(id=paper_slug(title), title=title, abstract=abstract, fixed_topics=fixed,
                 sources=(Source(listing, 1, f"content/listings/{listing}.txt", 1),))


def topics_of(*papers: Paper, **kwargs: object) -> list[tuple[str, ...]]:
    assigned, _ = assign(papers, RULES, **kwargs)  # type: ignore[arg-type]
    return [p.topics for p in assigned]


# -- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    "Fetching a URL from the real world",  # RL inside other words
    "CURL: contrastive unsupervised representations",
    "Earl grey and world models",
])
def test_a_keyword_never_matches_inside_a_word(title: str) -> None:
    assert topics_of(paper(title)) == [("other",)]


@pytest.mark.parametrize("title", ["RL for robots", "Offline rl, revisited", "RL-based control",
                                   "Scaling (RL) agents", "Why RLs fail"])
def test_a_keyword_matches_whole_words_in_any_case(title: str) -> None:
    assert topics_of(paper(title)) == [("rl",)]


@pytest.mark.parametrize("title", ["Better pre-training", "Better pre training",
                                   "Better pretraining", "Better Pre-Training",
                                   "Better pre–training"])  # an en dash
def test_a_hyphenated_keyword_matches_its_words_apart_or_joined(title: str) -> None:
    assert topics_of(paper(title)) == [("pretraining",)]


def test_the_last_word_of_a_keyword_matches_its_plural() -> None:
    assert topics_of(paper("Denoising diffusion models"), paper("Language Models")) == [
        ("diffusion",), ("llm",)]


def test_a_keyword_inside_a_longer_one_that_matched_does_not_count() -> None:
    assert topics_of(paper("Vision-language models see")) == [("vlm",)]
    assert topics_of(paper("Vision models and language models")) == [("llm",)]


def test_words_splits_on_every_non_word_character() -> None:
    assert words("RL-based (URL) naïve_x, GPT-4V") == [
        b"rl", b"based", b"url", "naïve_x".encode(), b"gpt", b"4v"]


# -- scoring --------------------------------------------------------------------------------


def test_a_title_match_weighs_more_than_an_abstract_match() -> None:
    scored = scores(paper("Diffusion models", "We use RL. We use RL."), RULES)
    assert scored[1].points == TITLE_WEIGHT and scored[1].in_title
    assert scored[0].points == 2 and not scored[0].in_title
    assert topics_of(paper("Diffusion models", "We use RL. We use RL.")) == [("diffusion",)]


def test_a_keyword_repeated_counts_at_most_repeat_cap_times() -> None:
    scored = scores(paper("A study", "LLM " * 10), RULES)
    assert scored[2].points == REPEAT_CAP


def test_one_passing_mention_in_the_abstract_is_not_a_topic() -> None:
    assert topics_of(paper("A study", "Unlike a diffusion model, we do not.")) == [("other",)]
    assert topics_of(paper("A study", "denoising, denoising, then a diffusion model")) == [
        ("diffusion",)]


def test_a_paper_gets_at_most_three_topics_best_first() -> None:
    title = "RL, diffusion models, language models, vision-language models and pre-training"
    abstract = "Language models. A language model. Pre-training. Denoising."
    [found] = topics_of(paper(title, abstract))
    assert len(found) == MAX_TOPICS
    assert found == ("llm", "diffusion", "pretraining")


def test_a_weak_runner_up_from_the_abstract_is_dropped() -> None:
    abstract = "Reinforcement learning with RL and reinforcement learning. Then an LLM."
    assert topics_of(paper("Agents in RL", abstract)) == [("rl",)]


def test_a_runner_up_named_in_the_title_is_kept() -> None:
    abstract = "Reinforcement learning with RL and reinforcement learning, RL, RL."
    assert topics_of(paper("RL for an LLM", abstract)) == [("rl", "llm")]


def test_a_paper_that_matches_nothing_goes_to_other_listed_last() -> None:
    assigned, topics = assign([paper("Gardening tips"), paper("RL tips")], RULES)
    assert [p.topics for p in assigned] == [("other",), ("rl",)]
    assert [t.slug for t in topics] == [*(r.slug for r in RULES), "other"]
    assert topics[-1] == OTHER


# -- listing topics, fixed topics and overrides ---------------------------------------------


def listing(listing_id: str, *topics: str) -> Listing:
    return Listing(id=listing_id, path=f"content/listings/{listing_id}.txt", title=listing_id,
                   format="title-abstract", topics=topics)


def test_listing_topics_are_added_before_the_best_matches() -> None:
    found = topics_of(paper("RL agents", listing="robots"), paper("Gardening", listing="robots"),
                      paper("RL agents", listing="other-listing"),
                      listings=[listing("robots", "Robotics")])
    assert found == [("robotics", "rl"), ("robotics",), ("rl",)]


def test_a_listing_topic_names_a_taxonomy_topic_by_name_or_slug_in_any_case() -> None:
    found = topics_of(paper("Language models", listing="a"), paper("Gardening", listing="b"),
                      listings=[listing("a", "DIFFUSION"), listing("b", "reinforcement learning")])
    assert found == [("diffusion", "llm"), ("rl",)]


def test_listing_topics_never_crowd_out_the_best_match() -> None:
    found = topics_of(paper("Language models", listing="a"),
                      listings=[listing("a", "One", "Two", "Three")])
    assert found == [("one", "two", "three", "llm")]


def test_topics_of_every_listing_a_paper_is_in_are_added() -> None:
    two = Paper(id="x", title="Gardening", sources=(Source("a", 1, "a.txt", 1),
                                                   Source("b", 4, "b.txt", 9)))
    assigned, _ = assign([two], RULES, [listing("a", "Plants"), listing("b", "Soil", "Plants")])
    assert assigned[0].topics == ("plants", "soil")


def test_fixed_topics_replace_the_rules_and_the_listing_topics() -> None:
    fixed = paper("RL agents", listing="robots", fixed=("Diffusion", "Brand new"))
    assert topics_of(fixed, listings=[listing("robots", "Robotics")]) == [
        ("diffusion", "brand-new")]


def test_an_override_replaces_fixed_topics_and_rules() -> None:
    fixed = paper("RL agents", fixed=("Diffusion",))
    plain = paper("Diffusion models")
    found = topics_of(fixed, plain, overrides={fixed.id: ("llm",), plain.id: ("Other",)})
    assert found == [("llm",), ("other",)]


def test_unknown_topics_are_created_once_and_listed_by_name_before_other() -> None:
    assigned, topics = assign(
        [paper("A", fixed=("zebra studies",)), paper("B", fixed=("Apples", "Zebra Studies")),
         paper("RL", listing="l")], RULES, [listing("l", "apples")])
    assert [p.topics for p in assigned] == [
        ("zebra-studies",), ("apples", "zebra-studies"), ("apples", "rl")]
    created = topics[len(RULES):]
    assert [(t.name, t.slug) for t in created] == [
        ("Apples", "apples"), ("Zebra Studies", "zebra-studies"), ("Other", "other")]


def test_assignment_is_deterministic_and_independent_of_paper_order() -> None:
    papers = [paper(f"{t} number {i}", "Denoising a language model with RL and RL.")
              for i, t in enumerate(["RL", "Diffusion models", "Gardening", "LLM"] * 5)]
    papers[0] = paper("Gardening", fixed=("Zebra studies", "zebra Studies"))
    first, topics = assign(papers, RULES)
    again, topics_again = assign(list(reversed(papers)), RULES)
    assert topics == topics_again
    assert {p.id: p.topics for p in first} == {p.id: p.topics for p in again}


def test_assignment_does_not_depend_on_the_hash_seed() -> None:
    script = ("import json, sys; from datetime import date; from pathlib import Path\n"
              "from digest.config import load; from digest.errors import Problems\n"
              "from digest.build import load_corpus; from digest.corpus.topics import assign, "
              "taxonomy_for\n"
              "p = Problems(); c = load(Path(sys.argv[1]), p)\n"
              "papers, _ = assign(load_corpus(c, date(2026, 11, 25), p).papers, "
              "taxonomy_for(c))\n"
              "print(json.dumps([x.topics for x in papers]))")
    outputs = {subprocess.run([sys.executable, "-c", script, str(ROOT)], check=True, text=True,
                              capture_output=True, env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1


# -- the taxonomy and the report ------------------------------------------------------------


def test_the_default_taxonomy_is_complete_and_used_when_the_config_sets_none() -> None:
    rules = default_taxonomy()
    assert len({r.slug for r in rules}) == len(rules)
    assert OTHER.slug not in {r.slug for r in rules}
    assert all(r.description and r.keywords for r in rules)
    assert taxonomy_for(Config(root=ROOT)) == rules
    assert taxonomy_for(Config(root=ROOT, topics=RULES)) == RULES


def test_parse_taxonomy_fills_in_slugs_and_rejects_bad_shapes() -> None:
    assert parse_taxonomy([{"name": "Graph Learning", "keywords": ["graph"]}]) == (
        TopicRule("Graph Learning", "graph-learning", "", ("graph",)),)
    for bad in ({"name": "x"}, [{"slug": "x"}], [{"name": "x", "keywords": "graph"}]):
        with pytest.raises(TypeError):
            parse_taxonomy(bad)


def test_report_shows_every_topic_and_the_distinctive_terms_of_other() -> None:
    papers = [paper(f"RL study {i}", "Reinforcement learning.") for i in range(4)] + [
        paper(f"Garden {i}", "Tomato seedlings need compost and light.") for i in range(3)]
    assigned, topics = assign(papers, RULES)
    text = report(assigned, topics)
    assert "Reinforcement learning" in text and "Diffusion" in text
    assert "RL study 0" in text and "Garden 0" in text
    assert "7 papers, 3 (42.9%) in Other" in text
    assert "tomato seedlings" in text and "compost" in text
    assert "reinforcement" not in text.split("rules from:")[1]
    terms = {term: count for term, count, _ in distinctive_terms(assigned)}
    assert terms["compost"] == 3


def test_report_says_so_when_nothing_is_in_other() -> None:
    assigned, topics = assign([paper("RL")], RULES)
    text = report(assigned, topics)
    assert "1 papers, 0 (0.0%) in Other" in text and "rules from" not in text


# -- the shipped taxonomy on the shipped content --------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[list[Paper], list[TopicRule]]:
    problems = Problems()
    config = load(ROOT, problems)
    corpus = load_corpus(config, date(2026, 11, 25), problems)
    assert not problems.errors
    return assign(corpus.papers, taxonomy_for(config), corpus.listings)


def test_at_least_nine_in_ten_shipped_papers_have_a_real_topic(
        shipped: tuple[list[Paper], list[TopicRule]]) -> None:
    papers, _ = shipped
    in_other = sum(OTHER.slug in p.topics for p in papers)
    assert in_other <= 0.1 * len(papers), f"{in_other} of {len(papers)} papers in Other"


def test_no_shipped_topic_holds_more_than_a_third_and_each_holds_five(
        shipped: tuple[list[Paper], list[TopicRule]]) -> None:
    papers, topics = shipped
    counts = {slug: len(group) for slug, group in papers_by_topic(papers, topics).items()}
    assert max(counts.values()) <= len(papers) / 3, counts
    assert all(counts[rule.slug] >= 5 for rule in default_taxonomy()), counts


def test_every_shipped_paper_has_one_to_three_topics(
        shipped: tuple[list[Paper], list[TopicRule]]) -> None:
    papers, _ = shipped
    assert all(1 <= len(p.topics) <= MAX_TOPICS for p in papers)
    slugs = {rule.slug for rule in default_taxonomy()} | {"other"}
    assert all(set(p.to_record()["topics"]) <= slugs for p in papers)  # exportable slugs


def test_many_papers_matched_on_forked_workers_get_the_topics_one_process_gives(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Above MATCH_IN_PARALLEL papers the text is matched on two workers; the topics and
    their order are the one-process ones (expected: a hand-made pattern per paper)."""
    from digest.corpus import topics as topics_mod

    kinds = [("Reinforcement learning for robots", "An RL agent.", ("rl",)),
             ("Denoising images", "A diffusion model that is denoising.", ("diffusion",)),
             ("A study of nothing", "Plain words only.", ("other",)),
             ("Vision-language model pre-training", "We do pre-training.",
              ("pretraining", "vlm"))]  # 3 + 1 points against 3
    papers = [paper(f"{title} {i}", abstract) for i in range(topics_mod.MATCH_IN_PARALLEL + 10)
              for title, abstract, _ in kinds[i % 4:i % 4 + 1]]
    expected = [kinds[i % 4][2] for i in range(len(papers))]
    from digest import executor

    forked = []
    start = executor.start
    monkeypatch.setattr(executor, "start", lambda *a: forked.append(a[3]) or start(*a))
    assigned, _ = assign(papers, RULES, processes=2)
    assert forked == [2]
    assert [p.topics for p in assigned] == expected
    assert [p.id for p in assigned] == [p.id for p in papers]


def test_a_memo_assigns_as_a_fresh_call_through_a_chain_of_edits() -> None:
    """With a memo, the papers kept at both ends keep what the last call made of them:
    each step gives what a call without a memo gives, through edits between them, a
    listing's topics changed, an override, and a paper that creates a topic (then every
    paper is resolved again, and the topic goes when the paper does)."""
    from dataclasses import replace as changed

    from digest.corpus.topics import AssignMemo

    base = [paper(f"Paper {n:02d} on {word}", listing=f"l{n % 3}")
            for n, word in enumerate(["RL agents", "diffusion models", "a language model",
                                      "pre-training", "cooking", "denoising"] * 4)]
    listings = [Listing(id="l1", path="content/listings/l1.txt", title="L1", date=None,
                        source=None, format="plain", entries=(), topics=("Diffusion",))]
    memo = AssignMemo()
    steps: list[tuple[list[Paper], list[Listing], dict[str, list[str]]]] = []
    papers = list(base)
    steps.append((papers, [], {}))
    papers = list(papers)
    papers[9] = changed(papers[9], title="Paper 09 on RL for robots")
    steps.append((papers, [], {}))
    papers = sorted([*papers, paper("Paper 10b on vision-language models")], key=lambda p: p.id)
    steps.append((papers, [], {}))
    steps.append((papers, listings, {}))  # a listing's topics
    steps.append((papers, listings, {papers[3].id: ["Language models"]}))  # an override
    created = paper("Aa brand new", fixed=("Quantum cooking",))  # sorts first: at an end
    with_new = sorted([*papers, created], key=lambda p: p.id)
    steps.append((with_new, listings, {}))
    with_new = list(with_new)
    with_new[7] = changed(with_new[7], title="Paper 06 on diffusion models")
    steps.append((with_new, listings, {}))  # the topic stays, named by a paper at an end
    steps.append((papers, listings, {}))  # and goes with it
    steps.append((papers[:-1], [], {}))
    for papers, listed, overrides in steps:
        got = assign(papers, RULES, listed, overrides, memo)
        assert got == assign(papers, RULES, listed, overrides), [p.id for p in papers]
    assert memo.given and not memo.created
