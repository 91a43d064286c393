"""The symbol index: every macro and enum constant of the files it was given, with the
arches it is defined for. The only place that knows about other files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Hashable, Iterable, List, Optional, Tuple, TypeVar

from hvlint.c.tristate import ALL_ARCHES

BUILTIN_PATH = "<rules/registers.toml>"
T = TypeVar("T")


@dataclass(frozen=True)
class Definition:
    """Where and for which arches a name is defined, and its value expression."""

    name: str
    path: str
    line: int
    column: int
    kind: str  # "macro", "function-macro" or "enum"
    value: str
    arches: FrozenSet[str]
    builtin: bool = False

    @property
    def where(self) -> str:
        """``path:line`` for messages."""
        return self.path if self.builtin else f"{self.path}:{self.line}"


class SymbolIndex:
    """Definitions by file and by name. Files can be replaced (editor buffers, patches)."""

    def __init__(self, builtins: Iterable[Definition] = ()) -> None:
        self._by_file: Dict[str, List[Definition]] = {}
        self._builtin: Dict[str, List[Definition]] = {}
        for d in builtins:
            self._builtin.setdefault(d.name, []).append(d)
        self._by_name: Optional[Dict[str, List[Definition]]] = None
        self.generation = 0  # bumped on every change, for caches that depend on the index
        self._memo: Dict[Hashable, Tuple[int, object]] = {}

    def set_file(self, path: str, definitions: List[Definition]) -> None:
        """Replace everything ``path`` defines.

        ``generation`` (which invalidates computed values) moves only when a name, kind, value
        or arch changed: an edit that just moves lines keeps every cache warm.
        """
        if not definitions and path not in self._by_file:
            return
        old = self._by_file.get(path)
        self._by_file[path] = definitions
        self._by_name = None
        if old is None or [_meaning(d) for d in old] != [_meaning(d) for d in definitions]:
            self.generation += 1

    def remove_file(self, path: str) -> None:
        """Forget ``path``'s definitions."""
        if self._by_file.pop(path, None) is not None:
            self._by_name = None
            self.generation += 1

    def file_definitions(self, path: str) -> List[Definition]:
        """What ``path`` defines (empty when nothing or unknown)."""
        return list(self._by_file.get(path, ()))

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept until the index changes (answers derived from the whole index)."""
        found = self._memo.get(key)
        if found is None or found[0] != self.generation:
            found = (self.generation, compute())
            self._memo[key] = found
        return found[1]  # type: ignore[return-value]

    def fingerprint(self) -> str:
        """A digest of every file's definitions, in the order they joined (which the order
        of ``definitions()`` follows): equal digests, equal answers."""
        return self.memo("fingerprint", lambda: hashlib.blake2b(
            repr([(path, [(d.name, d.line, d.column, d.kind, d.value, sorted(d.arches)) for d in defs])
                  for path, defs in self._by_file.items()]).encode("utf-8", "surrogateescape"),
            digest_size=16,
        ).hexdigest())

    def files(self) -> List[str]:
        """Paths that contribute definitions."""
        return sorted(p for p, defs in self._by_file.items() if defs)

    def _names(self) -> Dict[str, List[Definition]]:
        if self._by_name is None:
            by_name: Dict[str, List[Definition]] = {}
            for defs in self._by_file.values():
                for d in defs:
                    by_name.setdefault(d.name, []).append(d)
            self._by_name = by_name
        return self._by_name

    def definitions(self, name: str) -> List[Definition]:
        """The tree's definitions of ``name``; the rules tables' only when the tree has none."""
        found = self._names().get(name)
        if found:
            return found
        return self._builtin.get(name, [])

    def visible(self, name: str, arch: str) -> List[Definition]:
        """Definitions of ``name`` that can be compiled for ``arch``."""
        return [d for d in self.definitions(name) if arch in d.arches]

    def defined_arches(self, name: str) -> FrozenSet[str]:
        """Union of the arches ``name`` is defined for (empty: not defined)."""
        out: FrozenSet[str] = frozenset()
        for d in self.definitions(name):
            out |= d.arches
        return out

    def is_x86_only(self, name: str) -> bool:
        """True when ``name`` is defined, and only ever for x86."""
        arches = self.defined_arches(name)
        return bool(arches) and arches <= {"x86"}

    def names_with_prefix(self, prefix: str) -> List[str]:
        """All names the tree defines that start with ``prefix`` (the rules tables' not included)."""
        return sorted(n for n in self._names() if n.startswith(prefix))


def _meaning(d: Definition) -> tuple:
    return (d.name, d.kind, d.value, d.arches)


def builtin_definitions(registers, x86_msr_prefix: str, vp_prefix: str) -> List[Definition]:
    """Definitions from the register table, used only where the tree defines nothing."""
    out = []
    for reg in registers:
        if reg.x86 is not None:
            out.append(
                Definition(x86_msr_prefix + reg.name, BUILTIN_PATH, 0, 0, "macro", hex(reg.x86), frozenset({"x86"}), True)
            )
        if reg.arm64 is not None:
            out.append(
                Definition(vp_prefix + reg.arm64_name, BUILTIN_PATH, 0, 0, "macro", hex(reg.arm64), ALL_ARCHES, True)
            )
    return out
