"""Named queries people type, in lunr.js under Node and in Chromium under /papers/.

The fixture (``fixtures/search_site``) holds papers with their full author lists, arXiv
links, dates across ten years and a curator's note, written to be hard for a search
engine, as a resolved digest will be: Kaiming He beside a Kaiming Zhou who wrote with a
Lei He, He Li and Li He, Xi Chen beside Xinlei Chen and Saining Xie, Jie An beside a
title that starts with "An", titles starting with "He..." (the completions of "he").
Expected papers are picked from the records by their authors, titles, dates and topics,
never by the search code.
"""

from __future__ import annotations

import re
import shutil
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium_session, run_axe, serve_directory
from playwright.sync_api import Browser, Page, expect
from sitebuild import REPO, build_project, documents
from test_search_node import RUNNER, node

from digest.model import Paper
from digest.output.search import keys, porter
from digest.site.data import SiteData

FIXTURE = REPO / "tests" / "fixtures" / "search_site"
TIMEOUT = 10_000  # ms


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteData, Path]:
    out = tmp_path_factory.mktemp("search-queries") / "site"
    result = build_project(FIXTURE, out, base_url="http://127.0.0.1:8000/papers/")
    folder = out / "search"
    (folder / "runner.js").write_text(RUNNER)
    shutil.copy(out / "assets" / "lunr" / "lunr.min.js", folder / "lunr.min.js")
    return result.site, out


@pytest.fixture(scope="module")
def site(built: tuple[SiteData, Path]) -> SiteData:
    return built[0]


@pytest.fixture(scope="module")
def folder(built: tuple[SiteData, Path]) -> Path:
    return built[1] / "search"


def run(folder: Path, *queries: str | dict[str, Any]) -> list[dict[str, Any]]:
    asked = [{"q": q} if isinstance(q, str) else q for q in queries]
    out: list[dict[str, Any]] = node(folder, "results", queries=asked)
    return out


def papers(site: SiteData, found: dict[str, Any]) -> list[Paper]:
    return [documents(site)[int(r["ref"])] for r in found["results"]]


def named(site: SiteData, full_name: str) -> set[str]:
    """The papers with an author of exactly this name."""
    return {p.id for p in site.papers if full_name in p.authors}


def has_name_word(paper: Paper, word: str) -> bool:
    return any(word in author.lower().replace(".", " ").split() for author in paper.authors)


# ---- names ------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Kaiming He", "kaiming he", "He Kaiming", "K. He", "K He",
                                   "kaiming he "])
def test_a_name_ranks_that_persons_papers_first(site: SiteData, folder: Path, query: str) -> None:
    (found,) = run(folder, query)
    his = named(site, "Kaiming He")
    assert len(his) >= 8
    ranked = [p.id for p in papers(site, found)]
    assert set(ranked[:len(his)]) == his, ranked
    # Kaiming Zhou wrote with a Lei He: both words, two people, after every paper of his.
    helmholtz = "helmholtz-machines-revisited-for-heavy-tailed-data"
    assert helmholtz not in ranked or ranked.index(helmholtz) >= len(his)


def test_the_name_is_marked_in_the_byline(site: SiteData, folder: Path) -> None:
    (found,) = run(folder, "Kaiming He")
    first = found["results"][0]
    assert first["named"][:2] == ["Kaiming", "He"] or {"Kaiming", "He"} <= set(first["named"])


@pytest.mark.parametrize(("query", "person"), [
    ("xi chen", "Xi Chen"), ("Chen Xi", "Xi Chen"), ("P. Abbeel", "Pieter Abbeel"),
    ("jie an", "Jie An"), ("li li", "Li Li"), ("xiaofei he", "Xiaofei He"),
    ("Jean-Baptiste Alayrac", "Jean-Baptiste Alayrac"), ("J.-B. Alayrac", "Jean-Baptiste Alayrac"),
    ("saining xie", "Saining Xie"), ("Peebles", "William Peebles"),
])
def test_names_with_short_and_stop_word_surnames(site: SiteData, folder: Path, query: str,
                                                 person: str) -> None:
    (found,) = run(folder, query)
    theirs = named(site, person)
    ranked = [p.id for p in papers(site, found)]
    assert theirs and set(ranked[:len(theirs)]) == theirs, ranked


