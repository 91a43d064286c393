"""b4, run for real on a kernel-shaped git tree with a checkpatch.pl and a two-patch series.

The tree is tests/data/b4/tree: laid out like a kernel from before the v6.9 register rename
(x86 MSRs still named ``HV_REGISTER_*``, no ``HV_SYN_REG_*`` or ``HV_MSR_*`` aliases, so both
``--scheme syn-reg`` and ``--scheme auto`` judge it as syn-reg), with the files and folders
checkpatch.pl looks for at a kernel's top. Its scripts/checkpatch.pl is
tests/data/b4/checkpatch_standin.py, or the real scripts/checkpatch.pl of the kernel tree
``$HVLINT_KERNEL_TREE`` names (with the spelling.txt and const_structs.checkpatch next to it).

``SERIES``: patch 1 is faulty for both tools (a trailing blank for checkpatch, an x86-only
name in drivers/hv/ for hvlint: ``HV_DEPRECATING_AEOI_RECOMMENDED``, which only the tree's
arch/x86 header defines, so hvlint reports it only when it has found the tree); patch 2 is
clean for both. The two touch different files, so each also applies alone, as b4 am checks
them.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import gate_series as gs
from conftest import kernel_checkpatch

DATA = Path(__file__).parent / "data" / "b4"
TREE = DATA / "tree"
STANDIN = DATA / "checkpatch_standin.py"
REVIEW_CHECKS = DATA / "review_checks.py"
README = Path(__file__).resolve().parent.parent / "README.md"
CHECKPATCH_DATA = ("spelling.txt", "const_structs.checkpatch")

HV_C = "drivers/hv/hv.c"
COMMON = "drivers/hv/hv_common.c"

SERIES: List[gs.Step] = [
    gs.Step(
        "Drivers: hv: Leave auto-EOI off when the hypervisor deprecates it",
        "Newer hypervisors ask guests not to use auto-EOI for the shared SINT.",
        [
            (
                "replace",
                HV_C,
                "\tshared_sint.masked = false;\n",
                "\tshared_sint.masked = false;\n"
                "\t/* The hypervisor may ask the guest to do without auto-EOI */ \n"
                "\tshared_sint.auto_eoi = !(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);\n",
            )
        ],
    ),
    gs.Step(
        "Drivers: hv: Report the SynIC's size at start-up",
        "Print how many SINTs and synthetic timers each CPU has.",
        [
            (
                "replace",
                COMMON,
                '\tpr_info("max VP index %u\\n", ms_hyperv.max_vp_index);\n',
                '\tpr_info("max VP index %u\\n", ms_hyperv.max_vp_index);\n'
                '\tpr_info("%d SINTs, %d synthetic timers\\n",\n'
                "\t\tHV_SYNIC_SINT_COUNT, HV_SYNIC_STIMER_COUNT);\n",
            )
        ],
    ),
]
FAULTY, CLEAN = (step.subject for step in SERIES)

ANSI = re.compile(r"\x1b\[([0-9;]*)m")
# b4's CI_FLAGS_FANCY: a dot whose colour is the verdict.
FLAG = re.compile(r"^(?P<indent> *)\x1b\[(?P<colour>[0-9;]+)m\u25cf\x1b\[0m (?P<text>.*)$")
COLOURS = {"32": "success", "31": "warning", "31;5": "fail", "90": "pending"}


def real_checkpatch() -> Optional[Path]:
    """The real checkpatch.pl of ``$HVLINT_KERNEL_TREE``, or None (use the stand-in)."""
    return kernel_checkpatch()


def b4_env(home: Path) -> Dict[str, str]:
    """git's clean test environment, with today's dates (b4 prep finds its cover letter
    with ``git log --since=1.year``)."""
    return gs.git_env(home, fixed_dates=False)


def make_tree(dest: Path, env: Dict[str, str]) -> Path:
    """Copy the tree with its checkpatch.pl to ``dest``, commit it and tag it ``base``."""
    shutil.copytree(TREE, dest)
    scripts = dest / "scripts"
    real = real_checkpatch()
    if real is not None:
        shutil.copy2(real, scripts / "checkpatch.pl")
        for name in CHECKPATCH_DATA:
            if (real.parent / name).is_file():
                shutil.copy2(real.parent / name, scripts / name)
    else:
        shutil.copy2(STANDIN, scripts / "checkpatch.pl")
    (scripts / "checkpatch.pl").chmod(0o755)
    gs.git(dest, "init", "-q", "-b", "main", env=env)
    gs.git(dest, "add", "-A", env=env)
    gs.git(dest, "commit", "-q", "-m", "Linux 6.1", env=env)
    gs.git(dest, "tag", "base", env=env)
    return dest


def readme_commands() -> List[List[str]]:
    """The README's ``git config --add b4.KEY VALUE`` lines, split as a shell splits them."""
    lines = (line.strip() for line in README.read_text().splitlines())
    return [shlex.split(line) for line in lines if line.startswith("git config --add b4.")]


