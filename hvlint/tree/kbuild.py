"""Which Kconfig conditions the Makefiles (or Kbuild files) put on building a C file.

A file ``d/foo.c`` is built when some rule puts ``foo.o`` in ``obj-``/``lib-`` of
``d/Makefile`` and ``d/`` itself is built, or ``foo.o`` is part of a composite object
(``bar-y := foo.o``, ``bar-objs``) that is built. Every such way is one alternative: a list
of terms that must all hold, each a Kconfig expression (``MSHV_ROOT``, ``y``, ``$`` for a
condition hvlint cannot read) with the Makefile line it comes from. The file is built
wherever any alternative holds.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Tuple

from hvlint.tree.kconfig_parse import logical_lines

Term = Tuple[str, str]  # (Kconfig expression, "dir/Makefile:line")
Alternative = List[Term]

_ASSIGN = re.compile(r"^([A-Za-z0-9_-]+?)-(y|m|objs|\$\((?:[^()]|\([^()]*\))*\))\s*[:+?]?=\s*(.*)$")
_CONFIG_REF = re.compile(r"^\$\((?:subst\s+m\s*,\s*y\s*,\s*)?\$?\(?CONFIG_([A-Za-z0-9_]+)\)?\)$")
_CONFIG_ANY = re.compile(r"\$\(CONFIG_([A-Za-z0-9_]+)\)")
_IFDEF = re.compile(r"^(ifdef|ifndef)\s+CONFIG_([A-Za-z0-9_]+)$")
_IFEQ = re.compile(r"^(ifeq|ifneq)\s*\(\s*((?:\$\(CONFIG_[A-Za-z0-9_]+\)\s*)+),\s*(y|m|)\s*\)$")
_MAX_DEPTH = 8
BUILD_FILES = ("Kbuild", "Makefile")  # read in this order in every folder


def _lhs_condition(cond: str) -> str:
    """The Kconfig expression of ``y``/``m``/``objs``/``$(CONFIG_X)``/``$(subst m,y,$(CONFIG_X))``."""
    if cond in ("y", "m", "objs"):
        return "y"
    m = _CONFIG_REF.match(cond)
    return m.group(1) if m else "$"


def _if_condition(line: str) -> Optional[str]:
    """The Kconfig expression of a Makefile ``ifdef``/``ifeq`` line ("$" if unreadable),
    or None when the line opens no conditional."""
    m = _IFDEF.match(line)
    if m:
        return m.group(2) if m.group(1) == "ifdef" else f"!{m.group(2)}"
    m = _IFEQ.match(line)
    if m:
        syms = _CONFIG_ANY.findall(m.group(2))
        if m.group(3) == "":  # ($(CONFIG_A)$(CONFIG_B),): all of them unset
            some = " || ".join(syms)
            return f"!({some})" if m.group(1) == "ifeq" else f"({some})"
        if len(syms) == 1 and m.group(1) == "ifeq":
            return f"{syms[0]} = {m.group(3)}"
        return "$"
    if line.startswith(("ifeq", "ifneq", "ifdef", "ifndef")):
        return "$"
    return None


class Rule:
    """One ``target-cond := objects`` line of a Makefile with the ``ifdef`` blocks around it."""

    __slots__ = ("target", "condition", "objects", "where")

    def __init__(self, target: str, condition: str, objects: List[str], where: str) -> None:
        self.target, self.condition, self.objects, self.where = target, condition, objects, where


def read_rules(text: str, makefile: str) -> List[Rule]:
    """The object rules of one Makefile or Kbuild file."""
    rules: List[Rule] = []
    blocks: List[str] = []  # the condition of each open ifdef/ifeq, "!(...)" after else
    for lineno, raw in logical_lines(text):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        opened = _if_condition(line)
        if opened is not None:
            blocks.append(opened)
            continue
        if line.startswith("else"):
            if blocks:
                blocks[-1] = f"!({blocks[-1]})"
            rest = line[4:].strip()
            nested = _if_condition(rest) if rest else None
            if nested is not None:  # else ifeq ...: one more level, closed by the same endif
                blocks[-1] = f"({blocks[-1]}) && ({nested})"
            continue
        if line == "endif" or line.startswith("endif "):
            if blocks:
                blocks.pop()
            continue
        m = _ASSIGN.match(line)
        if not m:
            continue
        parts = [c for c in [*blocks, _lhs_condition(m.group(2))] if c != "y"]
        cond = parts[0] if len(parts) == 1 else " && ".join(f"({c})" for c in parts) or "y"
        rules.append(Rule(m.group(1), cond, m.group(3).split(), f"{makefile}:{lineno}"))
    return rules


class Kbuild:
    """The tree's Makefiles, read on demand, answering "under which conditions is this
    file built?"."""

    def __init__(self, read: Callable[[str], Optional[str]]) -> None:
        self._read = read  # root-relative path -> text, or None when absent
        self._rules: Dict[str, List[Rule]] = {}
        self._extra: Dict[str, List[Rule]] = {}  # folder -> rules known from elsewhere

    def forget(self, directory: str) -> None:
        """Read ``directory``'s Makefile again on the next question."""
        self._rules.pop(directory, None)

    def add_rules(self, directory: str, rules: List[Rule]) -> None:
        """Count ``rules`` as rules of ``directory`` besides its files' own (the lines a
        patch adds to a Makefile it cannot be applied to)."""
        self._extra.setdefault(directory, []).extend(rules)
        self.forget(directory)

    def rules(self, directory: str) -> List[Rule]:
        """The object rules of ``directory``'s Kbuild and Makefile."""
        if directory not in self._rules:
            rules: List[Rule] = []
            for name in BUILD_FILES:
                rel = f"{directory}/{name}" if directory else name
                text = self._read(rel)
                if text is not None:
                    rules += read_rules(text, rel)
            self._rules[directory] = rules + self._extra.get(directory, [])
        return self._rules[directory]

    def file_alternatives(self, relpath: str) -> List[Alternative]:
        """Every way the tree can build the C file ``relpath`` (empty: no rule builds it)."""
        directory, _, filename = relpath.rpartition("/")
        stem, dot, ext = filename.rpartition(".")
        if not dot or ext != "c":
            return []
        return self._object(directory, stem + ".o", 0)

    def _object(self, directory: str, obj: str, depth: int) -> List[Alternative]:
        if depth > _MAX_DEPTH:
            return [[("$", f"{directory}/Makefile: composite objects nested too deep")]]
        found: List[Alternative] = []
        for rule in self.rules(directory):
            if obj not in rule.objects:
                continue
            term = (rule.condition, rule.where)
            if rule.target in ("obj", "lib"):
                outer = self.directory_alternatives(directory)
            else:  # part of a composite object: foo-y := bar.o
                outer = self._object(directory, f"{rule.target}.o", depth + 1)
            found += [[term, *alt] for alt in outer]
        return found

    def directory_alternatives(self, directory: str, depth: int = 0) -> List[Alternative]:
        """Every way the tree descends into ``directory``: an ``obj-... += name/`` of a
        folder above it. A top-level folder is always descended into; one that no
        Makefile above names is unknown."""
        if "/" not in directory:
            return [[]]
        if depth > _MAX_DEPTH:
            return [[("$", f"{directory}: folders nested too deep")]]
        found: List[Alternative] = []
        parts = directory.split("/")
        for cut in range(len(parts) - 1, 0, -1):  # the parent first, then further up
            above, below = "/".join(parts[:cut]), "/".join(parts[cut:]) + "/"
            for rule in self.rules(above):
                if rule.target in ("obj", "subdir") and below in rule.objects:
                    found += [[(rule.condition, rule.where), *alt] for alt in self.directory_alternatives(above, depth + 1)]
            if found:
                return found
        return [[("$", f"no Makefile above {directory}/ names it")]]