def test_a_stop_word_surname_alone_finds_its_people_before_completions(
        site: SiteData, folder: Path) -> None:
    (typing, done) = run(folder, "he", "he ")
    ranked = papers(site, typing)
    with_he = [has_name_word(p, "he") for p in ranked]
    assert sum(with_he) == sum(has_name_word(p, "he") for p in site.papers) >= 10
    assert with_he == sorted(with_he, reverse=True)  # every He before any completion
    titles = [p.title for p in ranked if not has_name_word(p, "he")]
    assert "Heterogeneous Graph Transformer" in titles  # "he" is being typed: completions too
    assert all(has_name_word(p, "he") for p in papers(site, done))  # a finished word: He only


def test_xie_is_not_xi(site: SiteData, folder: Path) -> None:
    xi, xie = run(folder, "xi ", "xie ")
    assert {p.id for p in papers(site, xi)} == {p.id for p in site.papers
                                                 if has_name_word(p, "xi")}
    assert {p.id for p in papers(site, xie)} == {p.id for p in site.papers
                                                  if has_name_word(p, "xie")}
    assert not {p.id for p in papers(site, xi)} & {p.id for p in papers(site, xie)}


def test_a_stop_word_at_the_start_of_a_title_is_not_a_name(site: SiteData, folder: Path) -> None:
    (title, with_an, without) = run(folder, "An Image is Worth 16x16 Words", "an image worth",
                                    "image worth")
    vit = "an-image-is-worth-16x16-words-transformers-for-image-recognition-at-scale"
    assert papers(site, title)[0].id == vit
    # Hyun An wrote about what an image is worth: "an" does not lift his paper.
    assert {"image-worth-estimation-from-auction-records", vit} <= {
        p.id for p in papers(site, with_an)}
    assert with_an["results"] == without["results"]


def test_names_in_query_syntax_are_read_as_written(site: SiteData, folder: Path) -> None:
    (he, kaiming) = run(folder, "authors:he", "+kaiming -mask")
    assert he["mode"] == "syntax"
    assert {p.id for p in papers(site, he)} == {p.id for p in site.papers
                                                 if has_name_word(p, "he")}
    found = papers(site, kaiming)
    assert found and all("kaiming" in " ".join(p.authors).lower() for p in found)
    assert not [p for p in found if "mask" in p.title.lower()]


# ---- ranking ----------------------------------------------------------------------------

def stems(site: SiteData, paper: Paper) -> set[str]:
    """The stems of every searched text of a paper: title, names, topics, abstract, note."""
    names = {t.slug: t.name for t in site.topics}
    note = site.notes[paper.id].body if paper.id in site.notes else ""
    text = " ".join([paper.title, *paper.authors, *map(names.get, paper.topics),
                     paper.abstract, note])
    return {porter.stem(w) for w in re.findall(r"[a-z0-9]+", text.lower())}


def test_papers_matching_every_word_rank_above_those_matching_some(
        site: SiteData, folder: Path) -> None:
    (every, some) = run(folder, "contrastive representation learning ", "siamese diffusion ")
    wanted = {"contrast", "represent", "learn"}
    found = papers(site, every)
    covered = [len(wanted & stems(site, p)) for p in found]
    full = {p.id for p in site.papers if wanted <= stems(site, p)}
    assert full and {p.id for p in found[:len(full)]} == full  # every paper matching all three
    assert covered == sorted(covered, reverse=True)  # then two words of three, then one
    partial = {p.id for p in site.papers if len(wanted & stems(site, p)) == 2}
    assert partial and partial <= {p.id for p in found}  # listed below, not dropped
    # No paper has both words: the papers with either one are the results.
    kinds = {("siames" in stems(site, p), "diffus" in stems(site, p))
             for p in papers(site, some)}
    assert kinds == {(True, False), (False, True)}