def readme_values(key: str) -> List[str]:
    """The values the README gives ``b4.KEY``, in order."""
    return [argv[-1] for argv in readme_commands() if argv[3] == f"b4.{key}"]


def readme_hvlint(key: str) -> str:
    """The README's hvlint value for ``b4.KEY``."""
    (value,) = [v for v in readme_values(key) if shlex.split(v)[0] == "hvlint"]
    return value


def configure(repo: Path, key: str, env: Dict[str, str]) -> None:
    """Run the README's commands for ``b4.KEY`` in ``repo``, as a user pastes them."""
    for argv in readme_commands():
        if argv[3] == f"b4.{key}":
            gs.git(repo, *argv[1:], env=env)


def run_b4(args: Sequence[str], cwd: Path, env: Dict[str, str], scratch: Path) -> str:
    """``b4 -d --offline-mode ARGS`` in ``cwd``; its output (stdout and stderr, colours
    kept, with b4's debug lines, which name every command it runs and where).

    Each run gets empty b4 cache and data folders: b4 keeps check results per command and
    patch, and a second place run on the same patches must not be answered from them."""
    b4 = shutil.which("b4", path=env["PATH"])
    assert b4, "b4 is not installed (pip install -e '.[test]')"
    run_env = dict(env)
    own = Path(tempfile.mkdtemp(prefix="b4-run-", dir=scratch))
    run_env.update(XDG_CACHE_HOME=str(own / "cache"), XDG_DATA_HOME=str(own / "data"))
    proc = subprocess.run(
        [b4, "-d", "--offline-mode", *args], cwd=cwd, env=run_env, stdin=subprocess.DEVNULL,
        capture_output=True, timeout=120, check=False,
    )
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode == 0, f"b4 {' '.join(args)} failed ({proc.returncode}):\n{out}"
    return out


@dataclass(frozen=True)
class Run:
    """A command b4 ran with a patch on stdin: the folder and the argument vector."""

    folder: Path
    argv: List[str]


def check_runs(log: str) -> List[Run]:
    """The commands b4's debug log shows it ran in a folder of their own (``Running in DIR``
    then ``Running ARGV``), git's own left out: the per-patch checks, in order."""
    runs: List[Run] = []
    lines = ANSI.sub("", log).splitlines()
    for here, nxt in zip(lines, lines[1:]):
        if here.startswith("Running in ") and nxt.startswith("Running "):
            argv = nxt[len("Running "):].split()
            if Path(argv[0]).name != "git":
                runs.append(Run(Path(here[len("Running in "):]), argv))
    return runs


@dataclass
class Result:
    """One line of b4's report under a patch: its verdict, the tool and what it said."""

    status: str
    tool: str
    text: str


@dataclass
class Block:
    """A patch as b4 reports it: the subject, b4's verdict (prep only) and the results."""

    subject: str
    status: Optional[str] = None
    results: List[Result] = field(default_factory=list)

    def of(self, tool: str) -> List[Result]:
        """The results of ``tool`` (``checkpatch.pl``, ``hvlint``)."""
        return [r for r in self.results if r.tool == tool]


