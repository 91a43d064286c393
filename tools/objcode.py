"""The machine code of one object file, in a form two builds can be compared by.

Input is the text of ``objdump -d -r -t -w -z`` (disassembly of the executable sections,
relocations on the instruction they patch, the symbol table, zero runs shown). What is kept
and what is set aside:

- kept: every instruction's bytes and its mnemonic and operands, in order, per code section;
  every relocation's type, its place inside the instruction, its addend, and for a section
  symbol the section; the order in which functions and symbols appear.
- set aside: addresses (an instruction is identified by its place in the stream, a branch
  target by ``<symbol+offset>``), and symbol names: each name the symbol table defines or
  imports becomes ``S<n>`` by order of first appearance, so a renamed function keeps its
  instructions. Which names changed is reported beside the verdict (:func:`renamed`), and the
  caller decides whether the patch renamed them.
- never seen: data sections (``.rodata``, ``__bug_table``, strings, ``__func__``, ...), debug and
  line information, and the symbol table itself; ``objdump -d`` disassembles executable sections
  only, so a ``__LINE__`` kept in a WARN/BUG table cannot make a difference here, while one
  passed as an argument (an immediate in the code) can, and :func:`explain` says so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

SECTION = re.compile(r"^Disassembly of section (\S+):$")
LABEL = re.compile(r"^[0-9a-f]+ <(.+)>:$")
INSN = re.compile(r"^\s*([0-9a-f]+):\t((?:[0-9a-f]{2,8} ?)+)\s*(?:\t(.*))?$")
RELOC = re.compile(r"\t([0-9a-f]+): (R_\w+)\t(\S*)")
TARGET = re.compile(r"\b[0-9a-f]+ <([^>]+)>")
SYMTAB = re.compile(r"^[0-9a-f]+ (.{7}) (\S+)\t[0-9a-f]+ (?:\S+ )?(\S+)$")
ADDEND = re.compile(r"^(.*?)([+-]0x[0-9a-f]+)?$")
NUMBER = re.compile(r"0x[0-9a-f]+|\b\d+\b")
# Suffixes gcc appends to a clone or to a numbered local static (foo.constprop.0, x.12).
GCC_SUFFIX = re.compile(r"(\.(?:constprop|isra|part|cold|lto_priv)(?:\.\d+)?|\.\d+)+$")
# Prefixes of per-symbol sections (-ffunction-sections / -fdata-sections).
SECTION_PREFIXES = (
    ".text.unlikely.", ".text.hot.", ".text.startup.", ".text.", ".rodata.",
    ".data.rel.ro.", ".data.", ".bss.",
)


@dataclass
class Code:
    """One object's code: normalised lines to compare, and beside each its original text."""

    lines: List[str] = field(default_factory=list)
    shown: List[str] = field(default_factory=list)
    instructions: int = 0
    names: List[str] = field(default_factory=list)  # symbol names, S1 first


class _Namer:
    """Gives each symbol name ``S<n>`` by first appearance; other text passes unchanged."""

    def __init__(self, symbols: Set[str]) -> None:
        self.symbols = symbols
        self.index: Dict[str, str] = {}
        self.order: List[str] = []

    def name(self, text: str) -> str:
        """``S<n>`` for a symbol's name; a section's name through :meth:`section`."""
        if text not in self.symbols:
            return self.section(text)
        if text not in self.index:
            self.order.append(text)
            self.index[text] = f"S{len(self.order)}"
        return self.index[text]

    def section(self, text: str) -> str:
        """``.text.foo`` -> ``.text.S3`` when ``foo`` is a symbol; other names unchanged."""
        for prefix in SECTION_PREFIXES:
            if text.startswith(prefix) and text[len(prefix):] in self.symbols:
                return prefix + self.name(text[len(prefix):])
        return text

    def target(self, text: str) -> str:
        """``foo+0x1c`` -> ``S2+0x1c``; ``.rodata.str1.1-0x4`` stays (a section symbol)."""
        match = ADDEND.match(text)
        assert match is not None  # the pattern matches every string
        return self.name(match.group(1)) + (match.group(2) or "")