def test_an_exact_word_ranks_above_the_completions_of_the_word_being_typed(
        site: SiteData, folder: Path) -> None:
    (graph,) = run(folder, "graph")
    found = papers(site, graph)
    exact = ["graph" in stems(site, p) for p in found]
    assert exact == sorted(exact, reverse=True) and sum(exact) >= 2
    assert "Instant Neural Graphics Primitives with a Multiresolution Hash Encoding" in [
        p.title for p, e in zip(found, exact, strict=True) if not e]  # "graphics", title ×10


@pytest.mark.parametrize("title", [
    ("Representation Alignment for Generation: Training Diffusion Transformers Is Easier "
     "Than You Think"),
    "Momentum Contrast for Unsupervised Visual Representation Learning",
    "Exploring Simple Siamese Representation Learning",
    "Mask R-CNN",
])
def test_a_pasted_title_finds_its_paper_first(site: SiteData, folder: Path, title: str) -> None:
    (found,) = run(folder, title)
    assert papers(site, found)[0].title == title


# ---- snippets ---------------------------------------------------------------------------

def test_the_snippet_is_the_sentence_that_matched(site: SiteData, folder: Path) -> None:
    (birds,) = run(folder, "dawn birds")
    first = birds["results"][0]
    paper = documents(site)[int(first["ref"])]
    sentence = next(s for s in paper.abstract.split(". ") if "dawn" in s)
    assert sentence in first["snippet"] and not paper.abstract.startswith(first["snippet"][:30])
    assert first["snippet"].startswith("\u2026 ") and not first["note"]
    assert first["marked"] == ["dawn", "birds"]


def test_a_long_sentence_is_cut_to_a_window_around_the_match(site: SiteData,
                                                             folder: Path) -> None:
    (found,) = run(folder, "lossy decompression")
    first = found["results"][0]
    assert documents(site)[int(first["ref"])].title == "Denoising Diffusion Probabilistic Models"
    # The abstract's last sentence, 470 characters: from a little before the first match.
    assert first["snippet"].startswith("\u2026 ") and "On CIFAR10" not in first["snippet"]
    assert len(first["snippet"]) <= 240 + 2
    assert first["marked"] == ["lossy", "decompression"]


def test_a_match_in_the_note_quotes_the_note(site: SiteData, folder: Path) -> None:
    (found,) = run(folder, "satellite imagery")
    first = found["results"][0]
    assert documents(site)[int(first["ref"])].id in site.notes
    assert first["note"] and "satellite imagery" in first["snippet"]
    assert first["marked"] == ["satellite", "imagery"]


def test_a_match_in_the_title_or_names_only_quotes_the_opening(site: SiteData,
                                                               folder: Path) -> None:
    (found,) = run(folder, "Peebles")
    first = found["results"][0]
    abstract = documents(site)[int(first["ref"])].abstract
    assert abstract.startswith(first["snippet"]) and first["marked"] == []


# ---- arXiv ids --------------------------------------------------------------------------

REPA = "representation-alignment-for-generation-training-diffusion-transformers-517a56"


@pytest.mark.parametrize(("query", "paper"), [
    ("2410.06940", REPA),
    ("arXiv:2410.06940v2", REPA),
    ("https://arxiv.org/abs/2410.06940", REPA),
    ("https://huggingface.co/papers/2410.06940", REPA),
    ("https://arxiv.org/pdf/1512.03385v2", "deep-residual-learning-for-image-recognition"),
    (" 1911.05722 ", "momentum-contrast-for-unsupervised-visual-representation-learning"),
    ("cs/0112017", "stochastic-backpropagation-in-deep-latent-models"),
])
def test_an_arxiv_id_or_url_finds_its_paper(site: SiteData, folder: Path, query: str,
                                             paper: str) -> None:
    (found,) = run(folder, query)
    assert found["mode"] == "id" and [p.id for p in papers(site, found)] == [paper]


def test_an_unknown_arxiv_id_finds_nothing(folder: Path) -> None:
    (found,) = run(folder, "2501.00001")
    assert found["mode"] == "id" and found["results"] == []


