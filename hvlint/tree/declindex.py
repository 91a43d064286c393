"""The declaration index: every name a tree's headers declare, with the arches that see it,
so HV102 can tell a name that only x86 declares.

Which files: a use in arch-neutral code sees what headers declare, its own file and, in the
gate, the series. So the index reads the headers under the roots of rules/paths.toml
``[declarations]`` (include/, arch/x86/include/, arch/arm64/include/) and takes the files of
a series (or editor buffers) as overlays. A header's arches come from its path: arch/x86 ->
x86, arch/arm64 -> arm64, include/asm-generic -> the arches whose ``asm/X.h`` resolves to it
(``generic-y`` of the arch's asm/Kbuild, ``mandatory-y`` of include/asm-generic/Kbuild, an
``#include <asm-generic/X.h>`` of an arch or shared header), any other header -> every arch;
then its ``#if`` stack, read only in headers that test an arch symbol at all.

Each file's declarations are one entry of the tree cache (section ``declarations``), kept
while the file's stat signature holds; the x86-only names are stored too, under a digest of
every signature, so a warm run reads one small table and parses no header.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from hvlint.c.decls import FileDecls, Grammar, declarations
from hvlint.c.lexer import blank
from hvlint.ruledata import RuleData
from hvlint.tree import cache as cachemod
from hvlint.tree.walk import list_files, read_source

SECTION = "declarations"
_GUARD_CODE = {frozenset({"x86"}): "x", frozenset({"arm64"}): "a", frozenset({"x86", "arm64"}): "b"}
_GUARD_ARCHES = {v: k for k, v in _GUARD_CODE.items()}
_KBUILD_LIST = re.compile(r"^\s*(generic-y|mandatory-y|generated-y)\s*\+?=\s*(.*)$", re.M)

# (name, line, kind, guard code) of one file's declarations: guard code x, a or b is the
# arches of the declaration's #if stack (x86, arm64, both); "" never compiled.
Record = Tuple[List[Tuple[str, int, str, str]], List[str]]
# (relpath, text, Kconfig symbols of the text only x86 can set) -> line -> arches of its #if stack
GuardArches = Callable[[str, str, FrozenSet[str]], Callable[[int], FrozenSet[str]]]
_CONFIG_WORD = re.compile(r"\bCONFIG_(\w+)")
_CONDITION_LINE = re.compile(r"^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif)\b.*CONFIG_.*$", re.M)


@dataclass
class DeclLayout:
    """Where the index looks, from rules/paths.toml ``[declarations]``."""

    roots: Tuple[str, ...]
    arch_includes: Dict[str, str]  # arch -> "arch/x86/include"
    generic: Tuple[str, ...]  # asm-generic folders (include/asm-generic, include/uapi/asm-generic)
    guard_needles: Tuple[str, ...]  # a header holding none of these has no arch branch


def file_record(
    text: str, grammar: Grammar, guard_of: Optional[Callable[[int], FrozenSet[str]]], found: Optional[FileDecls] = None
) -> Record:
    """One file's declarations (name, line, kind, guard code) and ``#include <>`` targets.
    ``guard_of(line)``: the arches of a line's #if stack (None: every arch); ``found``: the
    file's declarations when the caller has them already."""
    if found is None:
        found = declarations(blank(text).code, grammar)
    out: List[Tuple[str, int, str, str]] = []
    line, pos = 1, 0
    for d in sorted(found.decls, key=lambda d: d.offset):
        line += text.count("\n", pos, d.offset)
        pos = d.offset
        guard = "b" if guard_of is None else _GUARD_CODE.get(guard_of(line) & {"x86", "arm64"}, "")
        kind = "static" if d.static else d.kind
        out.append((d.name, line, kind, guard))
    return out, [target for target, _ in found.includes]


def _pack(record: Record) -> list:
    decls, includes = record
    return ["\n".join(f"{n} {line} {kind} {g}" for n, line, kind, g in decls), " ".join(includes)]


