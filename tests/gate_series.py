"""A kernel-shaped git repository and a Hyper-V patch series, made for real with git.

The base tree is tests/data/gate/tree (x86 and arm64 hyperv-tlfs.h with MSRs, VP registers
and HV_SYN_REG_* aliases; drivers/hv code calling the generic accessors; a legacy
hv_synic_free() that still passes HV_REGISTER_* names, which no patch may be blamed for).
``SERIES`` is nine commits on top of it. Every line a commit adds that must be reported
carries its expectation inline, ``/* expect: TYPE [TYPE...] */``; a commit without such
markers must produce nothing. The first four commits are clean (``CLEAN``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from git_support import clean_env, run_git
from hvlint import ruledata

TREE = Path(__file__).parent / "data" / "gate" / "tree"
EXPECT = "/* expect:"


@dataclass
class Step:
    """One commit: a subject, a body and edits to the tree."""

    subject: str
    body: str
    # ("replace", path, old, new) | ("write", path, text) | ("delete", path)
    edits: List[Tuple[str, ...]] = field(default_factory=list)


X86 = "arch/x86/include/asm/hyperv-tlfs.h"
ARM64 = "arch/arm64/include/asm/hyperv-tlfs.h"
HV_C = "drivers/hv/hv.c"
COMMON = "drivers/hv/hv_common.c"

STIMER_C = """\
// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic timer 0, programmed through the arch-neutral register aliases
 * so that the same code serves x86 and arm64.
 */

#include <linux/types.h>
#include <asm/mshyperv.h>

#define HV_STIMER_ENABLE	BIT(0)
#define HV_STIMER_AUTOENABLE	BIT(3)

void hv_stimer0_start(u64 count, u32 sint)
{
	u64 config = HV_STIMER_ENABLE | HV_STIMER_AUTOENABLE | ((u64)sint << 16);

	hv_set_register(HV_SYN_REG_STIMER0_COUNT, count);
	hv_set_register(HV_SYN_REG_STIMER0_CONFIG, config);
}

