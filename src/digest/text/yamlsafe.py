"""YAML for front matter and records, where every failure is a ``YamlError`` with a line.

PyYAML's safe loader can still raise plain Python errors (``date: 2025-02-30`` is a
``ValueError``, deep nesting a ``RecursionError``), so loading goes through here:
compose once for the line numbers, then build each record on its own so one bad
value is reported at its line instead of taking the whole file down.
"""

from __future__ import annotations

from typing import Any

import yaml

from digest.errors import Problems

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class YamlError(Exception):
    """A YAML problem at a 1-based line of the text that was loaded."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """Safe loading, but dates stay text: our own checks give the clearer message."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (None when empty); raises YamlError."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.context_mark is not None and (mark is None or mark.index >= len(text.rstrip())):
            mark = exc.context_mark  # "end of stream": where the unclosed thing was opened
        line = int(mark.line) + 1 if mark is not None else 1
        reason = ", ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise YamlError(line, reason or str(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlError(1, str(exc)) from None
    except RecursionError:
        raise YamlError(1, "nested too deeply") from None


def value(node: yaml.Node) -> Any:
    """The Python value of one node; raises YamlError at the node's line."""
    try:
        return _Loader("").construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else line_of(node)
        raise YamlError(line, str(exc.problem or exc)) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise YamlError(line_of(node), f"invalid value: {exc}") from None
    except RecursionError:
        raise YamlError(line_of(node), "nested too deeply") from None


def key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of each plain key of a mapping node (for messages about that key)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): line_of(key) for key, _ in node.value
            if isinstance(key, yaml.ScalarNode)}


def load_mapping(text: str, path: str, problems: Problems, *, first_line: int = 1,
                 what: str = "this file") -> tuple[dict[str, Any], dict[str, int]] | None:
    """A YAML mapping and the line of each key, or None after reporting why at its line.

    The one reader for ``digest.yaml``, notes' and pages' front matter and the taxonomy:
    every failure, a syntax error or a value Python cannot hold, is ``path:line``.
    ``first_line`` is the file line the text starts on (front matter: 2).
    """
    offset = first_line - 1
    try:
        node = compose(text)
        data = value(node) if node is not None else {}
    except YamlError as exc:
        problems.error(path, exc.line + offset, f"invalid YAML: {exc.message}")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(path, first_line, f"{what} must be a mapping of keys to values")
        return None
    lines = {key: line + offset for key, line in key_lines(node).items()} if node else {}
    return {str(k): v for k, v in data.items()}, lines
