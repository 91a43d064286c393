"""Which files outside arch/ the tree builds only for one arch, from Kconfig and Makefiles.

``config HYPERV_TIMER / def_bool HYPERV && X86`` with ``obj-$(CONFIG_HYPERV_TIMER) +=
hyperv_timer.o`` makes drivers/clocksource/hyperv_timer.c x86 code. Kconfig is read once,
lazily, the first time a question needs it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hvlint.tree.cache import Signature, TreeCache, signature
from hvlint.c.tristate import ARCHES, Tri, tri_and, tri_not, tri_or

_KTOKEN = re.compile(r"\s*(?:(&&|\|\||!=|=|!|\(|\))|\"[^\"]*\"|'[^']*'|([A-Za-z0-9_]+))")
_OBJ_LINE = re.compile(r"^([A-Za-z0-9_-]+?)-(y|m|objs|\$\((?:[^()]|\([^()]*\))*\))\s*[:+]?=\s*(.*)$")
_CONFIG_REF = re.compile(r"CONFIG_([A-Za-z0-9_]+)")
# Keyword first, so re finds it by substring search (a leading ^[ \t]* costs 10x on the
# tree's 5 MB of Kconfig); what stands before it on its line is checked after a match.
_SOURCE = re.compile(r'source[ \t]+"([^"]+)"')
_SOURCE_LEAD = ("", "r", "o", "or")
_CONFIG_DEF = re.compile(r"config[ \t]+([A-Za-z0-9_]+)")
_CONFIG_LEAD = ("", "menu")
# Kconfig symbols that are never set for a real build of another arch.
_NEVER = {"COMPILE_TEST"}


def _keyword_lines(text: str, pattern: "re.Pattern[str]", leads: Tuple[str, ...]) -> List[Tuple[str, str]]:
    """(lead, group 1) of each match of ``pattern`` that starts a line after blanks and one
    of ``leads`` (``menu`` of ``menuconfig``, ``r`` of ``rsource``)."""
    found = []
    for m in pattern.finditer(text):
        lead = text[text.rfind("\n", 0, m.start()) + 1 : m.start()].lstrip(" \t")
        if lead in leads:
            found.append((lead, m.group(1)))
    return found


def is_build_file(relpath: str) -> bool:
    """A file that decides what the tree builds for which arch: Makefile, Kbuild, Kconfig*."""
    name = relpath.rpartition("/")[2]
    return name in ("Makefile", "Kbuild") or name.startswith("Kconfig")


@dataclass
class _Symbol:
    # One entry per definition: (AND-expression, value is determinate, arch of its arch/ dir)
    definitions: List[Tuple[str, bool, Optional[str]]] = field(default_factory=list)
    locations: List[str] = field(default_factory=list)


class Kconfig:
    """The tree's Kconfig symbols, evaluated per arch."""

    def __init__(
        self, root: Path, arch_symbols: Dict[str, Tuple[str, ...]], cache: Optional[TreeCache] = None
    ) -> None:
        self.root = root
        self.arch_symbols = arch_symbols
        self.cache = cache
        self._overlays: Dict[str, Optional[str]] = {}  # a patch's Kconfig files (None: deleted)
        self._reset()

    def _reset(self) -> None:
        """Forget everything read or derived (the files are read again when asked)."""
        self._symbols: Dict[str, _Symbol] = {}
        self._where: Optional[Dict[str, List[int]]] = None  # symbol -> indexes into _files
        self._files: List[str] = []
        self._texts: Dict[str, str] = {}
        self._signatures: Dict[str, Optional[Signature]] = {}
        self._globs: Dict[str, List[str]] = {}
        self._missing: List[str] = []  # sourced but absent (osource): must stay absent
        self._walked = False
        self._stored: Optional[dict] = None  # the cache section, when this tree's is kept
        self._parsed: set = set()
        self._memo: Dict[Tuple[str, str], Tri] = {}

    def _load(self) -> Dict[str, List[int]]:
        """Read the Kconfig files once and note which files define which symbols.

        The files are found the way kconfig finds them, by following ``source`` from the
        top-level Kconfig (``$(SRCARCH)`` as x86 and arm64), which is much cheaper than
        walking the tree; a tree without a top-level Kconfig is walked instead. Files are
        parsed only when one of their symbols is asked about.
        """
        if self._where is None:
            if not self._overlays and self._cached():
                return self._where
            self._where = {}
            if (self.root / "Kconfig").is_file():
                self._follow_sources("Kconfig")
            else:
                self._walk_all()
                self._walked = True
            self._store_where()
        return self._where

    def _cached(self) -> bool:
        """``_from_cache``, and a clean slate when the stored data is not of its shape."""
        try:
            return self._from_cache()
        except (TypeError, ValueError, IndexError, AttributeError):
            self._reset()
            return False

    def _from_cache(self) -> bool:
        """Take the file list, the symbol map and the files parsed so far from the last
        run's cache, when no Kconfig file changed (or appeared where ``osource`` looks)."""
        stored = self.cache.section("kconfig") if self.cache else {}
        files, where, globs = stored.get("files"), stored.get("where"), stored.get("globs")
        missing, parsed = stored.get("missing"), stored.get("parsed")
        if not all(isinstance(v, t) for v, t in ((files, list), (where, dict), (globs, dict), (missing, list), (parsed, dict))):
            return False
        base = str(self.root) + os.sep
        for rel, sig in files:
            if signature(base + rel) != sig:
                return False
        if any(os.path.lexists(base + rel) for rel in missing):
            return False
        for pattern, found in globs.items():
            if self._glob(pattern) != found:
                return False
        self._files = [rel for rel, _sig in files]
        self._where = where
        self._stored = stored
        for rel, entries in parsed.items():
            self._parsed.add(rel)
            self._add_entries(rel, entries)
        return True

    def _store_where(self) -> None:
        if self.cache is None or self._walked or None in self._signatures.values():
            return  # a walk finds new files no signature tells of; a file too fresh to trust
        self._stored = {
            "files": [[rel, sig] for rel, sig in self._signatures.items()],
            "globs": self._globs,
            "missing": sorted(set(self._missing)),
            "where": self._where,
            "parsed": {},
        }
        self.cache.store("kconfig", self._stored)

    def set_overlay(self, rel: str, text: Optional[str]) -> None:
        """Use ``text`` for the Kconfig file ``rel`` instead of the disk (None: deleted).

        Everything is derived again from the files, overlays first; nothing is stored in
        the tree cache while an overlay is in force (its files are not the disk's)."""
        self._overlays[rel] = text
        self._reset()

    def _text(self, rel: str) -> str:
        if rel in self._overlays:
            return self._overlays[rel] or ""
        if rel not in self._texts:
            try:
                self._texts[rel] = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[rel] = ""
        return self._texts[rel]

    def _add(self, rel: str) -> Optional[str]:
        if rel in self._signatures:
            return None
        path = str(self.root / rel)
        sig = signature(path)  # before reading: a later change must not match it
        try:
            if rel in self._overlays:
                text, sig = self._overlays[rel], None  # None: never stored
                if text is None:
                    raise FileNotFoundError(rel)
            else:
                with open(path, "rb") as fh:
                    text = fh.read().decode("utf-8", "replace")
        except OSError:
            self._missing.append(rel)
            return None
        self._signatures[rel] = sig
        self._texts[rel] = text
        self._files.append(rel)
        at = len(self._files) - 1
        for _lead, name in _keyword_lines(text, _CONFIG_DEF, _CONFIG_LEAD):
            self._where.setdefault(name, []).append(at)
        return text

    def _glob(self, pattern: str) -> List[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(pattern))

    def _follow_sources(self, top: str) -> None:
        queue = [top]
        while queue:
            rel = queue.pop()
            text = self._add(rel)
            if text is None:
                continue
            for lead, target in _keyword_lines(text, _SOURCE, _SOURCE_LEAD):
                if lead.endswith("r"):  # rsource, orsource: relative to this file
                    target = f"{rel.rpartition('/')[0]}/{target}".lstrip("/")
                for arch in ("x86", "arm64"):
                    expanded = target.replace("$(SRCARCH)", arch).replace("$(HEADER_ARCH)", arch)
                    if "$(" in expanded or ".." in expanded.split("/"):
                        continue
                    if "*" in expanded or "?" in expanded:
                        self._globs[expanded] = self._glob(expanded)
                        queue += self._globs[expanded]
                    else:
                        queue.append(expanded)

    def _walk_all(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root):
            if dirpath == str(self.root):
                dirnames[:] = [d for d in dirnames if d not in (".git", "tools", "Documentation", "scripts")]
            for fn in filenames:
                if fn.startswith("Kconfig"):
                    self._add((Path(dirpath) / fn).relative_to(self.root).as_posix())

    def _symbol(self, name: str) -> Optional[_Symbol]:
        for at in self._load().get(name, ()):
            rel = self._files[at]
            if rel not in self._parsed:
                self._parsed.add(rel)
                entries = self._parse(rel, self._text(rel))
                self._add_entries(rel, entries)
                if self._stored is not None and self.cache is not None:
                    self._stored["parsed"][rel] = entries
                    self.cache.store("kconfig", self._stored)
        return self._symbols.get(name)

    def _add_entries(self, rel: str, entries: List[list]) -> None:
        for name, expr, determinate, arch_dir, lineno in entries:
            sym = self._symbols.setdefault(name, _Symbol())
            sym.definitions.append((expr, determinate, arch_dir))
            sym.locations.append(f"{rel}:{lineno}")

    def _parse(self, rel: str, text: str) -> List[list]:
        """Every ``config`` entry of one file: [name, condition, determinate, arch dir, line]."""
        entries: List[list] = []
        arch_dir = None
        if rel.startswith("arch/"):
            arch_dir = next((a for a in ("x86", "arm64") if rel.startswith(f"arch/{a}/")), "other")
        lines = text.replace("\\\n", " ").split("\n")
        blocks: List[Tuple[str, str]] = []  # ("if"/"menu", expr)
        menu_deps: List[List[str]] = []
        current: Optional[Tuple[str, List[str], List[str], bool, int]] = None
        help_indent: Optional[int] = None

        def finish() -> None:
            nonlocal current
            if current is None:
                return
            name, deps, defaults, has_prompt, lineno = current
            parts = [e for kind, e in blocks if e] + [d for m in menu_deps for d in m] + deps
            # Without a prompt, a def_bool's expression is the value; `def_bool n` is only
            # ever turned on by `select`, which hvlint does not follow: unknown.
            defaults = [d for d in defaults if d.strip() != "n"]
            determinate = not has_prompt and bool(defaults)
            if determinate:
                parts.append("(" + ") || (".join(defaults) + ")")
            expr = " && ".join(f"({p})" for p in parts) if parts else "y"
            entries.append([name, expr, determinate, arch_dir, lineno])
            current = None

        for lineno, raw in enumerate(lines, 1):
            line = raw.split("#", 1)[0].rstrip() if '"' not in raw else raw.rstrip()
            stripped = line.strip()
            indent = len(raw) - len(raw.lstrip())
            if help_indent is not None:
                if not stripped or indent > help_indent:
                    continue
                help_indent = None
            if not stripped:
                continue
            word, _, rest = stripped.partition(" ")
            rest = rest.strip()
            if word in ("config", "menuconfig"):
                finish()
                current = (rest, [], [], False, lineno)
            elif word in ("help", "---help---"):
                help_indent = indent
            elif word == "if":
                finish()
                blocks.append(("if", rest))
            elif word == "endif":
                finish()
                if blocks:
                    blocks.pop()
            elif word == "menu":
                finish()
                menu_deps.append([])
                current = None
            elif word == "endmenu":
                finish()
                if menu_deps:
                    menu_deps.pop()
            elif word in ("choice", "endchoice", "comment", "source", "rsource", "osource", "mainmenu"):
                finish()
            elif word == "depends" and rest.startswith("on"):
                expr = rest[2:].strip()
                if current is not None:
                    current[1].append(expr)
                elif menu_deps:
                    menu_deps[-1].append(expr)
            elif current is not None and word in ("def_bool", "def_tristate"):
                current[2].append(rest.split(" if ")[0])
            elif current is not None and word in ("bool", "tristate") and rest:
                current = (current[0], current[1], current[2], True, current[4])
            elif current is not None and word == "prompt":
                current = (current[0], current[1], current[2], True, current[4])
        finish()
        return entries

    def value(self, name: str, arch: str, depth: int = 0) -> Tri:
        """Can ``name`` be enabled when building ``arch``? True/False/None (unknown)."""
        for a, names in self.arch_symbols.items():
            if name in names:
                return a == arch
        if name in _NEVER:
            return False
        if name in ("y", "m"):
            return True
        if name == "n":
            return False
        key = (name, arch)
        if key in self._memo:
            return self._memo[key]
        if depth > 40:
            return None
        self._memo[key] = None  # cycle guard
        sym = self._symbol(name)
        if sym is None:
            result: Tri = None
        else:
            result = False
            for expr, determinate, arch_dir in sym.definitions:
                met = self.evaluate(expr, arch, depth + 1)
                if arch_dir is not None:  # defined in arch/<arch>/: exists only there
                    met = tri_and(met, arch_dir == arch)
                if met is True and not determinate:
                    met = None  # a prompt: the user may say no
                result = tri_or(result, met)
        self._memo[key] = result
        return result

    def evaluate(self, expr: str, arch: str, depth: int = 0) -> Tri:
        """Evaluate a Kconfig expression for ``arch``."""
        tokens = [m.group(1) or m.group(2) or "str" for m in _KTOKEN.finditer(expr)]
        pos = 0

        def primary() -> Tri:
            nonlocal pos
            if pos >= len(tokens):
                return None
            tok = tokens[pos]
            pos += 1
            if tok == "!":
                return tri_not(primary())
            if tok == "(":
                val = disjunction()
                if pos < len(tokens) and tokens[pos] == ")":
                    pos += 1
                return val
            val = self.value(tok, arch, depth) if tok not in ("str",) else None
            if pos < len(tokens) and tokens[pos] in ("=", "!="):
                op = tokens[pos]
                rhs = tokens[pos + 1] if pos + 1 < len(tokens) else ""
                pos += 2
                if rhs == "n":
                    return tri_not(val) if op == "=" else val
                if rhs in ("y", "m"):
                    return val if op == "=" else None
                return None
            return val

        def conjunction() -> Tri:
            nonlocal pos
            val = primary()
            while pos < len(tokens) and tokens[pos] == "&&":
                pos += 1
                val = tri_and(val, primary())
            return val

        def disjunction() -> Tri:
            nonlocal pos
            val = conjunction()
            while pos < len(tokens) and tokens[pos] == "||":
                pos += 1
                val = tri_or(val, conjunction())
            return val

        return disjunction()

    def only_arch(self, name: str) -> Optional[str]:
        """The one arch ``name`` can be enabled on, or None."""
        possible = [a for a in ARCHES if self.value(name, a) is not False]
        return possible[0] if len(possible) == 1 else None

    def where(self, name: str) -> str:
        """Where a symbol is defined, for messages."""
        sym = self._symbol(name)
        return sym.locations[0] if sym and sym.locations else "?"


