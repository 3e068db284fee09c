"""Notes and pages: Markdown features, escaping, paper links, front-matter errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import Problems
from digest.inputs.files import SourceFile
from digest.inputs.notes import attach, parse_note, parse_page
from digest.model import Paper
from digest.text.markdown import Renderer

FIXTURES = Path(__file__).parent / "fixtures" / "notes"
PAPERS = (Paper(id="sit-self", title="SiT: Self Study"), Paper(id="deep-dive", title="Deep Dive"))


def note_html(name: str, allow_html: bool = False) -> tuple[str, Problems]:
    problems = Problems()
    path = f"content/notes/{name}"
    note = parse_note(SourceFile(path, (FIXTURES / name).read_bytes()), problems)
    assert note is not None, [str(p) for p in problems.items]
    renderer = Renderer(allow_html, {p.id: p.title for p in PAPERS})
    html = renderer.render(note.body, path=path, first_line=note.body_line, prefix="../../",
                           problems=problems)
    return html, problems


def test_math_renders_to_mathml_at_build_time() -> None:
    html, problems = note_html("math.md")
    assert not problems
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<mfrac>" in html and "$" not in html


def test_tables_and_footnotes() -> None:
    assert "<table>" in note_html("table.md")[0] and "<td>2.06</td>" in note_html("table.md")[0]
    html = note_html("footnote.md")[0]
    assert 'class="footnote-ref"' in html and "The evidence." in html


def test_raw_html_is_escaped_unless_enabled() -> None:
    html = note_html("raw-html.md")[0]
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<b>bold</b>" in note_html("raw-html.md", allow_html=True)[0]


def test_wiki_and_relative_paper_links_resolve_under_the_page() -> None:
    html, problems = note_html("wiki-link.md")
    assert not problems
    assert '<a href="../../papers/deep-dive/" title="Deep Dive">deep-dive</a>' in html
    assert '<a href="../../papers/deep-dive/#abstract">the other one</a>' in html


def test_unknown_paper_link_is_an_error_with_suggestions() -> None:
    _, problems = note_html("unknown-link.md")
    assert [str(p) for p in problems.errors] == [
        ("content/notes/unknown-link.md:6: error: link to unknown paper 'deep-dvie'; "
         "did you mean deep-dive?")]


def test_task_lists_rating_featured_and_title_reference() -> None:
    problems = Problems()
    note = parse_note(SourceFile("content/notes/tasks.md", (FIXTURES / "tasks.md").read_bytes()),
                      problems)
    assert note is not None and note.rating == 5 and note.featured
    assert attach([note], PAPERS, problems) == {"sit-self": note}  # exact title works
    assert 'type="checkbox"' in note_html("tasks.md")[0]


def test_note_for_unknown_paper_and_duplicate_note() -> None:
    problems = Problems()
    unknown = parse_note(SourceFile("content/notes/unknown-paper.md",
                                    (FIXTURES / "unknown-paper.md").read_bytes()), problems)
    first = parse_note(SourceFile("content/notes/a.md", (FIXTURES / "math.md").read_bytes()),
                       problems)
    second = parse_note(SourceFile("content/notes/b.md", (FIXTURES / "table.md").read_bytes()),
                        problems)
    assert unknown and first and second
    attached = attach([unknown, first, second], PAPERS, problems)
    assert list(attached) == ["sit-self"]
    messages = [str(p) for p in problems.errors]
    assert "content/notes/unknown-paper.md:3: error: no paper 'sit-selff'; did you mean " \
           "sit-self?" in messages
    assert "content/notes/b.md:2: error: paper 'sit-self' already has a note: " \
           "content/notes/a.md" in messages


def test_wrong_types_each_reported_with_line() -> None:
    problems = Problems()
    note = parse_note(SourceFile("content/notes/wrong-types.md",
                                 (FIXTURES / "wrong-types.md").read_bytes()), problems)
    assert note is None
    messages = "\n".join(str(p) for p in problems.errors)
    assert "wrong-types.md:3: error: front matter 'rating' must be a whole number" in messages
    assert "wrong-types.md:4: error: front matter 'featured' must be true or false" in messages
    assert "wrong-types.md:5: error: unknown front matter key 'colour'" in messages


@pytest.mark.parametrize("text", [b"no front matter\n", b"---\ntitle: [x\n---\n", b"---\n- 1\n---\n"])
def test_pages_need_valid_front_matter(text: bytes) -> None:
    problems = Problems()
    assert parse_page(SourceFile("content/pages/x.md", text), problems) is None
    assert problems.errors and problems.errors[0].path == "content/pages/x.md"


def test_page_has_slug_title_order() -> None:
    problems = Problems()
    page = parse_page(SourceFile("content/pages/About Us.md",
                                 b"---\ntitle: About\norder: 2\n---\nHi\n"), problems)
    assert page is not None and (page.slug, page.title, page.order) == ("about-us", "About", 2)