def test_search_js_hashes_keys_and_reads_ids_as_python_does(folder: Path) -> None:
    keys_ = ["he kaiming", "2410.06940", "hep-th/9901001", "a", "zz top", "chen x"] + [
        f"author{n} surname{n}" for n in range(200)]
    asked = [[k, files] for k in keys_ for files in (1, 7, 1000)]
    assert node(folder, "buckets", keys=asked) == [zlib.crc32(k.encode()) % f for k, f in asked]
    texts = ["2410.06940", "arXiv:2410.06940v2", "ARXIV: 2410.06940",
             "https://arxiv.org/abs/2410.06940", "https://arxiv.org/pdf/1512.03385.pdf", "https://hf.co/papers/2410.06940#x",
             "hep-th/9901001v1", "https://arxiv.org/abs/math.GT/0309136", "2410.069",
             "https://github.com/x/2410.06940", "https://arxiv.org/list/cs.LG/recent", "clip"]
    assert node(folder, "ids", texts=texts) == [keys.arxiv_id(t) for t in texts]


# ---- filters and order ------------------------------------------------------------------

def year(paper: Paper) -> str:
    return (paper.effective_date or "")[:4]


def test_year_filter_keeps_that_years_papers(site: SiteData, folder: Path) -> None:
    everything, in_2020 = run(folder, "learning ", {"q": "learning ", "year": "2020"})
    every = papers(site, everything)
    assert everything["years"] == dict(Counter(year(p) for p in every if year(p)))
    assert [p.id for p in papers(site, in_2020)] == [p.id for p in every if year(p) == "2020"]
    assert in_2020["count"] == everything["years"]["2020"] >= 2
    assert in_2020["total"] == everything["total"]


def test_topic_and_year_filters_combine(site: SiteData, folder: Path) -> None:
    slug = "self-supervised-learning"
    (both,) = run(folder, {"q": "learning ", "topics": [slug], "year": "2020"})
    found = papers(site, both)
    assert found and all(slug in p.topics and year(p) == "2020" for p in found)
    (only_topic,) = run(folder, {"q": "learning ", "topics": [slug]})
    assert both["years"] == dict(Counter(year(p) for p in papers(site, only_topic) if year(p)))


def test_newest_first_orders_by_date_with_undated_last(site: SiteData, folder: Path) -> None:
    relevance, newest = run(folder, "flows ", {"q": "flows ", "sort": "newest"})
    dates = [p.effective_date or "" for p in papers(site, newest)]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[:len(dated)] == dated
    assert "" in dates  # the undated survey of normalizing flows, last
    assert sorted(r["ref"] for r in newest["results"]) == sorted(
        r["ref"] for r in relevance["results"])
    assert relevance["results"] != newest["results"]


# ---- in Chromium, under /papers/ --------------------------------------------------------

@pytest.fixture(scope="module")
def base(built: tuple[SiteData, Path]) -> Iterator[str]:
    with serve_directory(built[1], "/papers/") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium_session() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("request", lambda r: requests.append(r.url))
    yield tab
    context.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(base) and not u.startswith("data:")] == []


def shown(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "#search-results .card-title a", "links => links.map(a => a.getAttribute('href'))")
    return [h.removeprefix("../papers/").rstrip("/") for h in hrefs]


def searched(page: Page, base: str, text: str) -> list[str]:
    if "/search/" not in page.url:
        page.goto(base + "search/")
    page.fill("#search-input", text)
    expect(page.locator("#search-status")).to_contain_text(f"\u201c{text.strip()}\u201d")
    return shown(page)


@pytest.mark.parametrize("query", ["Kaiming He", "He Kaiming", "K. He"])
def test_chromium_a_name_finds_that_person_first(site: SiteData, page: Page, base: str,
                                                 query: str) -> None:
    his = named(site, "Kaiming He")
    assert set(searched(page, base, query)[:len(his)]) == his
    byline = page.locator("#search-results .byline").first
    words = {w for w in re.findall(r"\w+", query) if len(w) > 1}  # an initial marks nothing
    assert words <= set(byline.locator("mark").all_inner_texts())