class BuildClasses:
    """Answers "does the tree build this file only for one arch, and why?"."""

    def __init__(self, root: Path, kconfig: Kconfig) -> None:
        self.root = root
        self.kconfig = kconfig
        self._makefiles: Dict[str, List[Tuple[str, str, int]]] = {}
        self._cache: Dict[str, Optional[Tuple[str, str]]] = {}
        self._overlays: Dict[str, Optional[str]] = {}

    def set_overlay(self, relpath: str, text: Optional[str]) -> None:
        """Use ``text`` for a Makefile, Kbuild or Kconfig file instead of the disk (None:
        the file is deleted): a patch series that adds a file and the build rule for it is
        judged with its own rule."""
        if relpath.rpartition("/")[2].startswith("Kconfig"):
            self.kconfig.set_overlay(relpath, text)
        else:
            self._overlays[relpath] = text
            self._makefiles.pop(relpath.rpartition("/")[0], None)
        self._cache.clear()

    def arch_of(self, relpath: str) -> Optional[Tuple[str, str]]:
        """(arch, reason) when ``relpath`` is only built for one arch, else None."""
        if relpath not in self._cache:
            self._cache[relpath] = self._arch_of(relpath)
        return self._cache[relpath]

    def _arch_of(self, relpath: str) -> Optional[Tuple[str, str]]:
        directory, _, filename = relpath.rpartition("/")
        stem, dot, ext = filename.rpartition(".")
        gates: List[Tuple[str, str]] = []  # (symbol, where)
        if dot and ext == "c":
            gates += self._object_gates(directory, stem + ".o", 0)
        gates += self._dir_gates(directory)
        for sym, where in gates:
            arch = self.kconfig.only_arch(sym)
            if arch:
                return arch, (
                    f"built only for {arch}: {where} uses CONFIG_{sym}, "
                    f"which {self.kconfig.where(sym)} makes {arch}-only"
                )
        return None

    def _rules(self, directory: str) -> List[Tuple[str, str, int]]:
        if directory not in self._makefiles:
            rules: List[Tuple[str, str, int]] = []
            for name in ("Makefile", "Kbuild"):
                rel = f"{directory}/{name}" if directory else name
                try:
                    if rel in self._overlays:
                        text = self._overlays[rel]
                        if text is None:
                            continue
                    else:
                        text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                logical = text.replace("\\\n", " ").split("\n")
                for lineno, line in enumerate(logical, 1):
                    m = _OBJ_LINE.match(line.strip())
                    if m:
                        rules.append((f"{m.group(1)}-{m.group(2)}", m.group(3), lineno))
            self._makefiles[directory] = rules
        return self._makefiles[directory]

    def _object_gates(self, directory: str, obj: str, depth: int) -> List[Tuple[str, str]]:
        if depth > 4:
            return []
        gates = []
        makefile = f"{directory}/Makefile" if directory else "Makefile"
        for lhs, rhs, lineno in self._rules(directory):
            if obj not in rhs.split():
                continue
            target, _, cond = lhs.partition("-")
            syms = _CONFIG_REF.findall(cond)
            gates += [(s, f"{makefile}:{lineno}") for s in syms]
            if target not in ("obj", "lib"):  # part of a composite object: foo-y := bar.o
                gates += self._object_gates(directory, f"{target}.o", depth + 1)
        return gates

    def _dir_gates(self, directory: str) -> List[Tuple[str, str]]:
        gates = []
        while directory:
            parent, _, name = directory.rpartition("/")
            makefile = f"{parent}/Makefile" if parent else "Makefile"
            for lhs, rhs, lineno in self._rules(parent):
                if f"{name}/" in rhs.split():
                    gates += [(s, f"{makefile}:{lineno}") for s in _CONFIG_REF.findall(lhs)]
            directory = parent
        return gates