void hv_stimer0_stop(void)
{
	hv_set_register(HV_SYN_REG_STIMER0_CONFIG, 0);
	hv_set_register(HV_SYN_REG_STIMER0_COUNT, 0);
}
"""

SERIES: List[Step] = [
    Step(
        "x86/hyperv: Define synthetic aliases for the stimer0 MSRs",
        (
            "Arch-neutral code is about to program synthetic timer 0; give it the\n"
            "aliases it needs on x86."
        ),
        [
            (
                "replace",
                X86,
                "#define HV_SYN_REG_SINT0		HV_X64_MSR_SINT0\n",
                (
                    "#define HV_SYN_REG_SINT0		HV_X64_MSR_SINT0\n"
                    "#define HV_SYN_REG_STIMER0_CONFIG	HV_X64_MSR_STIMER0_CONFIG\n"
                    "#define HV_SYN_REG_STIMER0_COUNT	HV_X64_MSR_STIMER0_COUNT\n"
                ),
            )
        ],
    ),
    Step(
        "arm64/hyperv: Define synthetic aliases for the stimer0 registers",
        "The same aliases on arm64, mapped to the VP registers.",
        [
            (
                "replace",
                ARM64,
                "#define HV_SYN_REG_SINT0		HV_REGISTER_SINT0\n",
                (
                    "#define HV_SYN_REG_SINT0		HV_REGISTER_SINT0\n"
                    "#define HV_SYN_REG_STIMER0_CONFIG	HV_REGISTER_STIMER0_CONFIG\n"
                    "#define HV_SYN_REG_STIMER0_COUNT	HV_REGISTER_STIMER0_COUNT\n"
                ),
            )
        ],
    ),
    Step(
        "Drivers: hv: Program stimer0 through the synthetic aliases",
        "Move the stimer0 helpers to arch-neutral code.",
        [
            ("write", "drivers/hv/hv_stimer.c", STIMER_C),
            ("replace", "drivers/hv/Makefile", "hv.o hv_common.o", "hv.o hv_common.o hv_stimer.o"),
        ],
    ),
    Step(
        "Drivers: hv: Convert hv_synic_free() to the synthetic aliases",
        "The last two generic accessor calls that still named arch registers.",
        [
            (
                "replace",
                HV_C,
                (
                    " * Not converted to the synthetic aliases yet.\n */\n"
                    "void hv_synic_free(void)\n{\n"
                    "\thv_set_register(HV_REGISTER_SIEFP, 0);\n"
                    "\thv_set_register(HV_REGISTER_SIMP, 0);\n"
                ),
                (
                    " */\nvoid hv_synic_free(void)\n{\n"
                    "\thv_set_register(HV_SYN_REG_SIEFP, 0);\n"
                    "\thv_set_register(HV_SYN_REG_SIMP, 0);\n"
                ),
            )
        ],
    ),
    Step(
        "x86/hyperv: Name the reference counter MSR like the arm64 register",
        "Lets the clocksource read it under one name.",
        [
            (
                "replace",
                X86,
                "#define HV_X64_MSR_TIME_REF_COUNT		0x40000020\n",
                (
                    "#define HV_X64_MSR_TIME_REF_COUNT		0x40000020\n"
                    "#define HV_REGISTER_TIME_REF_COUNT		HV_X64_MSR_TIME_REF_COUNT"
                    "	/* expect: HV_REGISTER_MSR */\n"
                ),
            )
        ],
    ),
    Step(
        "Drivers: hv: Read the partition reference counter",
        "A helper for the clocksource.",
        [
            (
                "replace",
                COMMON,
                "u32 *hv_vp_index;\n",
                (
                    "u32 *hv_vp_index;\n\n"
                    "u64 hv_read_reference_counter(void)\n{\n"
                    "\treturn hv_get_register(HV_REGISTER_TIME_REF_COUNT);"
                    "\t/* expect: GENERIC_REG_PREFIX */\n"
                    "}\n"
                ),
            )
        ],
    ),
    Step(
        "Drivers: hv: Enable the SynIC message page",
        "Read the message page MSR when enabling the SynIC.",
        [
            (
                "replace",
                HV_C,
                "\t/* Enable the global synic bit */\n"
                "\tsctrl.as_uint64 = hv_get_register(HV_SYN_REG_SCONTROL);\n",
                (
                    "\tu64 simp;\n\n"
                    "\t/* The message page: HV_REGISTER_SIMP on arm64, HV_X64_MSR_SIMP on x86 */\n"
                    "\trdmsrl(HV_X64_MSR_SIMP, simp);"
                    "\t/* expect: X86_NAME_IN_GENERIC X86_NAME_IN_GENERIC */\n"
                    '\tpr_debug("HV_X64_MSR_SIMP %llx\\n", simp);\n'
                    "#ifdef CONFIG_X86	/* expect: ARCH_IFDEF_IN_GENERIC */\n"
                    "\twrmsrl(HV_X64_MSR_EOM, 0);\n"
                    "#endif\n\n"
                    "\t/* Enable the global synic bit */\n"
                    "\tsctrl.as_uint64 = hv_get_register(HV_SYN_REG_SCONTROL);\n"
                ),
            )
        ],
    ),
    Step(
        "arm64/hyperv: Add a synthetic alias for the reference TSC register",
        "Only arm64 so far; x86 follows in a later series.",
        [
            (
                "replace",
                ARM64,
                "#define HV_SYN_REG_SINT0		HV_REGISTER_SINT0\n",
                (
                    "#define HV_SYN_REG_SINT0		HV_REGISTER_SINT0\n"
                    "#define HV_SYN_REG_REFERENCE_TSC	HV_REGISTER_REFERENCE_TSC\n"
                ),
            )
        ],
    ),
    Step(
        "Drivers: hv: Read the TSC page address through its alias",
        "Uses the alias of the previous patch.",
        [
            (
                "replace",
                COMMON,
                "\thv_vp_index[cpu] = msr_vp_index;\n",
                (
                    "\thv_vp_index[cpu] = msr_vp_index;\n"
                    "\tif (!cpu)\n"
                    '\t\tpr_debug("tsc page %llx\\n",\n'
                    "\t\t\t hv_get_register(HV_SYN_REG_REFERENCE_TSC));"
                    "\t/* expect: SYN_REG_ALIAS */\n"
                ),
            )
        ],
    ),
]
CLEAN = SERIES[:4]


AUTHOR = ("Hyper-V Tester", "tester@example.invalid")


def git_env(home: Path, fixed_dates: bool = True) -> Dict[str, str]:
    """An environment where git reads no user or system config (and, by default, dates are
    fixed, so commit ids are the same on every run). The console script's folder leads PATH."""
    env = clean_env(
        AUTHOR,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    if fixed_dates:
        env.update(
            GIT_AUTHOR_DATE="2024-03-01T12:00:00+00:00",
            GIT_COMMITTER_DATE="2024-03-01T12:00:00+00:00",
        )
    return env


def hvlint_command() -> List[str]:
    """The installed console script (tests run hvlint as users do)."""
    env = git_env(Path("."))
    found = shutil.which("hvlint", path=env["PATH"])
    assert found, "the hvlint console script is not installed (pip install -e .)"
    return [found]


def run_hvlint(
    args: Sequence[str], cwd: Path, stdin: Optional[bytes] = None, home: Optional[Path] = None
) -> subprocess.CompletedProcess:
    """Run ``hvlint ARGS`` in ``cwd``; stdin is /dev/null unless given."""
    env = git_env(home or cwd.parent)
    return subprocess.run(
        [*hvlint_command(), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )


def git(repo: Path, *args: str, env: Optional[Dict[str, str]] = None, stdin: bytes = b"") -> str:
    """Run git in ``repo`` and return its stdout (fail the test on error)."""
    proc = run_git(repo, args, env or git_env(repo.parent), stdin)
    return proc.stdout.decode("utf-8", "replace")


def make_repo(dest: Path) -> Path:
    """Copy the base tree to ``dest``, make it a git repo, commit it and tag it ``base``."""
    shutil.copytree(TREE, dest)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.name", AUTHOR[0])
    git(dest, "config", "user.email", AUTHOR[1])
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "Linux 6.8-rc1")
    git(dest, "tag", "base")
    return dest


def apply_step(repo: Path, step: Step, env: Optional[Dict[str, str]] = None) -> str:
    """Make the edits of ``step`` and commit them; return the commit id."""
    for edit in step.edits:
        kind, path = edit[0], repo / edit[1]
        if kind == "write":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit[2])
        elif kind == "replace":
            text = path.read_text()
            assert text.count(edit[2]) == 1, f"{edit[1]}: edit anchor not found once: {edit[2]!r}"
            path.write_text(text.replace(edit[2], edit[3]))
        elif kind == "delete":
            path.unlink()
        else:
            raise ValueError(kind)
    git(repo, "add", "-A", env=env)
    message = f"{step.subject}\n\n{step.body}\n\nSigned-off-by: {AUTHOR[0]} <{AUTHOR[1]}>"
    git(repo, "commit", "-q", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD", env=env).strip()


def apply_series(repo: Path, steps: Sequence[Step]) -> List[str]:
    """Commit every step; return the commit ids in order."""
    return [apply_step(repo, step) for step in steps]


def expected(
    repo: Path, shas: Sequence[str], steps: Sequence[Step], strict: bool = False
) -> Counter:
    """The findings the markers promise: Counter of (patch index, path, line, TYPE)."""
    data = ruledata.load()
    strict_only = {r.type for r in data.rules if r.strict_only}
    out: Counter = Counter()
    for index, (sha, step) in enumerate(zip(shas, steps), 1):
        for edit in step.edits:
            new_text = edit[-1] if edit[0] in ("write", "replace") else ""
            marked = [line for line in new_text.split("\n") if EXPECT in line]
            if not marked:
                continue
            post = git(repo, "show", f"{sha}:{edit[1]}").split("\n")
            for line in marked:
                assert post.count(line) == 1, f"marker line not unique: {line!r}"
                types = line.split(EXPECT, 1)[1].split("*/", 1)[0].split()
                for t in types:
                    if t in strict_only and not strict:
                        continue
                    out[(index, edit[1], post.index(line) + 1, t)] += 1
    return out
