"""Helpers for the --diff/--fix tests: fixture trees as git repos, hvlint and gcc run for real.

Fixture trees live in tests/fixtures/fix/<case>/ (small kernel-shaped trees that compile);
the expected patches in tests/golden/fix/<name>.diff. Set HVLINT_UPDATE_GOLDEN=1 to rewrite
the golden files from the current output (then review them with git diff).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from conftest import updating_golden
from git_support import clean_env, run_git
from hvlint import ruledata
from hvlint.config import load_settings
from hvlint.engine import Linter

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "fix"
GOLDEN = TESTS / "golden" / "fix"
ARCH_MACRO = {"x86": "CONFIG_X86", "arm64": "CONFIG_ARM64"}
# The compiler of each arch: the host gcc (x86_64) and Debian's arm64 cross gcc.
ARCH_GCC = {"x86": "gcc", "arm64": "aarch64-linux-gnu-gcc"}


def arch_gcc(arch: str) -> Optional[str]:
    """The gcc that compiles for ``arch``, or None when it is not installed."""
    return shutil.which(ARCH_GCC[arch])


def compiled_arches() -> Tuple[str, ...]:
    """The arches whose gcc is installed (arm64's cross gcc may not be)."""
    return tuple(arch for arch in ARCH_GCC if arch_gcc(arch) is not None)


@dataclass(frozen=True)
class Case:
    """One golden diff: a fixture tree, the options, and what a fix must leave."""

    name: str
    tree: str
    args: Tuple[str, ...] = ()
    # arches whose build is broken before the fix by the very findings hvlint must leave
    broken: Tuple[str, ...] = ()


CASES: Dict[str, Case] = {
    c.name: c
    for c in (
        Case("pre-rename", "pre-rename"),
        Case("pre-rename-comments", "pre-rename", ("--fix-comments",)),
        Case("pre-rename-hv103", "pre-rename", ("--types", "HV103")),
        Case("pre-rename-hv101", "pre-rename", ("--types", "HV101")),
        Case("pre-rename-only-sint", "pre-rename", ("--only", "HV_REGISTER_SINT*")),
        Case("duplicate", "duplicate"),
        Case("conflict", "conflict"),
        Case("missing-arm64", "missing-arm64", broken=("arm64",)),
        Case("upstream", "upstream"),
        # Migrations (rules/migrations.toml): the scheme is always given, so that no case
        # depends on the default.
        Case("pre-rename-upstream", "pre-rename", ("--scheme", "upstream")),
        Case("pre-rename-upstream-comments", "pre-rename", ("--scheme", "upstream", "--fix-comments")),
        Case("helpers-upstream", "helpers", ("--scheme", "upstream")),
        Case("helpers-syn-reg", "helpers", ("--scheme", "syn-reg")),
        Case("upstream-to-syn-reg", "upstream", ("--scheme", "syn-reg")),
    )
}


def git_env(home: Path) -> Dict[str, str]:
    """git without user or system configuration."""
    return clean_env(("t", "t@example.invalid"), HOME=str(home))


def git(
    repo: Path, *args: str, stdin: bytes = b"", check: bool = True
) -> subprocess.CompletedProcess:
    """Run git in ``repo``."""
    return run_git(repo, args, git_env(repo.parent), stdin, check)


def checkout(tree: str, dest: Path) -> Path:
    """A copy of fixture ``tree`` at ``dest``, committed in a fresh git repo.

    Every tree starts from tests/fixtures/fix/_base/ (the stub types and the arch accessor
    headers they share) and adds or overrides its own files.
    """
    shutil.copytree(FIXTURES / "_base", dest)
    shutil.copytree(FIXTURES / tree, dest, dirs_exist_ok=True)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "fixture")
    return dest


def hvlint(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    """``hvlint ARGS`` in ``cwd``, as a user runs it (stdin from /dev/null)."""
    return subprocess.run(
        [sys.executable, "-m", "hvlint", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
        check=False,
    )


def snapshot(root: Path) -> Dict[str, bytes]:
    """Every file of a tree (minus .git), by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def linter_for(root: Path) -> Tuple[Linter, list]:
    """Lint ``root`` as the CLI does (its .hvlint.toml included); (linter, findings)."""
    data = ruledata.load()
    config = root / ".hvlint.toml"
    linter = Linter(load_settings(config if config.is_file() else None, data), root, data)
    return linter, linter.lint_paths([root]).findings


def findings_after(repo: Path, args: Sequence[str]) -> Counter:
    """(path, code, name) of what ``hvlint`` reports on ``repo``, with the --types and
    --scheme of ``args``."""
    kept = [
        a for i, a in enumerate(args) if a in ("--types", "--scheme") or (i and args[i - 1] in ("--types", "--scheme"))
    ]
    proc = hvlint(["--format", "json", *kept], repo)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return Counter(
        (f["path"], f["code"], _name(repo, f)) for f in json.loads(proc.stdout)["findings"]
    )


def _name(repo: Path, f: dict) -> str:
    line = (repo / f["path"]).read_text().splitlines()[f["line"] - 1]
    return line[f["column"] - 1 : f["end_column"] - 1]


def left_report(stderr: str) -> Counter:
    """(path, code, name) of every ``hvlint: left:`` line."""
    out: Counter = Counter()
    for line in stderr.splitlines():
        if line.startswith("hvlint: left: "):
            where, rest = line[len("hvlint: left: ") :].split(": ", 1)
            name, tag = rest.split(" [", 1)
            out[(where.split(":")[0], tag.split()[0], name)] += 1
    return out


def built_files(root: Path, arch: str) -> List[str]:
    """The .c files of the tree that its paths and Kconfig build for ``arch``."""
    linter, _ = linter_for(root)
    out = []
    for path in sorted(root.rglob("*.c")):
        rel = path.relative_to(root).as_posix()
        cls = linter.path_class(rel)
        if cls in ("x86", "arm64") and cls != arch:
            continue
        build = linter.build_arch(rel)
        if build is not None and build[0] != arch:
            continue
        out.append(rel)
    return out


def compile_errors(root: Path, arch: str) -> Dict[str, str]:
    """``<arch's gcc> -fsyntax-only`` of every file built for ``arch`` (by hvlint's path and
    Kconfig classes, with ``-DCONFIG_<ARCH>`` and the tree's stub headers): file -> first error.
    The caller skips when :func:`arch_gcc` finds no compiler."""
    gcc = arch_gcc(arch)
    assert gcc is not None, f"no {ARCH_GCC[arch]} installed"
    errors = {}
    for rel in built_files(root, arch):
        proc = subprocess.run(
            [
                gcc,
                "-fsyntax-only",
                "-std=gnu11",
                "-Wall",
                "-Werror",
                f"-D{ARCH_MACRO[arch]}",
                "-Iinclude",
                f"-Iarch/{arch}/include",
                rel,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            errors[rel] = next(
                (ln for ln in proc.stderr.splitlines() if "error" in ln), proc.stderr.strip()
            )
    return errors


def golden(name: str) -> Optional[bytes]:
    """The stored golden diff (None when missing)."""
    path = GOLDEN / f"{name}.diff"
    return path.read_bytes() if path.is_file() else None


def update_golden(name: str, data: bytes) -> bool:
    """Rewrite a golden file when HVLINT_UPDATE_GOLDEN=1; True when it did."""
    if not updating_golden():
        return False
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / f"{name}.diff").write_bytes(data)
    return True
