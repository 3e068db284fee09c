"""Problems found in the inputs, each tied to a file and line.

A build collects every problem instead of stopping at the first, so a curator
fixes a whole batch in one pass (MkDocs and Zola report config errors the same way).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Literal

import jinja2

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: ``path:line: severity: message``."""

    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


class SourceError(Exception):
    """Raised where a problem makes the current input unusable; carries the Problem."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.problem = Problem(path, line, message)


@dataclass
class Problems:
    """An append-only collection of problems shared along one pipeline run."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message, "error"))

    def warning(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message, "warning"))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.items)


class TemplateFailure(Exception):
    """A template error already described as ``file:line: message``.

    Made where the template ran, while its traceback is at hand: a worker process
    sends back the exception without it.
    """


def describe(exc: BaseException) -> str:
    """A template error as ``file:line: message``; anything else as its message."""
    if isinstance(exc, TemplateFailure):
        return str(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith((".html", ".xml"))]
        where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
        return f"{where}{exc.message}"
    return f"{type(exc).__name__}: {exc}"
