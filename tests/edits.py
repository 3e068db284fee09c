"""Edits a user makes to a synthetic project between two builds (importable helper, no
tests here): the incremental-equals-full tests run a chain of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from digest import config as config_mod


def edits(project: Path) -> dict[str, Callable[[], None]]:
    """Named edits of ``project`` (a ``benchmarks/corpus.py`` project of six or more
    listings): titles, a date that moves a paper into the feeds, topics set outright, a
    note, a listing removed and restored, the config and the site's own templates."""
    listings = sorted((project / "content" / "listings").glob("*.json"))
    notes = project / "content" / "notes"
    removed = listings[5].read_text(encoding="utf-8")

    def records(path: Path) -> list[dict[str, object]]:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def save(path: Path, data: list[dict[str, object]]) -> None:
        # as corpus.py writes them: only the edited record's lines change
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def retitle() -> None:
        data = records(listings[1])
        data[2]["title"] = f"{data[2]['title']} again"
        save(listings[1], data)

    def newest() -> None:  # the newest paper now: into the site and topic feeds
        data = records(listings[2])
        data[0]["date"] = "2030-01-01"
        data[0]["abstract"] = "Reinforcement learning agents for diffusion image generation."
        save(listings[2], data)

    def topics() -> None:
        data = records(listings[3])
        data[1]["topics"] = ["Hand-picked topic"]
        save(listings[3], data)

    def note() -> None:
        title = records(listings[4])[0]["title"]
        notes.mkdir(exist_ok=True)
        (notes / "pick.md").write_text(f'---\npaper: "{title}"\ntopics: [Robotics]\n'
                                       "featured: true\nrating: 5\n---\nWorth a read.\n",
                                       encoding="utf-8")

    def drop_note() -> None:
        (notes / "pick.md").unlink()

    def remove() -> None:
        listings[5].unlink()

    def restore() -> None:
        listings[5].write_text(removed, encoding="utf-8")

    def insert() -> None:  # a new paper amid a listing: new neighbours, related lists
        data = records(listings[1])
        near = data[4]
        data.insert(3, {**near, "title": f"Revisiting {near['title']}",
                        "authors": [str(near["authors"][0]), "Nobody Before"]})  # type: ignore[index]
        save(listings[1], data)

    def delete() -> None:  # a paper gone: its topic neighbours meet, its authors lose it
        data = records(listings[2])
        del data[3]
        save(listings[2], data)

    def redate() -> None:  # a paper moved to another month, inside the digest's span
        data = records(listings[3])
        data[2]["date"] = str(records(listings[0])[0]["date"])
        save(listings[3], data)

    def coauthor() -> None:  # an author of one paper on a second: now with a page
        counts: dict[str, int] = {}
        for path in listings:
            for record in records(path):
                for name in record["authors"]:  # type: ignore[attr-defined]
                    counts[name] = counts.get(name, 0) + 1
        data = records(listings[4])
        single = next(name for record in records(listings[0]) for name in record["authors"]  # type: ignore[attr-defined]
                      if counts[name] == 1 and name not in data[1]["authors"])  # type: ignore[operator]
        data[1]["authors"] = [*data[1]["authors"], single]  # type: ignore[misc]
        save(listings[4], data)

    def config() -> None:
        text = (project / "digest.yaml").read_text(encoding="utf-8")
        (project / "digest.yaml").write_text(text.replace("title: ", "title: Renamed ", 1),
                                              encoding="utf-8")

    def template() -> None:
        own = project / "templates" / "partials"
        own.mkdir(parents=True)
        card = Path(config_mod.__file__).parent / "templates" / "partials" / "card.html"
        (own / "card.html").write_text(card.read_text(encoding="utf-8").replace(
            "<article", "<article data-own-theme", 1), encoding="utf-8")

    return {f.__name__: f for f in (retitle, newest, topics, note, drop_note, remove, restore,
                                    insert, delete, redate, coauthor, config, template)}