def _result(match: "re.Match[str]") -> Result:
    tool, _, text = match["text"].partition(": ")
    return Result(COLOURS[match["colour"]], tool, text)


def prep_report(log: str) -> Dict[str, Block]:
    """``b4 prep --check``: ``● SHA12: subject`` then indented ``● tool: text`` lines."""
    blocks: Dict[str, Block] = {}
    current: Optional[Block] = None
    for line in log.splitlines():
        match = FLAG.match(line)
        if match and not match["indent"]:
            subject = re.sub(r"^[0-9a-f]{12}: ", "", match["text"])
            current = blocks[subject] = Block(subject, COLOURS[match["colour"]])
        elif match and current is not None:
            current.results.append(_result(match))
        else:
            current = None
    return blocks


def am_report(log: str) -> Dict[str, Block]:
    """``b4 am -k`` / ``b4 shazam -k``: ``  [PATCH i/n] subject`` then ``    ● tool: text``
    (b4's debug lines come in between: a block ends at the next patch or at ``---``)."""
    blocks: Dict[str, Block] = {}
    current: Optional[Block] = None
    for line in log.splitlines():
        head = re.match(r"^  (?:\S+ )?\[PATCH [^\]]*\] (.*)$", ANSI.sub("", line))
        match = FLAG.match(line)
        if head and not match:
            current = blocks[head.group(1)] = Block(head.group(1))
        elif match and current is not None:
            current.results.append(_result(match))
        elif line == "---":
            current = None
    return blocks


def hvlint_by_hand(repo: Path, command: str, mail: bytes, env: Dict[str, str]) -> str:
    """What ``command`` (the README's hvlint value) prints for ``mail`` when a user pipes
    the mail to it at the top of ``repo``."""
    argv = shlex.split(command)
    found = shutil.which(argv[0], path=env["PATH"])
    assert found, f"{argv[0]} is not installed"
    proc = subprocess.run(
        [found, *argv[1:]], cwd=repo, env=env, input=mail, capture_output=True, timeout=120,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout.decode()


def run_review_checks(repo: Path, mbox: Path, env: Dict[str, str], scratch: Path):
    """b4 review's per-patch checks on ``mbox`` in ``repo`` (tests/data/b4/review_checks.py,
    with empty b4 data and cache folders): the JSON it prints and the commands b4 ran."""
    run_env = dict(env)
    own = Path(tempfile.mkdtemp(prefix="b4-review-", dir=scratch))
    run_env.update(XDG_CACHE_HOME=str(own / "cache"), XDG_DATA_HOME=str(own / "data"))
    proc = subprocess.run(
        [sys.executable, str(REVIEW_CHECKS), str(mbox)], cwd=repo, env=run_env,
        stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, f"b4 review checks failed ({proc.returncode}):\n{err}"
    return json.loads(proc.stdout), check_runs(err)


REVIEW_STATUS = {"pass": "success", "warn": "warning", "fail": "fail"}


def review_report(doc: dict) -> Dict[str, Block]:
    """The results b4 review stored for each patch, one Result per finding it lists in
    ``details`` (or one for the summary when there are none), keyed by the bare subject."""
    blocks: Dict[str, Block] = {}
    for patch in doc["patches"]:
        subject = re.sub(r"^\[PATCH[^\]]*\] ", "", patch["subject"])
        block = blocks[subject] = Block(subject)
        for result in patch["results"]:
            status = REVIEW_STATUS[result["status"]]
            details = json.loads(result["details"]) if result["details"] else []
            for entry in details:
                block.results.append(
                    Result(REVIEW_STATUS[entry["status"]], result["tool"], entry["description"])
                )
            if not details:
                block.results.append(Result(status, result["tool"], result["summary"]))
    return blocks


def added_line(step: gs.Step, needle: str) -> int:
    """The line of the post-image of ``step``'s one edit that holds ``needle`` (1-based)."""
    (edit,) = step.edits
    post = (TREE / edit[1]).read_text().replace(edit[2], edit[3]).split("\n")
    (index,) = [i for i, line in enumerate(post) if needle in line]
    return index + 1
