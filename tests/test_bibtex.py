"""BibTeX entries: escaped so that BibTeX reads them back, keys unique."""

from __future__ import annotations

from dataclasses import replace

from digest.model import Paper
from digest.text.bibtex import entries, entry


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_special_characters_are_escaped_once() -> None:
    paper = Paper(id="x", title="R&D at 50% {for} $5", abstract="a\\b ~ c^2 main{Hugging Face",
                  authors=("Ada Lovelace",), date="2024-06-20")
    text = entry(paper)
    assert "title = {{R\\&D at 50\\% \\textbraceleft{}for\\textbraceright{} \\$5}}" in text
    assert "abstract = {a\\textbackslash{}b \\textasciitilde{} c\\textasciicircum{}2 " \
           "main\\textbraceleft{}Hugging Face}" in text
    assert "\\textbackslash\\{" not in text
    assert balanced(text)


def test_clashing_keys_get_suffixes_that_clash_with_nothing() -> None:
    def paper(pid: str, title: str) -> Paper:
        return Paper(id=pid, title=title, authors=("Jane Doe",), date="2024-01-01")

    papers = [paper("a", "Deep Nets"), paper("b", "Deep Nets Again"), paper("c", "Deepa Nets"),
              paper("d", "Deep Nets, Third")]
    keys = [text.split("{", 1)[1].split(",", 1)[0] for text in entries(papers)]
    assert keys == ["doe2024deep", "doe2024deepb", "doe2024deepa", "doe2024deepc"]
    assert len(set(keys)) == len(keys)


def test_many_clashes_stay_letters() -> None:
    papers = [Paper(id=f"p{i:02}", title="Same") for i in range(30)]
    keys = [text.split("{", 1)[1].split(",", 1)[0] for text in entries(papers)]
    assert len(set(keys)) == 30
    assert all(k.isalnum() for k in keys)


def test_an_entry_without_its_abstract_is_the_entry_of_the_paper_without_one() -> None:
    paper = Paper(id="x", title="Fast $O(n)$ R&D", abstract="Some 50% abstract.",
                  authors=("Ada {Lovelace}", "B_Smith", "Plain Name"), date="2024-06-20")
    text = entry(paper, "https://example.org/x/", abstract=False)
    assert text == entry(replace(paper, abstract=""), "https://example.org/x/")
    assert "abstract" not in text
    assert "author = {Ada \\textbraceleft{}Lovelace\\textbraceright{} and B\\_Smith and " \
           "Plain Name}" in text  # names escaped one by one, joined by "and"