def _unpack(packed: object) -> Optional[Record]:
    if not (isinstance(packed, list) and len(packed) == 2 and all(isinstance(p, str) for p in packed)):
        return None
    decls = []
    for row in packed[0].split("\n") if packed[0] else ():
        parts = row.split(" ")
        if len(parts) != 4:
            return None
        decls.append((parts[0], int(parts[1]), parts[2], parts[3]))
    return decls, packed[1].split()


def grammar_of(data: RuleData) -> Grammar:
    """The declaration grammar of rules/declarations.toml."""
    return Grammar(frozenset(data.decl_qualifiers), dict(data.decl_macros), frozenset(data.decl_assembly))


def layout_of(data: RuleData) -> DeclLayout:
    """Where the declaration index looks (rules/paths.toml), and the arch symbols that make a
    header worth reading its #if stack for."""
    needles = tuple(s for arch in ("x86", "arm64") for s in data.pp_arch[arch] + data.pp_arch_prefixes[arch])
    return DeclLayout(data.decl_roots, dict(data.decl_arch_includes), data.decl_generic, needles)


def kbuild_lists(text: str) -> Dict[str, Set[str]]:
    """``generic-y``, ``mandatory-y`` and ``generated-y`` headers of a Kbuild file."""
    out: Dict[str, Set[str]] = {"generic-y": set(), "mandatory-y": set(), "generated-y": set()}
    for m in _KBUILD_LIST.finditer(text):
        out[m.group(1)].update(w for w in m.group(2).split() if w.endswith(".h"))
    return out


