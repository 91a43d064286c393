"""Path classes: which files are x86, arm64, arch-neutral Hyper-V code, or excluded."""

from __future__ import annotations

import functools
import re
from typing import Dict, Iterable, Optional, Sequence, Tuple

CLASS_ORDER = ("exclude", "x86", "arm64", "neutral")


def glob_to_regex(pattern: str) -> str:
    """Translate a path glob (``**`` crosses directories, ``*`` does not) to a regex."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class GlobSet:
    """A set of globs matched as one regex."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        body = "|".join(f"(?:{glob_to_regex(p)})" for p in self.patterns)
        self._regex = re.compile(f"(?:{body})\\Z") if body else None

    def matches(self, relpath: str) -> bool:
        """True when ``relpath`` matches one of the globs."""
        return bool(self._regex and self._regex.match(relpath))


@functools.lru_cache(maxsize=256)
def glob_set(patterns: Tuple[str, ...]) -> GlobSet:
    """A compiled ``GlobSet``, shared by every caller that asks for the same globs."""
    return GlobSet(patterns)


class PathClassifier:
    """Classifies root-relative paths with the globs of rules/paths.toml (plus config)."""

    def __init__(self, classes: Dict[str, Sequence[str]], anchored: bool = True) -> None:
        self.sets = {name: GlobSet(classes.get(name, ())) for name in CLASS_ORDER}
        self.anchored = anchored

    def classify(self, relpath: str) -> Optional[str]:
        """"exclude", "x86", "arm64", "neutral", or None (other code).

        Without a tree root (``anchored`` False) a path is also tried from each of its
        directories, so ``/home/me/linux/drivers/hv/hv.c`` still counts as drivers/hv.
        """
        for candidate in self._candidates(relpath):
            for name in CLASS_ORDER:
                if self.sets[name].matches(candidate):
                    return name
        return None

    def _candidates(self, relpath: str) -> Tuple[str, ...]:
        relpath = relpath.lstrip("/")
        if self.anchored:
            return (relpath,)
        parts = relpath.split("/")
        return tuple("/".join(parts[i:]) for i in range(len(parts)))
