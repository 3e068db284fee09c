"""The one incremental mechanism: a step's output for a key, reused while its inputs
are equal to those it was made from.

Every step that a rebuild can skip in part (merging, topics, planning, rendering,
feeds, search) keeps one ``Memo``: ``get(key, inputs)`` gives the last output made
under ``key`` when ``inputs`` equals what it was made from, ``put`` records this
build's, and ``done`` forgets what this build no longer has. Keys are stable names
(a paper's id, a listing's path and bytes), never object identities; an identical
object is only the fast path of equality. Pure and in memory: the preview keeps its
memos in ``build.BuildCache``.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")
T = TypeVar("T")


class Memo(Generic[V]):
    """Outputs by key, each with the inputs it was made from."""

    def __init__(self) -> None:
        self._last: dict[Hashable, tuple[object, V]] = {}
        self._this: dict[Hashable, tuple[object, V]] = {}

    def get(self, key: Hashable, inputs: object) -> V | None:
        """The output made under ``key`` last build, if made from equal inputs."""
        found = self._this.get(key) or self._last.get(key)
        if found is not None and (found[0] is inputs or found[0] == inputs):
            return found[1]
        return None

    def put(self, key: Hashable, inputs: object, output: V) -> V:
        """Record this build's output for ``key``; returns it."""
        self._this[key] = (inputs, output)
        return output

    def keep(self, key: Hashable, inputs: object, make: Callable[[], V]) -> V:
        """The reused output for ``key`` and ``inputs``, else ``make()``'s, recorded."""
        found = self.get(key, inputs)
        return self.put(key, inputs, make() if found is None else found)

    def carry(self, keys: Iterable[Hashable]) -> None:
        """Keep the last build's outputs under ``keys`` for this one, unasked: what the
        caller knows did not change (the very same records at the same place)."""
        last = self._last
        self._this.update((key, last[key]) for key in keys if key in last)

    def done(self) -> None:
        """End a build: what it did not use is forgotten."""
        self._last, self._this = self._this, {}

    def clear(self) -> None:
        """Forget everything (what the outputs depend on besides the inputs changed)."""
        self._last, self._this = {}, {}

    def __len__(self) -> int:
        return len(self._last)


def same_ends(old: Sequence[T], new: Sequence[T],
              same: Callable[[T, T], bool] = operator.is_) -> tuple[int, int]:
    """How many items at the start and at the end of ``new`` are the very objects of
    ``old`` at the same place (counted from its start and from its end; ``same``: or
    equal, for values such as step ids): a rebuild after one edit finds every record but
    the edited ones there, numbered the same or moved by the papers added or removed
    before them, and compares only those between."""
    head, ends = 0, min(len(old), len(new))
    while head < ends and same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < ends - head and same(old[-1 - tail], new[-1 - tail]):
        tail += 1
    return head, tail


def around(last: Sequence[T], head: int, tail: int, middle: Iterable[T] = ()) -> list[T]:
    """``last``'s first ``head`` and last ``tail`` items (``same_ends``) with ``middle``
    between: a rebuild's list, the unchanged ends kept from the last one."""
    return [*last[:head], *middle, *last[len(last) - tail:]]


def texts_digest(texts: Iterable[str]) -> bytes:
    """Some texts in 16 bytes, each length-prefixed (``["ab", "c"]`` is not ``["a",
    "bc"]``): what a memo kept on disk compares instead of the texts themselves."""
    digest = hashlib.blake2b(digest_size=16)
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()
