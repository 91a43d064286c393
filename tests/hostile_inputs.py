"""Shared pieces of the hostile-input tests: a small kernel-shaped tree, a way to run the real
``hvlint`` command with a hang detector and a memory cap, and a digest that proves no file
was changed.

The tree is written for these tests: an x86 header that names a synthetic MSR
``HV_REGISTER_SCONTROL`` (pre-v6.9 layout), an arm64 header with the VP register of the same
name, and a drivers/hv file whose generic accessor call takes the wrong prefix, so every run
has a known finding that must survive whatever hostile file sits next to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

# A hang detector, not a benchmark: far above what any of these inputs needs when handled
# linearly, far below what a quadratic scan of them would take.
TIMEOUT = 240
# Address-space cap for hvlint: runaway memory becomes an error (and a failed test) here
# instead of a machine that swaps.
MEMORY_CAP = 3 << 30

X86_TLFS = """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#define HV_X64_MSR_GUEST_OS_ID\t\t0x40000000
#define HV_REGISTER_SCONTROL\t\t0x40000080
#define HV_SYN_REG_SCONTROL\t\tHV_X64_MSR_SCONTROL
#define HV_X64_MSR_SCONTROL\t\t0x40000080

#endif
"""

ARM64_TLFS = """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_ARM64_HYPERV_TLFS_H
#define _ASM_ARM64_HYPERV_TLFS_H

#define HV_REGISTER_SCONTROL\t\t0x000A0010
#define HV_SYN_REG_SCONTROL\t\tHV_REGISTER_SCONTROL

#endif
"""

# The known finding: HV103, line 7 (the generic accessor takes HV_REGISTER_SCONTROL).
HV_C = """\
// SPDX-License-Identifier: GPL-2.0-only
#include <asm/mshyperv.h>

void hv_synic_enable_regs(unsigned int cpu)
{
\tu64 sctrl = 1;
\thv_set_register(HV_REGISTER_SCONTROL, sctrl);
}
"""
KNOWN_PATH, KNOWN_LINE = "drivers/hv/hv.c", 7

BAD_CALL = "hv_set_register(HV_REGISTER_SCONTROL, 0);"


def write_tree(root: Path) -> Path:
    """A minimal kernel-shaped tree with one known finding; returns ``root``."""
    files = {
        "Kconfig": 'mainmenu "test tree"\n',
        "Makefile": "VERSION = 6\n",
        "arch/x86/include/asm/hyperv-tlfs.h": X86_TLFS,
        "arch/arm64/include/asm/hyperv-tlfs.h": ARM64_TLFS,
        KNOWN_PATH: HV_C,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def tree_digest(root: Path) -> Dict[str, Tuple]:
    """Every entry under root: type, mode, size and content hash (symlinks not followed,
    FIFOs never opened), so a run that changes, adds or removes anything is caught."""
    out: Dict[str, Tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                if st.st_mode & 0o444 or os.geteuid() == 0:
                    with open(path, "rb") as fh:
                        for block in iter(lambda: fh.read(1 << 20), b""):
                            h.update(block)
                out[rel] = ("file", stat.S_IMODE(st.st_mode), st.st_size, h.hexdigest())
            else:
                out[rel] = ("other", stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))
    return out


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@dataclass
class Outcome:
    """What one hvlint run did."""

    rc: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> List[str]:
        """Non-empty stderr lines."""
        return [line for line in self.stderr.splitlines() if line.strip()]

    def json(self) -> dict:
        """stdout parsed as hvlint's JSON report."""
        return json.loads(self.stdout)

    def findings_at(self, path: str) -> List[dict]:
        """JSON findings of one root-relative path."""
        return [f for f in self.json()["findings"] if f["path"] == path]