def symbol_names(text: str) -> Set[str]:
    """Names the symbol table part of ``objdump -t`` output defines or imports (not sections)."""
    names = set()
    for line in text.splitlines():
        match = SYMTAB.match(line)
        if match and match.group(1)[5] != "d":
            names.add(match.group(3))
    return names


def normalise(text: str) -> Code:
    """Read ``objdump -drtwz`` output into a :class:`Code` with addresses and names set aside."""
    namer = _Namer(symbol_names(text))
    code = Code()
    where = ""
    start = 0
    for raw in text.splitlines():
        if match := SECTION.match(raw):
            code.lines.append(f"section {namer.section(match.group(1))}")
            code.shown.append(raw)
            continue
        if match := LABEL.match(raw):
            where = match.group(1)
            code.lines.append(f"{namer.name(where)}:")
            code.shown.append(f"{where}:")
            continue
        match = INSN.match(raw)
        if not match:
            # a second relocation of one instruction gets a line of its own
            for place, kind, target in RELOC.findall(raw if raw.startswith("\t") else ""):
                code.lines.append(f"  reloc +{int(place, 16) - start} {kind} {namer.target(target)}")
                code.shown.append(f"{where}:   reloc {kind} {target}")
            continue
        start = int(match.group(1), 16)
        rest = match.group(3) or ""
        cut = RELOC.search(rest)
        asm, relocs = (rest[: cut.start()], rest[cut.start():]) if cut else (rest, "")
        asm = TARGET.sub(lambda m: "<" + namer.target(m.group(1)) + ">", asm)
        code.lines.append(f"{match.group(2).strip()}\t{' '.join(asm.split())}")
        code.shown.append(f"{where}: {' '.join(rest.split())}")
        code.instructions += 1
        for place, kind, target in RELOC.findall(relocs):
            code.lines.append(f"  reloc +{int(place, 16) - start} {kind} {namer.target(target)}")
            code.shown.append(f"{where}:   reloc {kind} {target}")
    code.names = namer.order
    return code


def base_name(name: str) -> str:
    """A symbol's name without the suffix gcc gives clones and numbered statics."""
    return GCC_SUFFIX.sub("", name)


def renamed(before: Code, after: Code) -> List[Tuple[str, str]]:
    """The (before, after) name pairs of symbols in the same place whose names differ."""
    return [(a, b) for a, b in zip(before.names, after.names) if a != b]


@dataclass
class Difference:
    """Where two objects' code first differs, and whether something other than a rename did it."""

    first: List[str]
    blocks: int
    why: str


def _numbers(line: str) -> Tuple[str, List[int]]:
    """An instruction line's text (bytes dropped) with numbers replaced, and the numbers."""
    asm = line.partition("\t")[2]
    values = [int(n, 16) if n.startswith("0x") else int(n) for n in NUMBER.findall(asm)]
    return NUMBER.sub("#", asm), values


def explain(old: Sequence[str], new: Sequence[str], line_moved: Callable[[int, int], bool]) -> str:
    """Why a block of differing lines differs: ``data offsets`` when only relocation addends
    into a section change (a string or table before it grew), ``line numbers`` when only numbers
    ``line_moved`` accepts as one source line before and after the patch change, else ``code``."""
    if len(old) != len(new):
        return "code"
    reasons = set()
    for a, b in zip(old, new):
        if a == b:
            continue
        if a.startswith("  reloc") and b.startswith("  reloc"):
            place_a, place_b = ADDEND.match(a), ADDEND.match(b)
            assert place_a is not None and place_b is not None
            if place_a.group(1) != place_b.group(1) or " ." not in place_a.group(1):
                return "code"
            reasons.add("data offsets")
            continue
        if a.startswith("  reloc") or b.startswith("  reloc"):
            return "code"
        shape_a, nums_a = _numbers(a)
        shape_b, nums_b = _numbers(b)
        changed = [(x, y) for x, y in zip(nums_a, nums_b) if x != y]
        if shape_a != shape_b or not changed or not all(line_moved(x, y) for x, y in changed):
            return "code"
        reasons.add("line numbers")
    return "data offsets" if "data offsets" in reasons else "line numbers"


