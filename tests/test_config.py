"""digest.yaml: defaults, every key, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import Apis, Config, load
from digest.errors import Problems


def load_text(tmp_path: Path, text: str) -> tuple[Config, Problems]:
    (tmp_path / "digest.yaml").write_text(text, encoding="utf-8")
    problems = Problems()
    return load(tmp_path, problems), problems


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    problems = Problems()
    cfg = load(tmp_path, problems)
    assert not problems
    assert cfg.output == "site" and cfg.per_page == 25 and cfg.base_path == "/"


def test_every_key_is_read(tmp_path: Path) -> None:
    cfg, problems = load_text(tmp_path, """
title: T
description: D
base_url: https://user.github.io/papers
author: A
language: de
per_page: 7
feed_size: 9
output: public
cname: papers.example.org
markdown: {html: true}
topics:
  - {name: Vision, keywords: [image]}
""")
    assert not problems, problems.items
    assert (cfg.title, cfg.description, cfg.author, cfg.language) == ("T", "D", "A", "de")
    assert cfg.base_url == "https://user.github.io/papers/" and cfg.base_path == "/papers/"
    assert (cfg.per_page, cfg.feed_size, cfg.output, cfg.cname) == (7, 9, "public",
                                                                    "papers.example.org")
    assert cfg.markdown_html is True
    assert cfg.topics is not None and cfg.topics[0].slug == "vision"


@pytest.mark.parametrize(("text", "needle"), [
    ("titel: x\n", "digest.yaml:1: error: unknown key 'titel'"),
    ("title: x\nper_page: many\n", "digest.yaml:2: error: 'per_page' must be a whole number"),
    ("feed_size: 0\n", "'feed_size' must be at least 1"),
    ("per_page: true\n", "'per_page' must be a whole number"),
    ("base_url: /papers/\n", "'base_url' must be absolute"),
    ("markdown: {html: 1}\n", "'markdown' takes one key"),
    ("topics: {a: 1}\n", "'topics' must be a list"),
    ("topics:\n  - {name: A, colour: red}\n", "topics[0]: unknown key(s) colour"),
    ("topics:\n  - {name: A}\n  - {name: a}\n", "two topics share the slug 'a'"),
    ("title: [unclosed\n", "invalid YAML"),
    ("title: x\napis: []\n", "digest.yaml:2: error: 'apis' must be a mapping"),
    ("apis: {arxiv: /api/query}\n", "apis.arxiv must be an absolute http(s) URL"),
    ("apis: {semantic_scholar: https://x.org}\n", "apis: unknown key(s) semantic_scholar"),
    ("apis: {spacing: {arxiv: -1}}\n", "apis.spacing.arxiv must be seconds (0 or more)"),
    ("apis: {spacing: {crossref: 1}}\n", "apis.spacing takes seconds per API"),
])
def test_bad_config_names_the_key_and_line(tmp_path: Path, text: str, needle: str) -> None:
    _, problems = load_text(tmp_path, text)
    assert any(needle in str(p) for p in problems.errors), [str(p) for p in problems.items]


def test_apis_defaults_file_and_environment(tmp_path: Path) -> None:
    problems = Problems()
    assert load(tmp_path, problems).apis == Apis()
    assert Apis().arxiv == "https://export.arxiv.org/api/query"
    assert Apis().huggingface == "https://huggingface.co/api"
    cfg, problems = load_text(tmp_path, """
apis:
  arxiv: http://127.0.0.1:9000/arxiv
  huggingface: http://127.0.0.1:9000/hf/api
  spacing: {arxiv: 0, huggingface: 0.25}
""")
    assert not problems.items
    assert cfg.apis == Apis("http://127.0.0.1:9000/arxiv", "http://127.0.0.1:9000/hf/api", 0.0,
                            0.25)
    env = cfg.apis.with_env({"DIGEST_ARXIV_API": "http://localhost:1/q",
                             "DIGEST_HUGGINGFACE_API": ""})
    assert (env.arxiv, env.huggingface) == ("http://localhost:1/q", "http://127.0.0.1:9000/hf/api")


def test_the_announcement_feeds_url_from_file_and_environment(tmp_path: Path) -> None:
    assert Apis().arxiv_rss == "https://rss.arxiv.org/atom"
    cfg, problems = load_text(tmp_path, "apis: {arxiv_rss: http://127.0.0.1:9000/rss}\n")
    assert not problems.items and cfg.apis.arxiv_rss == "http://127.0.0.1:9000/rss"
    assert cfg.apis.with_env({"DIGEST_ARXIV_RSS": "http://localhost:2/atom"}).arxiv_rss == \
        "http://localhost:2/atom"
    _, bad = load_text(tmp_path, "apis: {arxiv_rss: rss.arxiv.org}\n")
    assert any("apis.arxiv_rss must be an absolute http(s) URL" in str(p) for p in bad.errors)


def test_problems_are_collected_together(tmp_path: Path) -> None:
    _, problems = load_text(tmp_path, "titel: x\nper_page: x\nfeed_size: y\n")
    assert len(problems.errors) == 3


def test_base_url_override_adds_slash(tmp_path: Path) -> None:
    cfg, _ = load_text(tmp_path, "base_url: https://a.example/\n")
    assert cfg.with_base_url("https://user.github.io/repo").base_path == "/repo/"
