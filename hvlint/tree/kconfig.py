"""Which files outside arch/ the tree builds only for one arch, from Kconfig and Makefiles.

``config HYPERV_TIMER / def_bool HYPERV && X86`` with ``obj-$(CONFIG_HYPERV_TIMER) +=
hyperv_timer.o`` makes drivers/clocksource/hyperv_timer.c x86 code. Each symbol is judged
per arch as a pair "can it be on? can it be off?" (see kconfig_expr), each half True, False
or unknown, from what scripts/kconfig would see with that ``SRCARCH``: the Kconfig files
``source`` reaches from the top (``arch/$(SRCARCH)/Kconfig`` and what it sources only for
that arch; the generic ``arch/Kconfig`` for all), every definition's prompts, dependencies
and defaults, and the ``select`` lines that can force it on. Kconfig is read lazily: the
files are found once, each parsed when one of its symbols is asked about.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from hvlint.c.tristate import ARCHES, Tri, tri_and, tri_or
from hvlint.tree import kconfig_parse
from hvlint.tree.cache import Signature, TreeCache, signature, stat_all
from hvlint.tree.kbuild import Alternative, Kbuild, Rule
from hvlint.tree.kconfig_expr import FREE, OFF, ON, UNKNOWN, Pair, evaluate, evaluate_all, p_and, p_or

# Keyword first, so re finds it by substring search (a leading ^[ \t]* costs 10x on the
# tree's 5 MB of Kconfig); what stands before it on its line is checked after a match.
_SOURCE = re.compile(r'source[ \t]+"([^"]+)"')
_SOURCE_LEAD = ("", "r", "o", "or")
_CONFIG_DEF = re.compile(r"config[ \t]+([A-Za-z0-9_]+)")
_CONFIG_LEAD = ("", "menu")
_SELECT = re.compile(r"select[ \t]+([A-Za-z0-9_]+)")
# Kconfig symbols that are never set for a real build of another arch.
_NEVER = {"COMPILE_TEST"}
_MAX_DEPTH = 80
# The top Makefile's other names for an arch folder: ``ifeq ($(ARCH),x86_64)`` then
# ``SRCARCH := x86``.
_ARCH_NAME = re.compile(r"^ifeq[ \t]*\(\$\(ARCH\),[ \t]*([A-Za-z0-9_]+)[ \t]*\)[ \t]*\n[ \t]*SRCARCH[ \t]*:=[ \t]*([A-Za-z0-9_]+)", re.M)
_ARCH_DEFAULT = re.compile(r"^SRCARCH[ \t]*:=[ \t]*\$\(ARCH\)[ \t]*$", re.M)
_ARCH_MACROS = ("$(ARCH)", "$(SRCARCH)")


def _keyword_lines(text: str, pattern: "re.Pattern[str]", leads: Tuple[str, ...]) -> List[Tuple[str, str, int]]:
    """(lead, group 1, offset) of each match of ``pattern`` that starts a line after blanks
    and one of ``leads`` (``menu`` of ``menuconfig``, ``r`` of ``rsource``)."""
    found = []
    for m in pattern.finditer(text):
        lead = text[text.rfind("\n", 0, m.start()) + 1 : m.start()].lstrip(" \t")
        if lead in leads:
            found.append((lead, m.group(1), m.start()))
    return found


def is_build_file(relpath: str) -> bool:
    """A file that decides what the tree builds for which arch: Makefile, Kbuild, Kconfig*."""
    name = relpath.rpartition("/")[2]
    return name in ("Makefile", "Kbuild") or name.startswith("Kconfig")


def arch_label(srcarch: str) -> str:
    """The arch of ``ARCHES`` that an ``arch/<srcarch>/`` folder stands for."""
    return srcarch if srcarch in ARCHES else "other"


class Kconfig:
    """The tree's Kconfig symbols, judged per arch."""

    def __init__(
        self, root: Optional[Path], arch_symbols: Dict[str, Tuple[str, ...]], cache: Optional[TreeCache] = None
    ) -> None:
        self.root = root  # None: no tree, only the overlays (a patch series' Kconfig files)
        self.arch_symbols = arch_symbols
        self.cache = cache
        self._overlays: Dict[str, Optional[str]] = {}  # a patch's Kconfig files (None: deleted)
        self._open: set = set()  # used by a patch's build lines, maybe defined where it was made
        self._reset()

    def _reset(self) -> None:
        """Forget everything read or derived (the files are read again when asked)."""
        self._where: Optional[Dict[str, List[int]]] = None  # symbol -> indexes into _files
        self._selects: Dict[str, List[int]] = {}  # symbol -> files with a `select` of it
        self._files: List[str] = []
        self._index: Dict[str, int] = {}
        self._sources: List[List[list]] = []  # per file: [line, lead, target]
        self._arches: List[List[str]] = []  # per file: the arches whose Kconfig reaches it
        self._parents: List[List[list]] = []  # per file: [file, line] of its source sites
        self._undecided: Dict[str, List[str]] = {}  # arch -> sources hvlint could not follow
        self._texts: Dict[str, str] = {}
        self._signatures: Dict[str, Optional[Signature]] = {}
        self._globs: Dict[str, List[str]] = {}
        self._missing: List[str] = []  # sourced but absent (osource): must stay absent
        self._walked = False
        self._stored: Optional[dict] = None  # the cache section, when this tree's is kept
        self._parsed: Dict[str, kconfig_parse.Parsed] = {}
        self._memo: Dict[Tuple[str, str], Pair] = {}
        self._inherited: Dict[Tuple[int, str], Pair] = {}
        self._arches_read: Optional[set] = None
        self._arch_values: Optional[Dict[str, List[List[str]]]] = None
        self._arch_labels: Optional[set] = None
        self._depth = 0

    # -- finding the files -----------------------------------------------------------------

    def _load(self) -> Dict[str, List[int]]:
        """Read the Kconfig files once and note which files define and select which symbols.

        The files are found the way kconfig finds them, by following ``source`` from the
        top-level Kconfig once per ``SRCARCH`` (every folder of arch/ with a Kconfig), which
        is much cheaper than walking the tree; a tree without a top-level Kconfig is walked
        instead (every file then counts for every arch). Files are parsed only when one of
        their symbols is asked about.
        """
        if self._where is None:
            if not self._overlays and self._cached():
                return self._where
            self._where = {}
            if self.root is None:
                self._overlays_only()
            elif (self.root / "Kconfig").is_file():
                self._follow_sources("Kconfig")
            else:
                self._walk_all()
                self._walked = True
            self._store_where()
        return self._where

    def _cached(self) -> bool:
        """``_from_cache``, and a clean slate when the stored data is stale or not of its shape."""
        try:
            if self._from_cache():
                return True
        except (TypeError, ValueError, IndexError, AttributeError, KeyError):
            pass
        self._reset()
        return False

    def _from_cache(self) -> bool:
        """Take the file lists, the symbol maps and the files parsed so far from the last
        run's cache, when no Kconfig file changed (or appeared where ``osource`` looks)."""
        stored = self.cache.section("kconfig") if self.cache else {}
        shapes = {"files": list, "where": dict, "selects": dict, "globs": dict, "missing": list,
                  "parsed": dict, "arches": list, "parents": list, "undecided": dict}
        if not all(isinstance(stored.get(k), t) for k, t in shapes.items()):
            return False
        if not self.still_holds(stored):
            return False
        files = [rel for rel, _sig in stored["files"]]
        if not self._consistent(stored, len(files)):
            return False
        if stored.get("arch_values") != self.arch_values():
            return False
        parsed = {rel: kconfig_parse.Parsed(entries, {int(k): v for k, v in sites})
                  for rel, (entries, sites) in stored["parsed"].items()}
        for found in parsed.values():
            if not all(kconfig_parse.valid_entry(e) for e in found.entries):
                return False
            if not all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in found.sites.values()):
                return False
        self._files = files
        self._index = {rel: i for i, rel in enumerate(files)}
        self._where, self._selects = stored["where"], stored["selects"]
        self._arches, self._parents = stored["arches"], stored["parents"]
        self._undecided = stored["undecided"]
        states = stored.get("states")
        if not (isinstance(states, dict) and all(
            isinstance(v, list) and len(v) == 2 and all(x in (True, False, None) for x in v) for v in states.values()
        )):
            return False
        # States judged with symbols left open (leave_open) are never stored, nor taken.
        self._memo = {} if self._open else {tuple(k.rsplit(":", 1)): (v[0], v[1]) for k, v in states.items()}
        self._parsed = parsed
        self._stored = stored
        return True

    def fingerprint(self) -> Optional[dict]:
        """What every answer rests on, when the tree cache holds it: the Kconfig files with
        their signatures, the ``osource`` globs with what they found, the sourced files that
        are absent (None: not stored, as while an overlay is in force)."""
        self._load()
        if self._stored is None or self._overlays:
            return None
        return {k: self._stored[k] for k in ("files", "globs", "missing")}

    def still_holds(self, fingerprint: dict) -> bool:
        """Whether no Kconfig file of ``fingerprint`` changed and none appeared where it looks."""
        base = str(self.root) + os.sep
        stored = dict(fingerprint["files"])
        if any(sig != stored[rel] for _path, rel, sig in stat_all((base + rel, rel) for rel in stored)):
            return False
        if any(os.path.lexists(base + rel) for rel in fingerprint["missing"]):
            return False
        return all(self._glob(pattern) == found for pattern, found in fingerprint["globs"].items())

    @staticmethod
    def _consistent(stored: dict, count: int) -> bool:
        """Whether the stored maps only point at the ``count`` stored files."""
        if not (len(stored["arches"]) == len(stored["parents"]) == count):
            return False
        for mapping in (stored["where"], stored["selects"]):
            for found in mapping.values():
                if not (isinstance(found, list) and all(isinstance(i, int) and 0 <= i < count for i in found)):
                    return False
        for parents in stored["parents"]:
            if not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], int) and 0 <= p[0] < count
                       and isinstance(p[1], int) for p in parents):
                return False
        return all(isinstance(a, list) and all(isinstance(x, str) for x in a) for a in stored["arches"])

    def _store_where(self) -> None:
        if self.cache is None or self._walked or None in self._signatures.values():
            return  # a walk finds new files no signature tells of; a file too fresh to trust
        self._stored = {
            "files": [[rel, self._signatures[rel]] for rel in self._files],
            "globs": self._globs,
            "missing": sorted(set(self._missing)),
            "where": self._where,
            "selects": self._selects,
            "arches": self._arches,
            "parents": self._parents,
            "undecided": self._undecided,
            "arch_values": self.arch_values(),
            "parsed": {},
            "states": {},  # "NAME:arch" -> [can be on, can be off], as judged
        }
        self.cache.store("kconfig", self._stored)

    def set_overlay(self, rel: str, text: Optional[str]) -> None:
        """Use ``text`` for the Kconfig file ``rel`` instead of the disk (None: deleted).

        Everything is derived again from the files, overlays first; nothing is stored in
        the tree cache while an overlay is in force (its files are not the disk's)."""
        self._overlays[rel] = text
        self._reset()

    def leave_open(self, names: List[str]) -> None:
        """Judge ``names`` unknown, not n, while no Kconfig file read defines them: the build
        lines of a patch made against another tree use them, and that tree may define them.
        Nothing judged from now on is stored in the tree cache."""
        self._open.update(names)
        self._memo.clear()

    def _text(self, rel: str) -> str:
        if rel in self._overlays:
            return self._overlays[rel] or ""
        if rel not in self._texts and self.root is None:
            self._texts[rel] = ""
        if rel not in self._texts:
            try:
                self._texts[rel] = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[rel] = ""
        return self._texts[rel]

    def _add(self, rel: str) -> Optional[int]:
        """Read a Kconfig file the first time it is reached: its index, None when absent."""
        if rel in self._index:
            return self._index[rel]
        path = str(self.root / rel) if self.root is not None else rel
        try:
            if rel in self._overlays or self.root is None:
                text, sig = self._overlays.get(rel), None  # None: never stored
                if text is None:
                    raise FileNotFoundError(rel)
            else:
                sig = signature(path)  # before reading: a later change must not match it
                with open(path, "rb") as fh:
                    text = fh.read().decode("utf-8", "replace")
        except OSError:
            self._missing.append(rel)
            return None
        at = len(self._files)
        self._signatures[rel] = sig
        self._texts[rel] = text
        self._files.append(rel)
        self._index[rel] = at
        self._arches.append([])
        self._parents.append([])
        for _lead, name, _at in _keyword_lines(text, _CONFIG_DEF, _CONFIG_LEAD):
            self._where.setdefault(name, []).append(at)
        for _lead, name, _at in _keyword_lines(text, _SELECT, ("",)):
            files = self._selects.setdefault(name, [])
            if not files or files[-1] != at:
                files.append(at)
        self._sources.append(
            [[text.count("\n", 0, off) + 1, lead, target] for lead, target, off in _keyword_lines(text, _SOURCE, _SOURCE_LEAD)]
        )
        return at

    def _glob(self, pattern: str) -> List[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(pattern))

    def _srcarches(self) -> List[str]:
        try:
            return sorted(d.name for d in (self.root / "arch").iterdir() if (d / "Kconfig").is_file())
        except OSError:
            return []

    def arch_values(self) -> Dict[str, List[List[str]]]:
        """For each arch of ``ARCHES``, the (SRCARCH, ARCH) pairs a build of it can have, as
        the top Makefile says (``SRCARCH := $(ARCH)``, then ``ifeq ($(ARCH),x86_64)`` /
        ``SRCARCH := x86``): every folder of arch/ with a Kconfig under its own name and
        the other names it is built as. Empty when the top Makefile does not say it."""
        if self._arch_values is None:
            srcarches = self._srcarches() if self.root is not None else []
            try:
                top = (self.root / "Makefile").read_text(encoding="utf-8", errors="replace") if self.root else ""
            except OSError:
                top = ""
            pairs = [[srcarch, srcarch] for srcarch in srcarches] if _ARCH_DEFAULT.search(top) else []
            pairs += [[m.group(2), m.group(1)] for m in _ARCH_NAME.finditer(top) if pairs and m.group(2) in srcarches]
            values: Dict[str, List[List[str]]] = {}
            for pair in sorted(pairs):
                values.setdefault(arch_label(pair[0]), []).append(pair)
            self._arch_values = values
        return self._arch_values

    def arch_known(self, arch: str) -> bool:
        """Whether the tree has ``arch`` at all: a folder of arch/ with a Kconfig stands for
        it (every arch counts when no folder has one, or there is no tree)."""
        if self._arch_labels is None:
            self._arch_labels = {arch_label(s) for s in self._srcarches()} if self.root is not None else set()
        return not self._arch_labels or arch in self._arch_labels

    def _with_arch(self, exprs: List[str], arch: str, judge: Callable[[List[str]], Pair]) -> Pair:
        """``judge(exprs)`` with ``$(ARCH)`` and ``$(SRCARCH)`` put in, once for each value a
        build of ``arch`` can give them: possible where one of them makes it so."""
        pairs = self.arch_values().get(arch) if any(m in e for e in exprs for m in _ARCH_MACROS) else None
        if not pairs:
            return judge(exprs)
        on: Tri = False
        off: Tri = False
        for srcarch, name in pairs:
            value = judge([e.replace("$(SRCARCH)", srcarch).replace("$(ARCH)", name) for e in exprs])
            on, off = tri_or(on, value[0]), tri_or(off, value[1])
        return on, off

    def _follow_sources(self, top: str) -> None:
        """Follow ``source`` from ``top`` once per SRCARCH, noting for each file the arches
        that reach it and the lines that source it."""
        srcarches = self._srcarches() or list(ARCHES)  # no arch Kconfig: one pass per arch hvlint knows
        same: Dict[Tuple[int, int], Tuple[List[int], Optional[str]]] = {}  # sources without arch macros
        for srcarch in srcarches:
            label = arch_label(srcarch)
            macros = {"$(SRCARCH)": srcarch, "$(HEADER_ARCH)": "x86" if srcarch == "um" else srcarch}
            start = self._add(top)
            seen = set()
            queue = [start] if start is not None else []
            while queue:
                at = queue.pop()
                if at in seen:
                    continue
                seen.add(at)
                if label not in self._arches[at]:
                    self._arches[at].append(label)
                rel = self._files[at]
                for line, lead, target in self._sources[at]:
                    key = (at, line)
                    if "$(" in target or key not in same:
                        same[key] = self._targets(rel, line, lead, target, macros)
                    children, note = same[key]
                    undecided = self._undecided.setdefault(label, [])
                    if note and note not in undecided:
                        undecided.append(note)
                    for child in children:
                        if [at, line] not in self._parents[child]:
                            self._parents[child].append([at, line])
                        queue.append(child)

    def _targets(self, rel: str, line: int, lead: str, target: str, macros: Dict[str, str]) -> Tuple[List[int], Optional[str]]:
        """The files one ``source`` line reaches for one SRCARCH (globs expanded), and a
        note when hvlint cannot follow it (a macro it does not know, an absent osource)."""
        if lead.endswith("r"):  # rsource, orsource: relative to this file
            target = f"{rel.rpartition('/')[0]}/{target}".lstrip("/")
        for macro, value in macros.items():
            target = target.replace(macro, value)
        if "$(" in target or ".." in target.split("/"):
            return [], f'{rel}:{line}: {lead}source "{target}"'
        names = [target]
        if "*" in target or "?" in target:
            self._globs[target] = names = self._glob(target)
        found = [at for at in (self._add(name) for name in names) if at is not None]
        if not found and lead.startswith("o"):
            return [], f'{rel}:{line}: {lead}source "{target}" (absent)'
        return found, None

    def _overlays_only(self) -> None:
        """No tree: the overlays are all the Kconfig there is, each for every arch."""
        self._walked = True
        for rel in sorted(self._overlays):
            at = self._add(rel)
            if at is not None:
                self._arches[at] = self._walk_arches(rel)

    def _walk_all(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root):
            if dirpath == str(self.root):
                dirnames[:] = [d for d in dirnames if d not in (".git", "tools", "Documentation", "scripts")]
            for fn in filenames:
                if fn.startswith("Kconfig"):
                    at = self._add((Path(dirpath) / fn).relative_to(self.root).as_posix())
                    if at is not None:
                        self._arches[at] = self._walk_arches(self._files[at])

    @staticmethod
    def _walk_arches(rel: str) -> List[str]:
        parts = rel.split("/")
        if parts[0] == "arch" and len(parts) > 2:
            return [arch_label(parts[1])]
        return list(ARCHES)

    # -- reading entries -------------------------------------------------------------------

    def _parse(self, rel: str, text: str) -> kconfig_parse.Parsed:
        """One file's entries and source sites."""
        return kconfig_parse.parse(text)

    def _parsed_file(self, at: int) -> kconfig_parse.Parsed:
        rel = self._files[at]
        if rel not in self._parsed:
            self._parsed[rel] = found = self._parse(rel, self._text(rel))
            if self._stored is not None and self.cache is not None:
                self._stored["parsed"][rel] = [found.entries, [[k, v] for k, v in found.sites.items()]]
                self.cache.store("kconfig", self._stored)
        return self._parsed[rel]

    def _definitions(self, name: str, arch: str) -> List[Tuple[int, kconfig_parse.Entry]]:
        out = []
        for at in self._load().get(name, ()):
            if arch in self._arches[at]:
                out += [(at, e) for e in self._parsed_file(at).entries if e[0] == name]
        return out

    def entries(self, name: str, arch: str) -> List[kconfig_parse.Entry]:
        """The entries (see kconfig_parse) that define ``name`` in the Kconfig of ``arch``."""
        return [entry for _at, entry in self._definitions(name, arch)]

    def _selectors(self, name: str, arch: str) -> List[Tuple[str, str]]:
        """(selecting symbol, condition) of every ``select name`` reachable on ``arch``."""
        self._load()
        out = []
        for at in self._selects.get(name, ()):
            if arch in self._arches[at]:
                for entry in self._parsed_file(at).entries:
                    out += [(entry[0], cond) for target, cond in entry[6] if target == name]
        return out

    # -- judging ---------------------------------------------------------------------------

    def state(self, name: str, arch: str) -> Pair:
        """(can ``name`` be on, can it be off) in some configuration of ``arch``."""
        for a, names in self.arch_symbols.items():
            if name in names:
                if a != arch:
                    return OFF
                return ON if name == names[0] else FREE  # X86 always; X86_64 or X86_32
        if name in _NEVER or name == "n":
            return OFF
        if name in ("y", "m"):
            return ON
        if name in self._open and not self.defines(name):
            return UNKNOWN
        self._load()  # may bring the states judged by an earlier run
        key = (name, arch)
        if key in self._memo:
            return self._memo[key]
        if self._depth > _MAX_DEPTH:
            return UNKNOWN
        self._memo[key] = UNKNOWN  # cycle guard
        self._depth += 1
        try:
            result = self._judge(name, arch)
        finally:
            self._depth -= 1
        self._memo[key] = result
        if self._stored is not None and self.cache is not None and not self._open:
            self._stored["states"][f"{name}:{arch}"] = list(result)
            self.cache.store("kconfig", self._stored)
        return result

    def _judge(self, name: str, arch: str) -> Pair:
        definitions = self._definitions(name, arch)
        if not definitions:
            # Not defined for this arch: n, unless a source hvlint could not follow may
            # define it, or the tree's Kconfig never reaches this arch's own Kconfig.
            return UNKNOWN if self._undecided.get(arch) or not self._arch_read(arch) else OFF
        selected: Pair = OFF  # a select forces it on, whatever its own dependencies say
        for selector, cond in self._selectors(name, arch):
            selected = p_or(selected, p_and(self.state(selector, arch), self.evaluate(cond, arch)))
        on: Tri = False
        off: Tri = True
        for at, entry in definitions:
            _name, _line, kind, prompts, deps, defaults, _selects, choice_size = entry
            if kind not in ("", "bool", "tristate"):
                return UNKNOWN  # an int, hex or string symbol is not on or off
            dep = p_and(self._inherited_at(at, arch), self._with_arch(
                deps, arch, lambda exprs: evaluate_all(exprs, lambda n: self.state(n, arch))))
            shown = OFF
            for cond in prompts:
                shown = p_or(shown, self.evaluate(cond, arch))
            shown = p_and(dep, shown)
            by_default = OFF
            for value, cond in defaults:
                by_default = p_or(by_default, p_and(self.evaluate(cond, arch), self.evaluate(value, arch)))
            by_default = p_and(dep, by_default)
            on = tri_or(on, tri_or(shown[0], by_default[0]))
            # Off when the user may say n (a prompt shown), no default turns it on, or, in a
            # choice of several, another member is chosen.
            may_be_off = tri_or(shown[0], by_default[1])
            if choice_size > 1:
                may_be_off = tri_or(may_be_off, dep[0])
            off = tri_and(off, tri_or(dep[1], may_be_off))
        return tri_or(on, selected[0]), tri_and(off, selected[1])

    def _arch_read(self, arch: str) -> bool:
        """Whether the Kconfig of ``arch`` (``arch/<srcarch>/Kconfig``) is among the files read."""
        if self._arches_read is None:
            self._arches_read = set()
            for rel, at in self._index.items():
                parts = rel.split("/")
                if len(parts) == 3 and parts[0] == "arch" and parts[2] == "Kconfig":
                    self._arches_read.update(a for a in self._arches[at] if a == arch_label(parts[1]))
        return arch in self._arches_read

    def _inherited_at(self, at: int, arch: str) -> Pair:
        """The conditions around the ``source`` lines that bring file ``at`` in on ``arch``."""
        key = (at, arch)
        if key in self._inherited:
            return self._inherited[key]
        self._inherited[key] = UNKNOWN  # cycle guard
        parents = [(p, line) for p, line in self._parents[at] if arch in self._arches[p]]
        result: Pair = ON if not parents else OFF
        for parent, line in parents:
            here = self._inherited_at(parent, arch)
            for cond in self._parsed_file(parent).sites.get(line, ()):
                here = p_and(here, self.evaluate(cond, arch))
            result = p_or(result, here)
        self._inherited[key] = result
        return result

    def evaluate(self, expr: str, arch: str) -> Pair:
        """Judge a Kconfig expression on ``arch``; ``$(ARCH)`` and ``$(SRCARCH)`` take each
        value a build of ``arch`` can give them (``"$(ARCH)" = "x86"`` can be true and false)."""
        return self._with_arch([expr], arch, lambda exprs: evaluate(exprs[0], lambda name: self.state(name, arch)))

    def possible(self, name: str, arch: str) -> Tri:
        """Can ``name`` be enabled when building ``arch``? True/False/None (unknown)."""
        return self.state(name, arch)[0]

    def defines(self, name: str) -> bool:
        """Whether a Kconfig file that is read (for any arch) defines ``name``."""
        return name in self._load()

    def where(self, name: str) -> str:
        """Where a symbol is defined, for messages."""
        for at in self._load().get(name, ()):
            for entry in self._parsed_file(at).entries:
                if entry[0] == name:
                    return f"{self._files[at]}:{entry[1]}"
        return "?"

    def undecided(self, arch: str) -> List[str]:
        """The ``source`` lines hvlint could not follow for ``arch`` (``$(...)``, absent osource)."""
        self._load()
        return list(self._undecided.get(arch, ()))