def compare(
    before: Code,
    after: Code,
    line_moved: Callable[[int, int], bool] = lambda a, b: False,
    show: int = 6,
) -> Optional[Difference]:
    """None when the two are the same code; else the first ``show`` differing lines (``-``
    before, ``+`` after), how many blocks differ, and why (:func:`explain`, the worst block)."""
    if before.lines == after.lines:
        return None
    matcher = difflib.SequenceMatcher(a=before.lines, b=after.lines, autojunk=False)
    first: List[str] = []
    reasons: Set[str] = set()
    blocks = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        blocks += 1
        reasons.add(explain(before.lines[i1:i2], after.lines[j1:j2], line_moved))
        if len(first) < show:
            first += [f"- {line}" for line in before.shown[i1:i2]][: show - len(first)]
            first += [f"+ {line}" for line in after.shown[j1:j2]][: show - len(first)]
    for why in ("code", "data offsets", "line numbers"):
        if why in reasons:
            break
    return Difference(first, blocks, why)


@dataclass
class RenameRules:
    """What makes a changed symbol name a rename: identifiers the patch removes and adds, and
    every symbol (gcc's suffixes dropped) of the objects compared, before and after."""

    removed: Set[str]
    added: Set[str]
    before: Set[str]
    after: Set[str]
    new_names: Dict[str, Set[str]] = field(default_factory=dict)  # old base -> new bases
    old_names: Dict[str, Set[str]] = field(default_factory=dict)  # new base -> old bases

    @classmethod
    def of(
        cls, removed: Set[str], added: Set[str], pairs: Iterable[Tuple[Code, Code]]
    ) -> "RenameRules":
        """The rules for the (before, after) code of the objects of one arch."""
        both = list(pairs)
        rules = cls(
            removed, added,
            {base_name(n) for code, _ in both for n in code.names},
            {base_name(n) for _, code in both for n in code.names},
        )
        for old, new in both:
            for a, b in renamed(old, new):
                rules.new_names.setdefault(base_name(a), set()).add(base_name(b))
                rules.old_names.setdefault(base_name(b), set()).add(base_name(a))
        return rules


def unexplained_renames(pairs: Iterable[Tuple[str, str]], rules: RenameRules) -> List[str]:
    """Why each renamed symbol is no rename, for those neither gcc's numbering nor the patch
    explains. A pair passes when both names are one once gcc's suffixes go, or when the patch
    removes the old name and adds the new one, the new name was no symbol before, the old one
    is none after, and every object renames the old name to the new one and nothing else to
    it (so a call moved to another function, existing or renamed, is caught)."""
    left = []
    for a, b in pairs:
        base_a, base_b = base_name(a), base_name(b)
        if base_a == base_b:
            continue
        if base_a not in rules.removed or base_b not in rules.added:
            left.append(f"{a} -> {b}: not a rename the patch makes")
        elif base_b in rules.before:
            left.append(f"{a} -> {b}: {base_b} is a symbol before the patch too")
        elif base_a in rules.after:
            left.append(f"{a} -> {b}: {base_a} is a symbol after the patch too")
        elif len(rules.new_names.get(base_a, ())) > 1 or len(rules.old_names.get(base_b, ())) > 1:
            others = sorted(rules.new_names.get(base_a, set()) | rules.old_names.get(base_b, set()))
            left.append(f"{a} -> {b}: not one rename in every object ({', '.join(others)})")
    return left