@dataclass
class DeclIndex:
    """Declarations of the tree's headers plus overlays; answers "is this name x86-only?"."""

    root: Optional[Path]
    layout: DeclLayout
    grammar: Grammar
    guard_arches: GuardArches
    # Kconfig symbol (no CONFIG_) -> whether the tree's Kconfig can set it for x86 only
    config_x86_only: Optional[Callable[[str], bool]] = None
    _records: Dict[str, Record] = field(default_factory=dict)
    _file_arches: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    # name -> (where, kind, the headers that declare it): the names only x86 declares. From
    # the tree cache it is the stored table as decoded (lists), read one name at a time, so a
    # warm run builds nothing from its thousands of entries.
    _x86_only: Dict[str, Sequence] = field(default_factory=dict)
    # Overlays: path -> (its record, made on first need; who sees it), and the records made.
    _overlays: Dict[str, Tuple[Callable[[], Record], FrozenSet[str]]] = field(default_factory=dict)
    _overlay_memo: Dict[str, Tuple[Record, FrozenSet[str], Set[str]]] = field(default_factory=dict)
    _arm64_names: Optional[Set[str]] = None
    _provides: Dict[str, Dict[str, str]] = field(default_factory=dict)  # arch -> "asm/X.h" -> path
    _store: Optional["cachemod.TreeCache"] = None  # set when the summary came from it
    _records_complete: bool = False
    _fingerprint: Optional[str] = None
    files_read: int = 0
    built: bool = False
    # Only a tree with every arch's asm/Kbuild tells which asm/ headers an arch has; in a
    # partial tree (or none) a file it lacks would make every name of it a finding.
    active: bool = False

    # -- building --------------------------------------------------------------------------

    def build(self, store: Optional["cachemod.TreeCache"]) -> None:
        """Read (or take from ``store``) every header under the roots; once."""
        if self.built or self.root is None:
            self.built = True
            return
        self.built = True
        self.active = all((self.root / inc / "asm" / "Kbuild").is_file() for inc in self.layout.arch_includes.values())
        if not self.active:
            return
        listed: List[Tuple[str, str]] = []
        for sub in self.layout.roots:
            top = self.root / sub
            if top.is_dir():
                listed += list_files(top, sub, (".h",), lambda rel: False)
        kbuilds = self._kbuilds()
        sigs = {rel: sig for _path, rel, sig in cachemod.stat_all(listed)} if store is not None else {}
        section = store.section(SECTION) if store is not None else {}
        digest = _digest(sorted(sigs.items()), kbuilds) if store is not None and all(sigs.values()) else None
        self._providers(listed, kbuilds)
        summary = section.get("summary")
        if digest is not None and isinstance(summary, list) and len(summary) == 2 and summary[0] == digest:
            if self._load_summary(summary[1]):
                self._store = store
                return
        side = _side_store(store) if store is not None else None
        files = side.section(SECTION).get("files") if side is not None else None
        stored = files if isinstance(files, dict) else {}
        entries: Dict[str, list] = {}
        fresh: List[Tuple[str, str]] = []
        for path, rel in listed:
            sig = sigs.get(rel)
            entry = stored.get(rel)
            record = _unpack(entry[1]) if sig is not None and isinstance(entry, list) and len(entry) == 2 and entry[0] == sig else None
            if record is None:
                fresh.append((path, rel))
                continue
            entries[rel] = entry
            self._records[rel] = record
        read = self._read_all(fresh)
        x86_configs = self._x86_configs({s for _rel, _record, symbols in read for s in symbols})
        for rel, record, symbols in read:
            self.files_read += 1
            if symbols & x86_configs:  # its #if stack again, with what Kconfig sets for x86 only
                source = read_source(self.root / rel)
                if source.text is not None:
                    record = self._read(rel, source.text, symbols & x86_configs)
            self._records[rel] = record
            if sigs.get(rel) is not None:
                entries[rel] = [sigs[rel], _pack(record)]
        self._reach(kbuilds)
        self._summarise()
        if store is not None and side is not None:
            side.store(SECTION, {"files": entries})
            side.save()
            data = {}
            if digest is not None:
                data["summary"] = [digest, {n: [w, k, list(p)] for n, (w, k, p) in self._x86_only.items()}]
            store.store(SECTION, data)
        self._records_complete = True

    def _read_all(self, todo: List[Tuple[str, str]]) -> List[Tuple[str, Record, FrozenSet[str]]]:
        """(relpath, record, Kconfig symbols its #if lines test) of the headers to read; a cold
        tree's 6,500 are spread over the cores (forked workers that inherit this index), a few
        are read here. Which symbols only x86 can set is judged after, once, in this process."""
        global _WORKER
        jobs = os.cpu_count() or 1
        if jobs < 2 or len(todo) < _PARALLEL_MIN_FILES or threading.active_count() > 1 or not hasattr(os, "fork"):
            return _read_chunk(todo, self)
        import multiprocessing as mp  # only a cold tree needs a pool: keep start-up cheap
        from concurrent.futures import ProcessPoolExecutor

        size = max(200, len(todo) // (jobs * 4))
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        _WORKER = self
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
                return [item for part in pool.map(_read_chunk_forked, chunks) for item in part]
        except (OSError, RuntimeError):  # no process support here: read them in this process
            return _read_chunk(todo, self)
        finally:
            _WORKER = None

    def _read(self, rel: str, text: str, x86_configs: FrozenSet[str] = frozenset()) -> Record:
        # An arch's own header is that arch's whatever its #if stack says; a shared one is
        # read for its arch branches only when it names an arch symbol at all, or tests a
        # Kconfig symbol only x86 can set (include/linux/instrumentation.h's
        # NOINSTR_VALIDATION), one of ``x86_configs``.
        if rel.startswith("arch/"):
            return file_record(text, self.grammar, None)
        needs_guard = bool(x86_configs) or any(n in text for n in self.layout.guard_needles)
        return file_record(text, self.grammar, self.guard_arches(rel, text, x86_configs) if needs_guard else None)

    def _condition_configs(self, rel: str, text: str) -> FrozenSet[str]:
        """The Kconfig symbols the ``#if`` lines of a shared header test."""
        if self.config_x86_only is None or rel.startswith("arch/") or "CONFIG_" not in text:
            return frozenset()
        return frozenset(s for line in _CONDITION_LINE.findall(text) for s in _CONFIG_WORD.findall(line))

    def _x86_configs(self, symbols: Set[str]) -> FrozenSet[str]:
        """Of ``symbols``, those the tree's Kconfig can set for x86 only."""
        judge = self.config_x86_only
        return frozenset(s for s in symbols if judge(s)) if judge is not None else frozenset()

    def _kbuilds(self) -> Dict[str, Dict[str, Set[str]]]:
        """The Kbuild lists that decide which asm-generic headers each arch gets."""
        out: Dict[str, Dict[str, Set[str]]] = {}
        assert self.root is not None
        places = [f"{inc}/asm/Kbuild" for inc in self.layout.arch_includes.values()]
        places += [f"{inc}/uapi/asm/Kbuild" for inc in self.layout.arch_includes.values()]
        places += [f"{g}/Kbuild" for g in self.layout.generic]
        for rel in places:
            source = read_source(self.root / rel) if (self.root / rel).is_file() else None
            out[rel] = kbuild_lists(source.text) if source is not None and source.text else kbuild_lists("")
        return out

    def _providers(self, listed: Iterable[Tuple[str, str]], kbuilds: Dict[str, Dict[str, Set[str]]]) -> None:
        """Per arch, every ``asm/X.h`` an ``#include <asm/X.h>`` finds: the arch's own asm/ and
        uapi/asm/ headers, and the Kbuild wrappers (generic-y, generated-y, mandatory-y)."""
        rels = [rel for _p, rel in listed]
        for arch, inc in self.layout.arch_includes.items():
            provided: Dict[str, str] = {}
            for base in (f"{inc}/asm/", f"{inc}/uapi/asm/"):
                for rel in rels:
                    if rel.startswith(base):
                        provided.setdefault("asm/" + rel[len(base):], rel)
            for kb in (f"{inc}/asm/Kbuild", f"{inc}/uapi/asm/Kbuild"):
                for key in ("generic-y", "generated-y"):
                    for h in kbuilds[kb][key]:
                        provided.setdefault("asm/" + h, f"{kb} ({key})")
            for g in self.layout.generic:
                for h in kbuilds[f"{g}/Kbuild"]["mandatory-y"]:
                    provided.setdefault("asm/" + h, f"{g}/Kbuild (mandatory-y)")
            self._provides[arch] = provided

    def _reach(self, kbuilds: Dict[str, Dict[str, Set[str]]]) -> None:
        """Which arches see each asm-generic header (see the module doc)."""
        generic_of = self._generic_files()
        for arch, inc in self.layout.arch_includes.items():
            todo: List[str] = []
            for sub, base in (("asm", self.layout.generic[0]), ("uapi/asm", self.layout.generic[-1])):
                kb = kbuilds[f"{inc}/{sub}/Kbuild"]["generic-y"] | kbuilds[f"{base}/Kbuild"]["mandatory-y"]
                for h in kb:
                    if f"{inc}/{sub}/{h}" not in self._records:
                        todo.append(f"{base}/{h}")
            for rel, (_decls, includes) in self._records.items():
                if rel.startswith(inc + "/") or not rel.startswith(("arch/",) + self.layout.generic):
                    todo += [generic_of[t] for t in includes if t in generic_of]
            seen: Set[str] = set()
            while todo:
                rel = todo.pop()
                if rel in seen or rel not in self._records:
                    continue
                seen.add(rel)
                todo += [generic_of[t] for t in self._records[rel][1] if t in generic_of]
            for rel in seen:
                self._file_arches[rel] = self._file_arches.get(rel, frozenset()) | {arch}

    def _generic_files(self) -> Dict[str, str]:
        """``asm-generic/X.h`` -> the file it names (include/ first, then include/uapi/), and
        ``uapi/asm-generic/X.h`` (the kernel header's include of its uapi half) -> that half."""
        out: Dict[str, str] = {}
        for base in self.layout.generic:
            for rel in self._records:
                if rel.startswith(base + "/"):
                    out.setdefault("asm-generic/" + rel[len(base) + 1:], rel)
                    out.setdefault(base.split("/", 1)[-1] + rel[len(base):], rel)
        return out

    def path_arches(self, rel: str) -> FrozenSet[str]:
        """The arches that can see a header of the tree, from its path."""
        for arch in self.layout.arch_includes:
            if rel.startswith(f"arch/{arch}/"):
                return frozenset({arch})
        if rel.startswith("arch/"):
            return frozenset()
        if rel.startswith(tuple(g + "/" for g in self.layout.generic)):
            return self._file_arches.get(rel, frozenset())
        return frozenset({"x86", "arm64"})

    def _summarise(self) -> None:
        x86: Dict[str, Tuple[str, str]] = {}
        paths: Dict[str, List[str]] = {}
        arm: Set[str] = set()
        for rel, (decls, _inc) in self._records.items():
            farch = self.path_arches(rel)
            if not farch:
                continue
            for name, line, kind, guard in decls:
                arches = _GUARD_ARCHES.get(guard, frozenset()) & farch
                if "arm64" in arches:
                    arm.add(name)
                elif arches:
                    x86.setdefault(name, (f"{rel}:{line}", kind))
                    paths.setdefault(name, []).append(rel)
        self._arm64_names = arm
        self._x86_only = {n: (*v, tuple(dict.fromkeys(paths[n]))) for n, v in x86.items() if n not in arm}

    def _load_summary(self, table: object) -> bool:
        if not isinstance(table, dict):
            return False
        self._x86_only = table  # the section's digest vouches for its shape
        return True

    def _arm64_declared(self, name: str) -> bool:
        """Whether the tree's headers declare ``name`` for arm64 (built on first need)."""
        if self._arm64_names is None:
            if not self._records_complete:
                side = _side_store(self._store) if self._store is not None else None
                files = side.section(SECTION).get("files") if side is not None else None
                for rel, entry in (files if isinstance(files, dict) else {}).items():
                    record = _unpack(entry[1]) if isinstance(entry, list) and len(entry) == 2 else None
                    if record is not None:
                        self._records[rel] = record
                self._reach(self._kbuilds())
                self._records_complete = True
            self._summarise()
        assert self._arm64_names is not None
        return name in self._arm64_names

    def fingerprint(self) -> str:
        """A digest of every answer the index gives besides overlays: which names only x86
        declares, and where, and which asm/ headers each arch has (for caches of findings)."""
        if self._fingerprint is None:
            body = repr((self.active, sorted((n, (e[0], e[1])) for n, e in self._x86_only.items()), sorted(
                (arch, sorted(headers.items())) for arch, headers in self._provides.items())))
            self._fingerprint = hashlib.blake2b(body.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        return self._fingerprint

    # -- overlays --------------------------------------------------------------------------

    def set_overlay(self, rel: str, record: Optional[Callable[[], Record]], arches: FrozenSet[str]) -> None:
        """Use ``record()`` for ``rel`` (a series' post-image, an editor buffer; None: the disk
        again), made only when a question needs it. ``arches``: who can see the file
        (``path_arches``, or Kconfig's class)."""
        self._overlays.pop(rel, None)
        self._overlay_memo.pop(rel, None)
        if record is not None:
            self._overlays[rel] = (record, arches)

    def _overlay(self, rel: str) -> Tuple[Record, FrozenSet[str], Set[str]]:
        """An overlay's record, who sees it, and the names it declares for x86 only."""
        memo = self._overlay_memo.get(rel)
        if memo is None:
            make, farch = self._overlays[rel]
            record = make()
            names = {n for n, _l, _k, g in record[0] if "x86" in (_GUARD_ARCHES.get(g, frozenset()) & farch)}
            memo = self._overlay_memo[rel] = (record, farch, names)
        return memo

    # -- questions -------------------------------------------------------------------------

    def x86_only(self, name: str, asking: str = "") -> Optional[Tuple[str, str]]:
        """(where, kind) of the x86 declaration when only x86 declares ``name``, else None.
        ``asking``: the file that asks, whose own declarations it judges itself."""
        if not self.active:
            return None
        entry = self._x86_only.get(name)
        base = (entry[0], entry[1]) if entry is not None else None
        if not self._overlays or (len(self._overlays) == 1 and asking in self._overlays):
            return base
        x86_where: Optional[Tuple[str, str]] = None
        for rel in self._overlays:
            if rel == asking:
                continue
            (decls, _inc), farch, _names = self._overlay(rel)
            for n, line, kind, guard in decls:
                if n != name or (kind == "static" and rel.endswith(".c")):
                    continue
                arches = _GUARD_ARCHES.get(guard, frozenset()) & farch
                if "arm64" in arches:
                    return None
                if arches and x86_where is None:
                    x86_where = (f"{rel}:{line}", kind)
        if base is not None:
            if all(p in self._overlays for p in entry[2]):  # type: ignore[index]
                return x86_where  # every x86 declaration of the tree is replaced by the series
            return base
        if x86_where is not None and not self._arm64_declared(name):
            return x86_where
        return None

    def asm_header_x86_only(self, target: str) -> Optional[str]:
        """Where x86 gets ``asm/X.h`` when arm64 has no such header at all, else None."""
        if not self.active or target in self._provides.get("arm64", {}):
            return None
        for rel in self._overlays:
            if rel.startswith(self.layout.arch_includes["arm64"] + "/") and rel.endswith("/" + target):
                return None
        return self._provides.get("x86", {}).get(target)

    def x86_candidates(self, names: Iterable[str], asking: str = "") -> Set[str]:
        """Of ``names``, those some x86-only declaration (the tree's or an overlay's other
        than ``asking``'s) has: the only ones ``x86_only`` can answer for."""
        if not self.active:
            return set()
        wanted = set(names)
        found = wanted & self._x86_only.keys()
        for rel in self._overlays:
            if rel != asking:
                found |= wanted & self._overlay(rel)[2]
        return found


def _side_store(store: "cachemod.TreeCache") -> "cachemod.TreeCache":
    """The tree cache's companion file for the per-header entries (megabytes a warm run,
    which needs only the summary, never reads)."""
    return cachemod.TreeCache(store.file.with_name(store.file.stem + "-declarations.json"), store.key)


# Below this many headers to read, a process pool costs more than it saves (as in walk.py).
_PARALLEL_MIN_FILES = 2000
_WORKER: Optional[DeclIndex] = None  # the index a forked worker reads for


def _read_chunk(todo: List[Tuple[str, str]], index: DeclIndex) -> List[Tuple[str, Record, FrozenSet[str]]]:
    out = []
    for path, rel in todo:
        source = read_source(Path(path))
        if source.text is not None:
            out.append((rel, index._read(rel, source.text), index._condition_configs(rel, source.text)))
    return out


def _read_chunk_forked(todo: List[Tuple[str, str]]) -> List[Tuple[str, Record, FrozenSet[str]]]:
    assert _WORKER is not None
    return _read_chunk(todo, _WORKER)


def _digest(sigs: List[Tuple[str, Optional[list]]], kbuilds: Dict[str, Dict[str, Set[str]]]) -> str:
    """One digest of every header's signature and the Kbuild lists (a joined string: json of
    6,500 signatures costs more than the rest of a warm run's index)."""
    files = "\n".join(f"{rel} {sig}" for rel, sig in sigs)
    lists = json.dumps({k: {kk: sorted(vv) for kk, vv in v.items()} for k, v in sorted(kbuilds.items())})
    return hashlib.blake2b((files + "\n" + lists).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
