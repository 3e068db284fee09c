"""Whole builds: determinism, template overrides, failures that keep the old site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import GOLDEN_SITE, build_project, tree

from digest.config import load
from digest.errors import Problems
from digest.output.render import environment


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(GOLDEN_SITE, root)
    return root


def digest(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=root, capture_output=True,
                          text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1767139200",
                               **(env or {})})


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path) -> None:
    build_project(project, tmp_path / "a")
    build_project(project, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_build_command_summary_and_quiet(project: Path) -> None:
    result = digest(project, "build")
    assert result.returncode == 0, result.stderr
    assert "built 5 papers, 24 pages, 3 topics" in result.stdout  # 2 authors of one paper: no page
    assert "pages/s" in result.stderr
    quiet = digest(project, "build", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_base_url_option_overrides_config(project: Path) -> None:
    assert digest(project, "build", "--base-url", "https://me.github.io/repo").returncode == 0
    html = (project / "site" / "index.html").read_text()
    assert '<link rel="canonical" href="https://me.github.io/repo/">' in html


def test_site_template_overrides_one_file_and_extends_default(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "paper.html").write_text(
        '{% extends "default/paper.html" %}{% block head %}{{ super() }}'
        '<meta name="x-custom" content="yes">{% endblock %}')
    assert digest(project, "build").returncode == 0
    paper = (project / "site/papers/a-study-of-nothing-in-particular/index.html").read_text()
    assert '<meta name="x-custom" content="yes">' in paper
    assert 'name="citation_title"' in paper  # the default's block still renders
    assert "x-custom" not in (project / "site" / "index.html").read_text()


def test_undefined_variable_fails_and_keeps_previous_site(project: Path) -> None:
    assert digest(project, "build").returncode == 0
    before = tree(project / "site")
    (project / "templates").mkdir()
    (project / "templates" / "topics.html").write_text(
        '{% extends "default/base.html" %}{% block main %}\n{{ no_such_variable }}{% endblock %}')
    result = digest(project, "build")
    assert result.returncode == 1
    assert "topics.html:2: 'no_such_variable' is undefined" in result.stderr
    assert "previous site was left untouched" in result.stderr
    assert tree(project / "site") == before


def test_input_errors_fail_the_build_with_path_line(project: Path) -> None:
    assert digest(project, "build").returncode == 0
    before = tree(project / "site")
    (project / "content/listings/broken.txt").write_text("---\ntitle: [oops\n---\nA\nB\n")
    result = digest(project, "build")
    assert result.returncode == 1
    assert "content/listings/broken.txt:2: error: front matter is not valid YAML" in result.stderr
    assert tree(project / "site") == before


def test_refuses_to_overwrite_a_foreign_folder(project: Path) -> None:
    (project / "site").mkdir()
    (project / "site" / "notes.txt").write_text("mine")
    result = digest(project, "build")
    assert result.returncode == 1 and "not made by digest" in result.stderr
    assert (project / "site" / "notes.txt").read_text() == "mine"


def test_autoescape_is_on(project: Path) -> None:
    env = environment(load(project, Problems()))
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"


def test_cname_written_when_configured(project: Path) -> None:
    config = project / "digest.yaml"
    config.write_text(config.read_text() + "cname: papers.example.org\n")
    assert digest(project, "build").returncode == 0
    assert (project / "site" / "CNAME").read_text() == "papers.example.org\n"


def test_site_header_partial_overrides_every_page_and_marks_the_current_entry(
        project: Path) -> None:
    """The header and footer are rendered once per depth and current entry: an override
    shows on every page, with the links of that page's depth."""
    (project / "templates" / "partials").mkdir(parents=True)
    (project / "templates" / "partials" / "header.html").write_text(
        '<header class="mine">{% for item in nav %}<a href="{{ item.url }}"'
        '{% if item.path == current %} aria-current="page"{% endif %}>{{ item.label }}</a>'
        '{% endfor %}</header>\n')
    assert digest(project, "build").returncode == 0
    site = project / "site"
    home = (site / "index.html").read_text()
    topics = (site / "topics" / "index.html").read_text()
    paper = (site / "papers/a-study-of-nothing-in-particular/index.html").read_text()
    assert '<a href="./" aria-current="page">Home</a><a href="topics/">' in home
    assert '<a href="../">Home</a><a href="../topics/" aria-current="page">' in topics
    editions = (site / "editions" / "index.html").read_text()  # same depth, made after
    assert '<a href="../topics/">Topics</a><a href="../editions/" aria-current="page">' \
        in editions
    assert '<header class="mine"><a href="../../">Home</a>' in paper
    assert 'aria-current' not in paper
    assert "Built with digest" in paper  # the default footer still renders


def test_a_header_partial_using_the_page_fails_with_its_line(project: Path) -> None:
    """The chrome is shared by the pages of a depth: a partial that used one page's title
    would show it on the others, so it has no page to use."""
    (project / "templates" / "partials").mkdir(parents=True)
    (project / "templates" / "partials" / "footer.html").write_text(
        "<footer>\n{{ page.title }}</footer>\n")
    result = digest(project, "build")
    assert result.returncode == 1
    assert "footer.html:2: 'page' is undefined" in result.stderr


def _bytes_by_part(folder: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            rel = path.relative_to(folder).parts
            top = rel[0] if len(rel) > 1 else ""
            sizes[top] = sizes.get(top, 0) + path.stat().st_size
    return sizes


def test_a_site_over_the_pages_limit_is_warned_of_with_its_largest_parts(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build counts the bytes it leaves in the folder, the files it kept from the last
    build included, and warns past GitHub Pages' limit (here made small)."""
    from sitebuild import FIXED_DAY

    from digest import build as build_mod

    monkeypatch.setattr(build_mod, "PAGES_LIMIT", 10_000)
    problems = Problems()
    cfg = load(project, problems)
    first = build_mod.build_site(cfg, FIXED_DAY, problems)
    assert first is not None
    assert first.sizes == _bytes_by_part(project / "site")
    [warning] = problems.warnings
    assert str(warning).startswith(f"{cfg.output}: warning: the site is 0.00 GB, more than ")
    largest = max(first.sizes, key=lambda top: first.sizes[top])
    assert f"limit of a published site ({largest} 0.00 GB, " in warning.message
    assert "authors get a page from 2 papers on" in warning.message
    again = build_mod.build_site(cfg, FIXED_DAY, Problems())  # every page kept
    assert again is not None and again.remade < again.page_count
    assert again.sizes == _bytes_by_part(project / "site")
    monkeypatch.setattr(build_mod, "PAGES_LIMIT", sum(again.sizes.values()))
    quiet = Problems()
    assert build_mod.build_site(cfg, FIXED_DAY, quiet) is not None and not quiet.warnings


def test_too_large_names_the_four_largest_parts() -> None:
    from digest.build import too_large

    text = too_large({"papers": 900_000_000, "authors": 400_000_000, "": 5_000_000,
                      "search": 200_000_000, "topics": 190_000_000, "archive": 80_000_000},
                     3)
    assert text.startswith("the site is 1.77 GB, more than the 1.00 GB GitHub Pages documents "
                           "as the limit of a published site (papers 0.90 GB, authors 0.40 GB, "
                           "search 0.20 GB, topics 0.19 GB)")
    assert "from 3 papers on" in text
