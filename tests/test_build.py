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
