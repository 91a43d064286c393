"""A kernel-shaped git repository for the pre-commit hook tests, and the changes made to it.

The base tree is tests/data/precommit/tree: x86 and arm64 hyperv-tlfs.h with MSRs, VP
registers and HV_SYN_REG_* aliases, and drivers/hv code that still holds old findings
(marked ``/* expect: TYPE */``) which no later change may be blamed for. Each change
below marks the lines it adds that must be reported the same way; a change without
markers must produce nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Dict, Optional

from git_support import clean_env, run_git

TREE = Path(__file__).parent / "data" / "precommit" / "tree"
HV_C = "drivers/hv/hv.c"
COMMON_C = "drivers/hv/hv_common.c"
X86_H = "arch/x86/include/asm/hyperv-tlfs.h"
ARM64_H = "arch/arm64/include/asm/hyperv-tlfs.h"

EXPECT = re.compile(r"/\* expect: ([A-Z0-9_ ]+?) \*/")
# gcc-style text output: path:line:col: severity: message [HV103 GENERIC_REG_PREFIX]
TEXT_FINDING = re.compile(
    r"^(\S+):(\d+):(\d+): (?:error|warning|note): .* \[HV\d+ ([A-Z0-9_]+)\]", re.M
)

# The change of the issue: a new caller passes an x86 MSR name to the generic accessor.
BAD_SCONTROL = """
void hv_synic_disable_sctrl(void)
{
	u64 v = hv_get_register(HV_SYN_REG_SCONTROL) & ~1ULL;

	hv_set_register(HV_REGISTER_SCONTROL, v);	/* expect: GENERIC_REG_PREFIX */
}
"""
# The same function, correctly named: it must pass although hv.c holds old findings.
GOOD_SCONTROL = BAD_SCONTROL.replace(
    "hv_set_register(HV_REGISTER_SCONTROL, v);	/* expect: GENERIC_REG_PREFIX */",
    "hv_set_register(HV_SYN_REG_SCONTROL, v);",
)

# A new alias and its first user, in two files: whether the user is right depends on
# the header, so the header must be known however the file list is split.
TSC_MSR_X86 = "#define HV_X64_MSR_TSC_FREQUENCY	0x40000022\n"
TSC_ALIAS_X86 = "#define HV_SYN_REG_TSC_FREQUENCY	HV_X64_MSR_TSC_FREQUENCY\n"
TSC_REG_ARM64 = "#define HV_REGISTER_TSC_FREQUENCY	0x00090018\n"
TSC_ALIAS_ARM64 = "#define HV_SYN_REG_TSC_FREQUENCY	HV_REGISTER_TSC_FREQUENCY\n"
TSC_USER = """
u64 hv_tsc_frequency(void)
{
	return hv_get_register(HV_SYN_REG_TSC_FREQUENCY);{marker}
}
"""
TSC_USER_X86_ONLY = TSC_USER.replace("{marker}", "	/* expect: SYN_REG_ALIAS */")
TSC_USER_BOTH = TSC_USER.replace("{marker}", "")


def git_env(home: Path, base: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """An environment where git and pre-commit see no user or system configuration and
    nothing from an outer git hook or pre-commit run."""
    config = home / "gitconfig"
    if not config.exists():
        home.mkdir(parents=True, exist_ok=True)
        config.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    return clean_env(
        ("Hyper-V Dev", "hv@example.invalid"),
        drop=("GIT_", "PRE_COMMIT"),
        base=base,
        GIT_CONFIG_GLOBAL=str(config),
    )


def git(repo: Path, *args: str, env: Optional[Dict[str, str]] = None) -> str:
    """Run git in ``repo``; its stdout, or an assertion error with its stderr."""
    return run_git(repo, args, os.environ if env is None else env).stdout.decode("utf-8", "replace")


def make_repo(path: Path, env: Optional[Dict[str, str]] = None) -> Path:
    """A git repository holding the base tree in one commit on ``main``."""
    shutil.copytree(TREE, path)
    git(path, "init", "-q", "-b", "main", env=env)
    git(path, "add", "-A", env=env)
    git(path, "commit", "-q", "-m", "Base tree", env=env)
    return path


def append(repo: Path, relpath: str, text: str) -> Counter:
    """Append ``text`` to a file; return the findings its markers expect, (path, line, TYPE)."""
    path = repo / relpath
    old = path.read_text(encoding="utf-8")
    path.write_text(old + text, encoding="utf-8")
    return _expected(relpath, text, old.count("\n"))


def insert_after(repo: Path, relpath: str, anchor: str, text: str) -> Counter:
    """Insert ``text`` after the line holding ``anchor``; return what its markers expect."""
    path = repo / relpath
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if anchor in line) + 1
    path.write_text("".join(lines[:at]) + text + "".join(lines[at:]), encoding="utf-8")
    return _expected(relpath, text, at)


def _expected(relpath: str, text: str, lines_before: int) -> Counter:
    out: Counter = Counter()
    for n, line in enumerate(text.splitlines(), lines_before + 1):
        for m in EXPECT.finditer(line):
            for type_ in m.group(1).split():
                out[(relpath, n, type_)] += 1
    return out


def old_findings(relpath: str) -> Counter:
    """What the base tree's markers expect in one file."""
    return _expected(relpath, (TREE / relpath).read_text(encoding="utf-8"), 0)


def reported(output: str) -> Counter:
    """(path, line, TYPE) of every gcc-style finding in ``output``."""
    return Counter((m.group(1), int(m.group(2)), m.group(4)) for m in TEXT_FINDING.finditer(output))


def commit(
    repo: Path, subject: str, env: Optional[Dict[str, str]] = None, verify: bool = True
) -> str:
    """Commit everything in the work tree (through the hooks unless ``verify`` is False);
    return the commit id."""
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", *([] if verify else ["--no-verify"]), "-m", subject, env=env)
    return git(repo, "rev-parse", "HEAD", env=env).strip()
