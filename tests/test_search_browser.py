"""The search page in headless Chromium, on the shipped site served under /papers/.

One browser for the module; each test gets a fresh page and fails on any script error.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
from browser import chromium_session, run_axe, serve_directory
from playwright.sync_api import Browser, Page, expect
from sitebuild import REPO, build_project
from vlq import decode

TIMEOUT = 10_000  # ms
SCALABLE = "papers/scalable-diffusion-models-with-transformers/"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("search-site") / "site"
    build_project(REPO, site, base_url="http://127.0.0.1:8000/papers/")
    with serve_directory(site, "/papers/") as url:
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
    outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert outside == [], "requests left the site's sub-path"


def results(page: Page) -> list[str]:
    """Result links, as paths under the site root."""
    hrefs: list[str] = page.eval_on_selector_all(
        "#search-results .card-title a", "links => links.map(a => a.href)")
    return [re.sub(r"^http://127\.0\.0\.1:\d+/papers/", "", h) for h in hrefs]


def search(page: Page, base: str, text: str) -> list[str]:
    if "/search/" not in page.url:
        page.goto(base + "search/")
    page.fill("#search-input", text)
    expect(page.locator("#search-status")).to_contain_text(f"\u201c{text.strip()}\u201d")
    return results(page)


@pytest.mark.parametrize(("text", "expected"), [
    ("Scalable Diffusion Models with Transformers", SCALABLE),  # an exact title
    ("Peebles", SCALABLE),  # an author's surname
    ("frechet", "papers/effective-and-efficient-masked-image-generation-models/"),  # Fréchet
    ("peebels", SCALABLE),  # a misspelling: one edit away
])
def test_queries_put_the_expected_paper_first(page: Page, base: str, text: str,
                                              expected: str) -> None:
    assert search(page, base, text)[:3].count(expected) == 1
    assert search(page, base, text)[0] == expected or text == "frechet"


def test_a_topic_word_finds_papers_of_that_topic(page: Page, base: str) -> None:
    found = search(page, base, "medicine")
    assert len(found) >= 5
    cards = page.locator("#search-results .card")
    for i in range(5):
        card = cards.nth(i)
        text = (card.locator(".card-title").inner_text() + " " +
                " ".join(card.locator(".meta .chip").all_inner_texts())).lower()
        assert "medic" in text


def test_results_update_as_you_type_a_prefix(page: Page, base: str) -> None:
    page.goto(base + "search/")
    page.locator("#search-input").press_sequentially("diffus", delay=30)
    expect(page.locator("#search-status")).to_contain_text("\u201cdiffus\u201d")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ papers match"))
    first = page.locator("#search-results .card-title a").first
    expect(first).to_contain_text(re.compile("Diffusion", re.IGNORECASE))
    assert page.url.endswith("search/?q=diffus")  # shareable while typing


STATUSES = """() => {
    window.statuses = [];
    new MutationObserver(() => window.statuses.push(
        document.getElementById("search-status").textContent))
        .observe(document.getElementById("search-status"), {childList: true});
}"""


@pytest.mark.parametrize("slow", [False, True])
def test_typing_waits_for_a_pause_only_when_searches_are_slow(page: Page, base: str,
                                                              slow: bool) -> None:
    # Every search seems to take a second (a common word at 100,000 papers), or no time.
    step = 1000 if slow else 0
    page.add_init_script(f"(() => {{ let clock = 0; performance.now = () => (clock += {step}); }})()")
    search(page, base, "clip")
    page.evaluate(STATUSES)
    page.fill("#search-input", "")
    page.locator("#search-input").press_sequentially("diffusion", delay=60)
    expect(page.locator("#search-status")).to_contain_text("\u201cdiffusion\u201d")
    typed = {s for s in page.evaluate("window.statuses") if "\u201cdiff" in s}
    if slow:  # one search, after the pause
        assert len(typed) == 1, typed
    else:  # a search per keystroke
        assert len(typed) >= 3, typed


def test_matched_words_are_highlighted(page: Page, base: str) -> None:
    search(page, base, "diffusion transformers")
    marks = page.locator("#search-results mark").all_inner_texts()
    # "transform" is the stem of transformers and of transformation: a snippet may show either
    # ("diffus" is the stem of diffusion and of diffuse, in papers matching one word)
    odd = [m for m in marks if not re.fullmatch(r"(?i)diffus\w*|transform\w*", m)]
    assert marks and not odd, odd
    title = page.locator("#search-results .card-title").first
    assert title.locator("mark").count() >= 2
    assert page.locator("#search-results .snippet mark").count() > 0


def test_result_shows_title_authors_date_topics_and_snippet(page: Page, base: str) -> None:
    search(page, base, "Peebles")
    card = page.locator("#search-results .card").first
    expect(card.locator(".byline")).to_contain_text("William Peebles, Saining Xie")
    expect(card.locator(".meta time")).to_have_count(1)
    assert card.locator(".meta .chip").count() >= 1
    expect(card.locator(".snippet")).to_contain_text("diffusion models")


def test_keyboard_slash_arrows_and_enter(page: Page, base: str) -> None:
    page.goto(base + "search/")
    page.locator("body").press("/")
    expect(page.locator("#search-input")).to_be_focused()
    page.keyboard.type("clip")
    expect(page.locator("#search-status")).to_contain_text("\u201cclip\u201d")
    links = page.locator("#search-results .card-title a")
    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#search-input")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    target = links.nth(1).get_attribute("href")
    assert target and target.startswith("../papers/")
    page.keyboard.press("Enter")
    page.wait_for_url(base + target[len("../"):])


def test_query_in_the_url_searches_on_load(page: Page, base: str) -> None:
    page.goto(base + "search/?q=Peebles")
    expect(page.locator("#search-input")).to_have_value("Peebles")
    expect(page.locator("#search-results .card-title a").first).to_have_attribute(
        "href", "../" + SCALABLE)


def test_the_header_box_on_any_page_leads_to_search(page: Page, base: str) -> None:
    page.goto(base + "topics/")
    page.locator("body").press("/")
    page.keyboard.type("frechet")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "search/?q=frechet")
    expect(page.locator("#search-status")).to_contain_text("match \u201cfrechet\u201d")


def test_back_button_returns_to_earlier_searches(page: Page, base: str) -> None:
    page.goto(base + "search/")
    page.fill("#search-input", "clip")
    page.press("#search-input", "Enter")
    page.fill("#search-input", "Peebles")
    page.press("#search-input", "Enter")
    expect(page.locator("#search-status")).to_contain_text("\u201cPeebles\u201d")
    page.locator("#search-results .card-title a").first.click()
    page.wait_for_url(base + SCALABLE)
    page.go_back()
    expect(page.locator("#search-input")).to_have_value("Peebles")
    expect(page.locator("#search-results .card-title a").first).to_have_attribute(
        "href", "../" + SCALABLE)
    page.go_back()
    expect(page.locator("#search-input")).to_have_value("clip")
    expect(page.locator("#search-status")).to_contain_text("\u201cclip\u201d")


def test_topic_chips_narrow_the_results(page: Page, base: str) -> None:
    everything = search(page, base, "diffusion")
    chip = page.locator("#search-filters button[aria-pressed='false']").first
    name = chip.inner_text().rsplit(" ", 1)[0].rsplit("\n", 1)[0].strip()
    slug = chip.get_attribute("data-topic")
    chip.click()
    expect(page.locator(f"#search-filters [data-topic='{slug}']")).to_have_attribute(
        "aria-pressed", "true")
    expect(page.locator("#search-status")).to_contain_text(f"in {name}")
    narrowed = results(page)
    assert narrowed and set(narrowed) <= set(everything) and len(narrowed) <= len(everything)
    for chips in page.locator("#search-results .card .meta").all_inner_texts():
        assert name in chips
    assert f"topic={slug}" in page.url
    page.reload()  # the filter is part of the shareable URL
    expect(page.locator(f"#search-filters [data-topic='{slug}']")).to_have_attribute(
        "aria-pressed", "true")
    assert results(page) == narrowed


@pytest.mark.parametrize("text", ["diffusion:", "title:", "+", "foo:bar clip", "vision +"])
def test_query_syntax_errors_never_break_the_page(page: Page, base: str, text: str) -> None:
    search(page, base, text)  # the page fixture fails on any script error
    status = page.locator("#search-status").inner_text()
    assert re.match(r"^(No papers match|\d+ papers? match)", status), status


def test_search_page_with_results_passes_axe(page: Page, base: str) -> None:
    search(page, base, "diffusion")
    page.locator("#search-filters button[aria-pressed='false']").first.click()
    expect(page.locator("#search-filters button[aria-pressed='true']")).to_have_count(1)
    assert run_axe(page) == []
    page.emulate_media(color_scheme="dark")
    assert run_axe(page) == []


def test_index_is_fetched_relative_to_the_page_only_on_search(browser: Browser,
                                                              base: str) -> None:
    context = browser.new_context()
    tab = context.new_page()
    fetched: list[str] = []
    tab.on("request", lambda r: fetched.append(r.url))
    tab.goto(base)
    tab.wait_for_load_state("networkidle")
    assert not [u for u in fetched if "lunr" in u or "search" in u]  # home stays light
    tab.goto(base + "search/?q=clip")
    expect(tab.locator("#search-results .card").first).to_be_visible()
    assert base + "search/index.json" in fetched
    shards = [u for u in fetched if u.startswith(base + "search/shards/")]
    docs = [u for u in fetched if u.startswith(base + "search/docs/")]
    assert shards and docs  # the shards holding the query's terms, the results' documents
    with urllib.request.urlopen(base + "search/index.json") as response:
        assert len(shards) < len(decode(json.load(response)["shards"]))
    assert base + "assets/lunr/lunr.min.js" in fetched
    assert not [u for u in fetched if u.startswith(base + "papers/")]  # no paper pages
    context.close()


def test_long_result_lists_show_fifty_at_a_time(page: Page, base: str) -> None:
    search(page, base, "pre training")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d{3} papers match"))
    links = page.locator("#search-results .card-title a")
    expect(links).to_have_count(50)
    page.get_by_role("button", name="Show more results").click()
    expect(links).to_have_count(100)
    expect(links.nth(50)).to_be_focused()
