"""Which arch the tree builds a shared .c file for, taken from the tree cache while the build
files it rests on are unchanged, so that a run that asks about one file (a patch mail, an
editor buffer) does not load and check the tree's whole Kconfig map.

An answer rests on the Makefiles and Kbuild files of the file's folders (each stored with its
signature, ABSENT when there is none) and on every Kconfig file (one fingerprint for the tree,
kept in the "build" section and checked once per run). While a patch's or buffer's own build
files are in force (overlays) nothing is taken from the cache or stored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from hvlint.tree.cache import TreeCache, signature, stat_signature
from hvlint.tree.kbuild import BUILD_FILES
from hvlint.tree.kconfig import BuildClasses

ABSENT = "-"
Deps = List[List[str]]
Answer = Tuple[Optional[Tuple[str, str]], Optional[str]]  # (arch and why, or None; why undecided)


def dep_signature(path: str) -> Optional[str]:
    """A build file's signature: the file's, ABSENT when there is none, None when it is too
    fresh to trust."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return ABSENT
    except OSError:
        return None
    return stat_signature(st)


def deps_hold(deps: object) -> bool:
    """Whether every [path, signature] of ``deps`` still has that signature."""
    if not isinstance(deps, list):
        return False
    for dep in deps:
        if not (isinstance(dep, list) and len(dep) == 2 and isinstance(dep[0], str)):
            return False
        if dep_signature(dep[0]) != dep[1]:
            return False
    return True


def build_deps(root: str, relpath: str, names: Sequence[str] = BUILD_FILES) -> Optional[Deps]:
    """[path, signature] of the build files (``names``) in every folder above ``relpath``
    (None when one is too fresh to trust)."""
    deps: Deps = []
    parts = relpath.split("/")[:-1]
    for cut in range(len(parts), 0, -1):
        folder = os.path.join(root, *parts[:cut])
        for name in names:
            path = os.path.join(folder, name)
            sig = dep_signature(path)
            if sig is None:
                return None
            deps.append([path, sig])
    return deps


class CachedBuilds:
    """``BuildClasses`` answers, kept per file in the tree cache ("build" product; with no
    cache, as for a series gated without a tree, every answer is computed)."""

    def __init__(self, builds: BuildClasses, cache: Optional[TreeCache], root: Path) -> None:
        self.builds = builds
        self.cache = cache
        self.root = str(root)
        self.overlaid = False  # a patch's or buffer's build files are in force
        self._state: Optional[Tuple[Optional[str]]] = None  # (kconfig_state(),) once known

    def answer(self, relpath: str) -> Answer:
        """(arch and why, when the tree builds ``relpath`` for one arch only; why Kconfig
        could not decide), from the cache when it holds them."""
        usable = self.cache is not None and not self.overlaid
        state = self.kconfig_state()
        if usable and state is not None:
            table = self.cache.files("build")  # type: ignore[union-attr]
            found = table.get(relpath, signature(os.path.join(self.root, relpath)))
            if isinstance(found, list) and len(found) == 4 and found[3] == state and deps_hold(found[2]):
                arch, note = found[0], found[1]
                if (arch is None or (isinstance(arch, list) and len(arch) == 2)) and (note is None or isinstance(note, str)):
                    return (tuple(arch) if arch else None), note  # type: ignore[return-value]
        answer = (self.builds.arch_of(relpath), self.builds.note(relpath))
        if usable:
            self._store(relpath, answer)
        return answer

    def _store(self, relpath: str, answer: Answer) -> None:
        assert self.cache is not None
        fingerprint = self.fingerprint()
        deps = build_deps(self.root, relpath) if fingerprint is not None else None
        sig = signature(os.path.join(self.root, relpath))
        if deps is None or sig is None:
            return
        self.cache.files("build").put(relpath, sig, [list(answer[0]) if answer[0] else None, answer[1], deps, self.kconfig_state()])

    def fingerprint(self) -> Optional[dict]:
        """The Kconfig fingerprint, stored in the "build" section when it changed (None: the
        tree's Kconfig cannot be kept, as while overlays are in force)."""
        if self.cache is None or self.overlaid:
            return None
        found = self.builds.kconfig.fingerprint()
        if found is not None and self.cache.section("build").get("kconfig") != found:
            self.cache.store("build", {"kconfig": found})
            self._state = (_digest(found),)
        return found

    def kconfig_state(self) -> Optional[str]:
        """A digest of the stored Kconfig fingerprint while it holds, None when it does not
        (checked once per run): stored answers and reports name the state they were made in."""
        if self.overlaid or self.cache is None:
            return None
        if self._state is None:
            stored = self.cache.section("build").get("kconfig")
            try:
                holds = isinstance(stored, dict) and self.builds.kconfig.still_holds(stored)
            except (TypeError, ValueError, KeyError):
                holds = False
            self._state = (_digest(stored) if holds else None,)
        return self._state[0]


def _digest(fingerprint: object) -> str:
    return hashlib.blake2b(json.dumps(fingerprint, sort_keys=True).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