class BuildClasses:
    """Answers "does the tree build this file only for one arch, and why?"."""

    def __init__(self, root: Optional[Path], kconfig: Kconfig) -> None:
        self.root = root  # None: no tree, only what set_overlay() and add_rules() give
        self.kconfig = kconfig
        self._overlays: Dict[str, Optional[str]] = {}
        self.kbuild = Kbuild(self._read)
        self._cache: Dict[str, Tuple[Optional[Tuple[str, str]], Optional[str]]] = {}
        # What only a patch's lines say (its hunks did not apply): the Makefile lines of
        # the rules (dir/Makefile:N) and the Kconfig symbols, each with its build file.
        self._unapplied_rules: Dict[str, str] = {}
        self._unapplied_symbols: Dict[str, Tuple[str, int]] = {}

    def _read(self, rel: str) -> Optional[str]:
        if rel in self._overlays:
            return self._overlays[rel]
        if self.root is None:
            return None
        try:
            return (self.root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def set_overlay(self, relpath: str, text: Optional[str]) -> None:
        """Use ``text`` for a Makefile, Kbuild or Kconfig file instead of the disk (None:
        the file is deleted): a patch series that adds a file and the build rule for it is
        judged with its own rule."""
        if relpath.rpartition("/")[2].startswith("Kconfig"):
            self.kconfig.set_overlay(relpath, text)
        else:
            self._overlays[relpath] = text
            self.kbuild.forget(relpath.rpartition("/")[0])
        self._cache.clear()

    def add_rules(self, makefile: str, rules: List[Rule]) -> None:
        """Count ``rules``, the lines a patch adds to ``makefile`` where its hunks do not
        apply, as rules of that folder besides the file's own."""
        self.kbuild.add_rules(makefile.rpartition("/")[0], rules)
        self._unapplied_rules.update((rule.where, makefile) for rule in rules)
        self._cache.clear()

    def note_unapplied_symbols(self, kconfig_file: str, names: Dict[str, int]) -> None:
        """Remember that ``names`` are defined by a patch's lines alone, each at a line of
        its new ``kconfig_file`` (for :meth:`unapplied_files` and the reasons given)."""
        self._unapplied_symbols.update((name, (kconfig_file, line)) for name, line in names.items())

    def unapplied_files(self, relpath: str) -> List[str]:
        """The build files whose patch lines alone (hunks that did not apply) the build
        rules of ``relpath`` rest on: Makefiles of its rules, Kconfig files of their symbols."""
        files: Dict[str, None] = {}
        for alt in self.kbuild.file_alternatives(relpath):
            for expr, where in alt:
                if where in self._unapplied_rules:
                    files[self._unapplied_rules[where]] = None
                for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr):
                    if name in self._unapplied_symbols:
                        files[self._unapplied_symbols[name][0]] = None
        return sorted(files)

    def arch_of(self, relpath: str) -> Optional[Tuple[str, str]]:
        """(arch, reason) when ``relpath`` is only built for one arch, else None."""
        return self._decide(relpath)[0]

    def note(self, relpath: str) -> Optional[str]:
        """Why Kconfig could not class ``relpath`` (None when it could, or no rule builds it)."""
        return self._decide(relpath)[1]

    def possible(self, alternatives: List[Alternative], arch: str) -> Tri:
        """Whether some configuration of ``arch`` builds by one of ``alternatives``."""
        result: Tri = False
        for alt in alternatives:
            met: Tri = True
            for expr, _where in alt:
                met = tri_and(met, self.kconfig.evaluate(expr, arch)[0])
            result = tri_or(result, met)
        return result

    def _decide(self, relpath: str) -> Tuple[Optional[Tuple[str, str]], Optional[str]]:
        if relpath not in self._cache:
            self._cache[relpath] = self._classify(relpath)
        return self._cache[relpath]

    def _classify(self, relpath: str) -> Tuple[Optional[Tuple[str, str]], Optional[str]]:
        alternatives = self.kbuild.file_alternatives(relpath)
        if not alternatives:
            return None, None
        possible = {a: self.possible(alternatives, a) for a in ARCHES if self.kconfig.arch_known(a)}
        if all(p is False for p in possible.values()):
            rules = ", ".join(alt[0][1] for alt in alternatives)
            return None, f"no configuration of x86 or arm64 builds it ({rules}): classed by its path"
        for arch in ("x86", "arm64"):
            if arch in possible and all(p is False for a, p in possible.items() if a != arch):
                return (arch, self._reason(arch, alternatives)), None
        open_arches = [a for a in ("x86", "arm64") if a in possible and possible[a] is None]
        if open_arches:
            terms = sorted({where if expr == "$" else f"{where}: {self._spell(expr)}" for alt in alternatives for expr, where in alt
                            if self.kconfig.evaluate(expr, open_arches[0])[0] is None})
            return None, (f"Kconfig cannot tell whether it is built for {' or '.join(open_arches)} "
                          f"({'; '.join(terms) or 'unknown'}): classed by its path")
        return None, None

    def _reason(self, arch: str, alternatives: List[Alternative]) -> str:
        """Why every alternative is impossible on the arches other than ``arch``."""
        other = "arm64" if arch == "x86" else "x86"
        why = []
        for alt in alternatives:
            for expr, where in alt:
                if self.kconfig.evaluate(expr, other)[0] is False:
                    sym = self._decisive(expr, other)
                    site = f", which {self._where(sym)} makes impossible on {other}" if sym else ""
                    why.append(f"{where} uses {self._spell(expr)}{site}")
                    break
        unique = list(dict.fromkeys(why))
        return f"built only for {arch}: " + "; ".join(unique)

    def _where(self, name: str) -> str:
        """Where ``name`` is defined: for a patch's Kconfig lines, at the patch's line."""
        if name in self._unapplied_symbols:
            rel, line = self._unapplied_symbols[name]
            return f"{rel}:{line} (the patch's line)"
        return self.kconfig.where(name)

    def _decisive(self, expr: str, arch: str) -> Optional[str]:
        """The first symbol of ``expr`` that cannot be on for ``arch``."""
        for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr):
            if self.kconfig.possible(name, arch) is False:
                return name
        return None

    @staticmethod
    def _spell(expr: str) -> str:
        """``MSHV_ROOT`` as CONFIG_MSHV_ROOT; a longer condition as written."""
        return f"CONFIG_{expr}" if re.fullmatch(r"[A-Za-z0-9_]+", expr) else f"`{expr}`"


def x86_only_symbol(possible: Callable[[str, str], Tri], symbol: str) -> bool:
    """Whether Kconfig (``possible(symbol, arch)``) can set ``symbol`` for x86 and never for
    arm64 (``HYPERV_TIMER``: ``HYPERV && X86``): a branch on it is x86 code."""
    return possible(symbol, "arm64") is False and possible(symbol, "x86") is not False
