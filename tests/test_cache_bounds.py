"""The tree cache stays bounded and whole: the least recently used trees go past the size
cap (``$HVLINT_CACHE_MAX_MB`` or ``cache-max-mb``), and runs on one tree at the same time
(two pre-commit hooks, the editor and a terminal) lose nothing and damage nothing.

The races are real: several console-script processes started together on one tree. What is
asserted holds whatever order they run in (no timing): every file each of them linted has
its entries afterwards, the file's every section passes its digest, and a warm run gives a
cold run's bytes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

import gate_series as gs
from test_cache import sections_of, settle, settle_file
from test_rerun_cache import KERNEL_SHAPED, LATIN1

# One folder per process: each walks and lints only its own.
PARTS = ("drivers/hv", "drivers/clocksource", "arch/x86", "drivers/net")


def kernel_tree(root: Path) -> Path:
    """KERNEL_SHAPED (the Latin-1 file as UTF-8 here) under ``root``, settled, with more
    Hyper-V files in every part so each process has several to store."""
    files: Dict[str, str] = dict(KERNEL_SHAPED)
    files[LATIN1] = files[LATIN1].replace("\xe9", "e").replace("\xf4", "o")
    for part in PARTS:
        for n in range(6):
            files[f"{part}/hv_extra_{n}.c"] = (
                "// SPDX-License-Identifier: GPL-2.0\n#include <asm/mshyperv.h>\n\n"
                f"void hv_extra_{n}(void)\n{{\n\thv_set_register(HV_X64_MSR_SCONTROL, {n});\n}}\n"
            )
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / ".hvlint.toml").write_text("", encoding="utf-8")
    settle(root)
    return root


def start(args: List[str], cwd: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*gs.hvlint_command(), *args], cwd=cwd, env={**gs.git_env(cwd.parent), **env},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def finish(procs: List[subprocess.Popen]) -> List[bytes]:
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, 1), err.decode()
        outs.append(out)
    return outs


def hyperv_files(root: Path, part: str) -> set:
    """The C files under ``part`` that name a Hyper-V thing: those a run of ``part`` lints."""
    return {
        p.relative_to(root).as_posix()
        for p in (root / part).rglob("*.[ch]")
        if re.search(r"\b(HV_|hv_)", p.read_text(encoding="utf-8"))
    }


def test_concurrent_runs_on_one_tree_lose_nothing(tmp_path, cache_dir) -> None:
    root = kernel_tree(tmp_path / "linux")
    cold = gs.run_hvlint(["--no-cache", "--format", "json", "."], cwd=root)
    for round_ in range(3):
        if round_:  # something new for every process to store
            for part in PARTS:
                new = root / part / f"hv_round_{round_}.c"
                new.write_text(f"void r(void)\n{{\n\thv_set_register(HV_X64_MSR_SCONTROL, {round_});\n}}\n", encoding="utf-8")
                settle_file(new, 30 - round_)
            cold = gs.run_hvlint(["--no-cache", "--format", "json", "."], cwd=root)
        # Four parts and a whole-tree run of the editor's kind, all at once.
        procs = [start(["--format", "json", part], root) for part in PARTS]
        procs.append(start(["--format", "json", "."], root))
        outs = finish(procs)
        (cache_file,) = cache_dir.glob("tree-*.json")
        sections = sections_of(cache_file)  # every section's digest holds
        wanted = set().union(*(hyperv_files(root, part) for part in PARTS))
        assert len(wanted) > 4 * 6
        assert wanted <= set(sections["files:lint"]), wanted - set(sections["files:lint"])
        assert wanted <= set(sections["files:index"])
        # A prefilter verdict for each file outside arch-neutral code (that is read whatever
        # it holds), and "mentions Hyper-V" for every one of them.
        verdicts = sections["files:prefilter"]
        assert {rel for rel in wanted if rel.startswith(("arch/", "drivers/net/"))} <= set(verdicts)
        assert all(verdicts[rel][1] is True for rel in wanted if rel in verdicts)
        assert outs[-1] == cold.stdout
        assert gs.run_hvlint(["--format", "json", "."], cwd=root).stdout == cold.stdout
    assert not list(cache_dir.glob(".tmp-*")), "a temporary file was left behind"


def test_least_recently_used_trees_go_past_the_cap(tmp_path, cache_dir) -> None:
    trees = {name: kernel_tree(tmp_path / name) for name in ("a", "b", "c", "d")}

    def lint(name: str, **env: str) -> None:
        finish([start(["--format", "json", "."], trees[name], **env)])

    lint("a")
    (first,) = cache_dir.glob("tree-*.json")
    # A killed run's temporary file goes once it is old; one being written now stays.
    old, busy = cache_dir / ".tmp-killed.json", cache_dir / ".tmp-writing.json"
    for tmp in (old, busy):
        tmp.write_bytes(b"{")
    settle_file(old, 7200)
    cap = str(first.stat().st_size * 2.5 / (1024 * 1024))  # room for two trees, not three
    lint("b", HVLINT_CACHE_MAX_MB=cap)
    lint("c", HVLINT_CACHE_MAX_MB=cap)
    files = {p.name for p in cache_dir.glob("tree-*.json")}
    assert len(files) == 2 and first.name not in files  # a, used longest ago, went
    assert not old.exists() and busy.exists()
    lint("b", HVLINT_CACHE_MAX_MB=cap)  # used again (nothing to store): now the newest
    lint("d", HVLINT_CACHE_MAX_MB=cap)
    assert_kept(trees, {"b", "d"})


def assert_kept(trees: Dict[str, Path], kept: set) -> None:
    """Exactly the trees of ``kept`` still have a cache file (a -v run says "read" for them)."""
    for name, root in trees.items():
        proc = gs.run_hvlint(["--format", "json", "-v", "."], cwd=root)
        said = proc.stderr.decode()
        assert ("(read" in said) == (name in kept), (name, said)


def test_the_cap_of_the_config_file(tmp_path, cache_dir) -> None:
    a, b = kernel_tree(tmp_path / "a"), kernel_tree(tmp_path / "b")
    finish([start(["--format", "json", "."], a)])
    (b / ".hvlint.toml").write_text("cache-max-mb = 0.0001\n", encoding="utf-8")
    finish([start(["--format", "json", "."], b)])
    (only,) = cache_dir.glob("tree-*.json")  # b's own, however large: a's went
    assert sections_of(only)["files:lint"]
    proc = gs.run_hvlint(["-v", "--format", "json", "."], cwd=b)
    assert b"(read" in proc.stderr


@pytest.mark.parametrize(
    "config, env, message",
    [
        ('cache-max-mb = "lots"\n', {}, "cache-max-mb: the cache size cap must be a number of MB, not 'lots'"),
        ("cache-max-mb = 0\n", {}, "cache-max-mb: the cache size cap must be more than 0 MB, not 0"),
        ("", {"HVLINT_CACHE_MAX_MB": "-5"}, "HVLINT_CACHE_MAX_MB: the cache size cap must be more than 0 MB, not '-5'"),
    ],
)
def test_a_bad_cap_is_a_one_line_error(tmp_path, cache_dir, config, env, message) -> None:
    root = kernel_tree(tmp_path / "linux")
    (root / ".hvlint.toml").write_text(config, encoding="utf-8")
    proc = start(["."], root, **env)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    lines = err.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hvlint: error: ") and lines[0].endswith(message), lines
    assert not list(cache_dir.glob("tree-*.json"))