def test_chromium_snippets_quote_the_matched_sentence_and_the_note(page: Page,
                                                                   base: str) -> None:
    searched(page, base, "dawn birds")
    snippet = page.locator("#search-results .snippet").first
    expect(snippet).to_contain_text("overlapping calls at dawn")
    assert snippet.locator("mark").all_inner_texts() == ["dawn", "birds"]
    searched(page, base, "satellite imagery")
    snippet = page.locator("#search-results .snippet").first
    expect(snippet.locator(".snippet-label")).to_have_text("Note:")
    assert snippet.locator("mark").all_inner_texts() == ["satellite", "imagery"]


def test_chromium_a_pasted_arxiv_url_finds_its_paper(page: Page, base: str) -> None:
    assert searched(page, base, "https://arxiv.org/abs/2410.06940v1") == [REPA]
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^1 paper matches"))


def dates_shown(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#search-results .meta time", "ts => ts.map(t => t.getAttribute('datetime') || '')")


def test_chromium_filters_and_sort_live_in_the_url_and_back_restores_them(
        page: Page, base: str) -> None:
    everything = searched(page, base, "learning")
    page.press("#search-input", "Enter")
    year = page.locator("#search-filters [data-year='2021']")
    year.click()
    expect(page.locator("#search-filters [data-year='2021']")).to_have_attribute(
        "aria-pressed", "true")
    expect(page.locator("#search-filters [data-year='2021']")).to_be_focused()
    expect(page.locator("#search-status")).to_contain_text("from 2021")
    in_2021 = shown(page)
    assert len(in_2021) >= 3 and set(in_2021) < set(everything)
    assert all(d.startswith("2021-") for d in dates_shown(page))
    assert "year=2021" in page.url
    page.select_option("#search-sort", "newest")
    expect(page.locator("#search-status")).to_contain_text("newest first")
    dates = dates_shown(page)
    assert dates == sorted(dates, reverse=True) and "sort=newest" in page.url
    chip = page.locator("#search-filters [data-topic='self-supervised-learning']")
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    state = page.url
    assert re.search(r"\?q=learning&topic=self-supervised-learning&year=2021&sort=newest$",
                     state), state
    narrowed = shown(page)
    assert narrowed and set(narrowed) < set(in_2021)

    page.locator("#search-results .card-title a").first.click()
    page.wait_for_url(re.compile(r"/papers/papers/"))
    page.go_back()  # the page comes back as it was left
    expect(page.locator("#search-sort")).to_have_value("newest")
    expect(page.locator("#search-filters [data-topic='self-supervised-learning']")
           ).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#search-results .card")).to_have_count(len(narrowed))
    assert shown(page) == narrowed
    page.go_back()  # the topic off
    expect(page.locator("#search-filters [data-topic='self-supervised-learning']")
           ).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#search-sort")).to_have_value("newest")
    page.go_back()  # relevance again
    expect(page.locator("#search-sort")).to_have_value("relevance")
    expect(page.locator("#search-status")).not_to_contain_text("newest first")
    assert shown(page) == in_2021
    page.go_back()  # every year
    expect(page.locator("#search-status")).not_to_contain_text("from 2021")
    assert shown(page) == everything

    page.goto(state)  # a shared link opens the same view
    expect(page.locator("#search-input")).to_have_value("learning")
    expect(page.locator("#search-sort")).to_have_value("newest")
    expect(page.locator("#search-filters [data-year='2021']")).to_have_attribute(
        "aria-pressed", "true")
    expect(page.locator("#search-results .card")).to_have_count(len(narrowed))
    assert shown(page) == narrowed


def test_chromium_results_with_filters_and_sort_pass_axe(page: Page, base: str) -> None:
    searched(page, base, "learning")
    page.locator("#search-filters [data-year]").first.click()
    expect(page.locator("#search-filters [data-year][aria-pressed='true']")).to_have_count(1)
    page.select_option("#search-sort", "newest")
    searched(page, base, "satellite imagery")  # a note's snippet, with its label
    assert run_axe(page) == []
    page.emulate_media(color_scheme="dark")
    assert run_axe(page) == []


def test_chromium_keyboard_reaches_results_past_the_filters(page: Page, base: str) -> None:
    searched(page, base, "kaiming he")
    page.focus("#search-input")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#search-results .card-title a").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#search-input")).to_be_focused()
