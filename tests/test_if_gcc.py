"""hvlint's ``#if`` evaluation against gcc's preprocessor, on the table in tests/data/if_table.txt.

Each expression is judged per arch by hvlint (with the arch symbols of rules/paths.toml) and by
``gcc -E -undef`` with that arch's symbols defined. Every other identifier is free: gcc is run
with it undefined and defined to several values (a function-like macro where it is called, a
kernel version for LINUX_VERSION_CODE). Where hvlint gives true or false, gcc must give the same
in every such world without an error; where hvlint says unknown, gcc's answer must depend on
the free names, or gcc must reject the line in some world. x86 is x86_64 here: the 32-bit x86
symbols of rules/paths.toml are not used by the table.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

from hvlint import ruledata
from hvlint.c.cond import ArchSymbols, BuildMacros, ConditionEvaluator
from hvlint.c.tristate import ARCHES

TABLE = Path(__file__).resolve().parent / "data" / "if_table.txt"
ROWS = [line for line in TABLE.read_text().splitlines() if line.strip() and not line.startswith("#")]
DATA = ruledata.load()
SYMBOLS = ArchSymbols(DATA.pp_arch, DATA.pp_arch_prefixes, DATA.pp_other)
LEFT_OUT = {"CONFIG_X86_32", "__i386__"}  # x86 is x86_64 in the probes
DEFINED = {
    "x86": {"CONFIG_X86", "CONFIG_X86_64", "__x86_64__"},
    "arm64": {"CONFIG_ARM64", "__aarch64__"},
    "other": set(),
}
KEYWORDS = {"defined", "IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE", "KERNEL_VERSION"}
# The config tests and KERNEL_VERSION() as include/linux/kconfig.h and version.h define them
# (their meaning, written here afresh).
PRELUDE = """\
#define HVT_ONE_1 HVT_JUNK,
#define HVT_SECOND(a, b, ...) b
#define HVT_TAKE(list) HVT_SECOND(list 1, 0, 0)
#define HVT_PASTE(x) HVT_TAKE(HVT_ONE_##x)
#define HVT_DEF(x) HVT_PASTE(x)
#define IS_BUILTIN(option) HVT_DEF(option)
#define IS_MODULE(option) HVT_DEF(option##_MODULE)
#define IS_ENABLED(option) (IS_BUILTIN(option) || IS_MODULE(option))
#define IS_REACHABLE(option) (IS_BUILTIN(option) || (IS_MODULE(option) && HVT_DEF(MODULE)))
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
"""
NAME = re.compile(r"'(?:[^'\\]|\\.)*'|\b([A-Za-z_]\w*)\b(\s*\()?")


def pinned(name: str) -> bool:
    """Whether the arch decides ``name`` (an arch symbol, or the module form of one)."""
    base = name[: -len("_MODULE")] if name.endswith("_MODULE") else name
    return SYMBOLS.arch_of(base) not in (None, "other")


def free_names(expr: str, arch: str) -> Dict[str, Tuple[Optional[str], ...]]:
    """The names of ``expr`` the arch leaves open, each with the definitions to try
    (None: undefined; "(...) V": function-like)."""
    out: Dict[str, Tuple[Optional[str], ...]] = {}
    tests = set(re.findall(r"IS_\w+\(\s*(\w+)\s*\)", expr))
    if "IS_REACHABLE" in expr:
        out["MODULE"] = (None, "1")
    for m in NAME.finditer(expr):
        name = m.group(1)
        if not name or name in KEYWORDS or re.fullmatch(r"[uUlL]+|[0-9]\w*", name):
            continue
        assert name not in LEFT_OUT, f"{expr}: the probes do not model {name}"
        if name in tests:
            for form in (name, name + "_MODULE"):
                if not pinned(form) and not (arch != "other" and SYMBOLS.arch_of(form) == "other"):
                    out[form] = (None, "1")
        elif pinned(name) or (arch != "other" and SYMBOLS.arch_of(name) == "other"):
            continue
        elif m.group(2):
            out[name] = ("(...) 0", "(...) 1", "(...) 4")
        elif name == "LINUX_VERSION_CODE":
            out[name] = (None, str(0x60100), str(0x60C00), str(0x70208))
        elif name.startswith("CONFIG_"):
            out[name] = (None, "1")
        else:
            out[name] = (None, "0", "1", "2")
    return out


def worlds(expr: str, arch: str, decided: Set[str] = frozenset()) -> List[Dict[str, Optional[str]]]:
    """Every assignment of the free names of ``expr`` on ``arch`` but ``decided`` ones."""
    names = {n: v for n, v in free_names(expr, arch).items() if n not in decided}
    return [dict(zip(names, combo)) for combo in itertools.product(*names.values())]


def gcc_probe(
    rows: List[str], defined: Dict[str, str], per_row: List[List[Dict[str, Optional[str]]]]
) -> Dict[str, Set[str]]:
    """Per row, what gcc says over its worlds ("1", "0" or "error"), with ``defined`` set."""
    answers: Dict[str, Set[str]] = {expr: set() for expr in rows}
    for k in range(max(len(w) for w in per_row)):
        lines = PRELUDE.splitlines()
        lines += [f"#define {n} {v}" for n, v in sorted(defined.items())]
        where: Dict[int, int] = {}
        for r, expr in enumerate(rows):
            if k >= len(per_row[r]):
                continue
            for name, value in per_row[r][k].items():
                lines.append(f"#undef {name}")
                if value is not None:
                    lines.append(f"#define {name}{'' if value.startswith('(') else ' '}{value}")
            lines.append(f"#if {expr}")
            where[len(lines)] = r
            lines += [f"hvt_row_{r}_yes", "#else", f"hvt_row_{r}_no", "#endif"]
        run = subprocess.run(
            ["gcc", "-E", "-P", "-undef", "-std=gnu11", "-x", "c", "-"],
            input="\n".join(lines) + "\n", capture_output=True, text=True, check=False,
        )
        errors = {int(m.group(1)) for m in re.finditer(r"^<stdin>:(\d+):\d+: error:", run.stderr, re.M)}
        for line, r in where.items():
            if line in errors:
                answers[rows[r]].add("error")
            elif f"hvt_row_{r}_yes" in run.stdout:
                answers[rows[r]].add("1")
            else:
                assert f"hvt_row_{r}_no" in run.stdout, run.stderr
                answers[rows[r]].add("0")
    return answers


def gcc_answers(arch: str) -> Dict[str, Set[str]]:
    """Per row, what gcc says on ``arch`` over all the worlds of its free names."""
    return gcc_probe(ROWS, {n: "1" for n in DEFINED[arch]}, [worlds(expr, arch) for expr in ROWS])


@pytest.fixture(scope="module")
def gcc() -> Dict[str, Dict[str, Set[str]]]:
    if shutil.which("gcc") is None:
        pytest.skip("no gcc on PATH to compare the #if table with")
    return {arch: gcc_answers(arch) for arch in ARCHES}


def agrees(hvlint: Optional[bool], gcc: Set[str]) -> bool:
    if hvlint is None:
        return len(gcc) > 1 or "error" in gcc
    return gcc == {"1" if hvlint else "0"}


def test_the_table_agrees_with_gcc_on_every_row_and_arch(gcc):
    ev = ConditionEvaluator(SYMBOLS)
    wrong = []
    for expr in ROWS:
        for arch, truth in zip(ARCHES, ev.evaluate("if", expr)):
            if not agrees(truth, gcc[arch][expr]):
                wrong.append(f"{arch}: #if {expr}: hvlint {truth}, gcc {sorted(gcc[arch][expr])}")
    assert not wrong, "\n".join(wrong)


def test_the_table_reaches_every_kind_of_answer(gcc):
    """The table is no set of easy cases: known rows, unknown ones, rejected ones, and rows
    whose answer differs between the arches."""
    ev = ConditionEvaluator(SYMBOLS)
    results = {expr: ev.evaluate("if", expr) for expr in ROWS}
    assert sum(r == (True,) * 3 for r in results.values()) >= 30
    assert sum(r == (False,) * 3 for r in results.values()) >= 10
    assert sum(r == (None,) * 3 for r in results.values()) >= 15
    assert sum(len(set(r)) > 1 for r in results.values()) >= 12
    assert sum("error" in gcc["x86"][e] for e in ROWS) >= 8
    assert results["1 + 2 * 3 == 7"] == (True,) * 3
    assert results["defined(FOO) ? defined(CONFIG_X86) : defined(CONFIG_ARM64)"] == (None, None, False)


# An x86_64 build of 6.1 as its autoconf.h and command line have it: HYPERV as a module, the
# file built into it (-DMODULE), a few valued options.
BUILD = {
    "CONFIG_X86": "1", "CONFIG_X86_64": "1", "__x86_64__": "1", "__KERNEL__": "1", "MODULE": "1",
    "CONFIG_HYPERV_MODULE": "1", "CONFIG_HYPERV_TIMER": "1", "CONFIG_NR_CPUS": "8192", "CONFIG_HZ": "250",
    "CONFIG_PHYSICAL_START": "0x1000000", "LINUX_VERSION_CODE": str(0x60100),
}
BUILD_ROWS = [
    "CONFIG_NR_CPUS > 1 && CONFIG_HZ == 250", "CONFIG_HZ + 50 * 2 == 350", "CONFIG_PHYSICAL_START & 0xFFFFFF == 0",
    "(CONFIG_PHYSICAL_START & 0xFFFFFF) == 0", "CONFIG_NR_CPUS << 1 > CONFIG_HZ * 64", "CONFIG_HYPERV_TESTING + 1",
    "CONFIG_NR_CPUS / (CONFIG_HZ - 250)", "CONFIG_HZ == 251", "IS_ENABLED(CONFIG_HYPERV_TIMER) && !IS_MODULE(CONFIG_HYPERV)",
]


def test_a_builds_configuration_decides_as_gcc_does():
    """With one build's macros known on x86, a row that names only what the build decides gets
    gcc's answer for that build; one with other names is judged over their worlds as before."""
    if shutil.which("gcc") is None:
        pytest.skip("no gcc on PATH to compare the #if table with")
    rows = ROWS + BUILD_ROWS
    per_row = []
    for expr in rows:
        names = set(free_names(expr, "x86"))
        per_row.append(worlds(expr, "x86", {n for n in names if n.startswith("CONFIG_") or n in BUILD}))
    answers = gcc_probe(rows, BUILD, per_row)
    build = ConditionEvaluator(SYMBOLS, BuildMacros("x86", BUILD))
    plain = ConditionEvaluator(SYMBOLS)
    wrong, decided = [], 0
    for expr, row_worlds in zip(rows, per_row):
        truth = build.evaluate("if", expr)[0]
        if row_worlds == [{}]:  # the build decides every name: gcc's one answer, an error unknown
            decided += plain.evaluate("if", expr)[0] is None and truth is not None
            ok = truth == (None if answers[expr] == {"error"} else answers[expr] == {"1"})
        else:
            ok = agrees(truth, answers[expr])
        if not ok:
            wrong.append(f"#if {expr}: hvlint {truth}, gcc {sorted(answers[expr])}")
    assert not wrong, "\n".join(wrong)
    assert decided >= 15  # rows a plain run leaves unknown that the build decides