def hvlint(
    args: Sequence[str], cwd: Path, stdin: Optional[bytes] = None, prelude: str = ""
) -> Outcome:
    """Run the real hvlint (``python -m hvlint``) under the hang detector and memory cap.

    ``prelude`` is Python run before hvlint's main in the same process (an audit hook).
    """
    if prelude:
        argv = [
            sys.executable,
            "-c",
            prelude + "\nimport sys\nfrom hvlint.cli import main\nsys.exit(main(sys.argv[1:]))",
            *args,
        ]
    else:
        argv = [sys.executable, "-m", "hvlint", *args]
    proc = subprocess.run(
        argv,
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=TIMEOUT,
        preexec_fn=_cap_memory,
    )
    return Outcome(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def assert_orderly(out: Outcome) -> None:
    """A normal result or a one-line error: exit 0, 1 or 2, no traceback, every stderr line
    an ``hvlint:`` message of sane length, and a reason whenever the exit is 2."""
    assert "Traceback" not in out.stderr, out.stderr[-4000:]
    assert out.rc in (0, 1, 2), (out.rc, out.stderr[-4000:])
    for line in out.error_lines:
        assert line.startswith("hvlint: "), out.stderr[-4000:]
        assert len(line) < 2000, line[:200] + "..."
    if out.rc == 2:
        assert out.error_lines, "exit 2 without a reason on stderr"


# --- 1 MB adversarial lines ---------------------------------------------------------------
# Each builder makes about n characters (1 MiB in the tests) of text built to push one scanner
# step towards quadratic work: unclosed brackets and calls (bracket matching), long runs before
# a call (the look-back), literal and comment starts (the blanker), enum bodies (entry
# splitting), directives continued for a megabyte, and long #elif chains (the #if stack).
MIB = 1 << 20


def _rep(n: int, unit: str, head: str = "", tail: str = "\n") -> str:
    """About n characters: head, unit repeated, tail."""
    return head + unit * ((n - len(head)) // len(unit)) + tail


ADVERSARIAL = {
    "open-parens-in-call": lambda n: _rep(n, "(", "void f(void)\n{\n\thv_set_register(", "\n}\n"),
    "unclosed-accessor-calls": lambda n: _rep(n, "hv_set_register("),
    "unclosed-msr-calls": lambda n: _rep(n, "wrmsrl("),
    "closed-calls-bad-register": lambda n: _rep(n, BAD_CALL + " "),
    "calls-after-long-space": lambda n: " " * (n - 60) + BAD_CALL + "\n",
    "word-space-runs": lambda n: _rep(n, "a "),
    "open-brackets": lambda n: _rep(n, "["),
    "open-braces": lambda n: _rep(n, "{"),
    "enum-openers": lambda n: _rep(n, "enum {"),
    "enum-entry-spaces": lambda n: "enum hv_e {\n\tHV_REGISTER_A = 1" + " " * (n - 40) + "x\n};\n",
    "enum-many-entries": lambda n: _rep(n, "HV_REGISTER_E = 0x40000080,", "enum hv_e {", "};\n"),
    "double-quotes": lambda n: _rep(n, '"'),
    "single-quotes": lambda n: _rep(n, "'"),
    "backslashes-in-string": lambda n: _rep(n, "\\\\", 'char *s = "'),
    "comment-openers": lambda n: _rep(n, "/*"),
    "comment-closers": lambda n: _rep(n, "*/"),
    "line-comment-continued": lambda n: _rep(n, "// \\\n"),
    "long-identifier": lambda n: _rep(n, "A", "HV_REGISTER_"),
    "prefix-runs": lambda n: _rep(n, "HV_REGISTER_"),
    "hash-run": lambda n: _rep(n, "#"),
    "define-open-params": lambda n: _rep(n, "a,", "#define HV_REGISTER_X("),
    "define-continued-1mb": lambda n: _rep(n, "1 \\\n", "#define HV_REGISTER_A \\\n"),
    "if-open-parens": lambda n: _rep(n, "(", "#if "),
    "if-long-expression": lambda n: _rep(
        n, "defined(CONFIG_X86) && ", "#if ", "1\nint hv_x;\n#endif\n"
    ),
    "elif-chain": lambda n: _rep(
        n, "#elif defined(CONFIG_X86)\n", "#if 0\n", "int hv_x;\n#endif\n"
    ),
    "ifdef-chain-unclosed": lambda n: _rep(n, "#ifdef CONFIG_X86\n"),
}


def check_patch_reader(data: bytes) -> None:
    """The patch reader's contract on any bytes: a series whose paths stay inside the root and
    whose added lines are numbered from 1, or a PatchError of one line."""
    from hvlint.gate.patches import PatchError, read_series

    try:
        series = read_series(data)
    except PatchError as exc:
        assert "\n" not in str(exc).strip()
        return
    for patch in series:
        for fd in patch.files:
            for path in (fd.old_path, fd.new_path):
                assert path is None or (
                    not path.startswith("/") and ".." not in path.split("/") and "\0" not in path
                ), path
            for hunk in fd.hunks:
                assert all(added.line >= 1 for added in hunk.added)
