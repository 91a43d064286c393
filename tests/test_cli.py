"""The command-line contract: formats, exit codes, options, errors (a real subprocess)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

PRE = REPO / "examples" / "pre-rename"
RENAMED = REPO / "examples" / "renamed"


def hvlint(*args, cwd=None, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "hvlint", *map(str, args)],
        cwd=cwd or REPO, input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_text_is_gcc_style_and_exit_1_on_findings():
    res = hvlint(PRE)
    assert res.returncode == 1, res.stderr
    first = res.stdout.splitlines()[0]
    assert first.startswith("arch/x86/include/asm/hyperv-tlfs.h:17:9: error: HV_REGISTER_VP_INDEX is x86 synthetic MSR")
    assert first.endswith("[HV101 HV_REGISTER_MSR]")


def _summary(stdout: str) -> str:
    """The summary a text run's stdout implies, without the fixable part."""
    found = [line for line in stdout.splitlines() if ": note: " not in line]
    errors, warnings = (sum(f": {s}: " in line for line in found) for s in ("error", "warning"))
    return f"{len(found)} findings: {errors} errors, {warnings} warnings"


def test_text_run_ends_with_a_summary_counting_what_fix_really_settles(tmp_path):
    tree = tmp_path / "linux"
    shutil.copytree(PRE, tree)
    res = hvlint(tree)
    summary = _summary(res.stdout)
    m = re.fullmatch(re.escape(summary) + r"; (\d+) fixable with `hvlint --fix`\n", res.stderr)
    assert m, res.stderr
    fixable = int(m.group(1))
    total = int(summary.split()[0])
    assert 0 < fixable < total  # the example keeps one HV102 on purpose
    # The pre-rename tree's explanation is one note, however many findings share it.
    notes = [line for line in res.stdout.splitlines() if ": note: " in line]
    assert len(notes) == 1 and "from before the alias rename" in notes[0]
    assert hvlint("--fix", tree).returncode == 1  # findings are left
    after = hvlint(tree)
    assert int(after.stderr.split()[0]) == total - fixable
    assert after.stderr.endswith("warnings\n") or "fixable" not in after.stderr


def test_no_summary_and_other_formats_keep_stderr_empty():
    assert hvlint("--no-summary", PRE).stderr == ""
    assert hvlint("--format", "json", PRE).stderr == ""


def test_clean_tree_exits_0_silently():
    res = hvlint("--strict", RENAMED)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_json_shape():
    res = hvlint("--format", "json", PRE)
    doc = json.loads(res.stdout)
    assert set(doc) >= {"version", "scheme", "findings", "summary"}
    assert doc["scheme"]["name"] == "syn-reg"
    f = doc["findings"][0]
    assert set(f) == {"path", "line", "column", "end_line", "end_column", "type", "code", "severity",
                      "message", "suggestion", "notes"}
    assert f["notes"] == []  # an HV101 needs no note; an HV103 of this tree has one:
    [note] = {n for g in doc["findings"] if g["code"] == "HV103" for n in g["notes"]}
    assert "from before the alias rename" in note
    assert (f["path"], f["line"], f["column"], f["end_column"]) == (
        "arch/x86/include/asm/hyperv-tlfs.h", 17, 9, 9 + len("HV_REGISTER_VP_INDEX"))
    assert f["suggestion"] == "HV_X64_MSR_VP_INDEX"
    assert doc["summary"]["findings"] == len(doc["findings"])


def test_types_and_ignore_take_codes_or_type_names():
    only = json.loads(hvlint("--format", "json", "--types", "GENERIC_REG_PREFIX", PRE).stdout)
    assert {f["code"] for f in only["findings"]} == {"HV103"}
    rest = json.loads(hvlint("--format", "json", "--ignore", "HV103,hv101", PRE).stdout)
    assert {f["code"] for f in rest["findings"]} == {"HV102"}


def test_list_types_and_explain():
    res = hvlint("--list-types")
    assert res.returncode == 0
    assert [line.split()[0] for line in res.stdout.splitlines()] == [
        "HV100", "HV101", "HV102", "HV103", "HV104", "HV105", "HV106"]
    doc = hvlint("--explain", "GENERIC_REG_PREFIX").stdout
    assert doc.startswith("# HV103 GENERIC_REG_PREFIX") and "## Use instead" in doc


@pytest.mark.parametrize(
    "args",
    [["--no-such-flag"], ["--explain", "NOPE"], ["--types", "NOPE", "x.c"], ["--scheme", "other"],
     ["--root", "/nonexistent/dir", "x.c"], ["--config", "/nonexistent.toml", "."]],
)
def test_usage_errors_are_one_line_and_exit_2(args):
    res = hvlint(*args, cwd=RENAMED)
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("hvlint: error:")
    assert "Traceback" not in res.stderr


def test_missing_file_and_non_c_file_are_input_errors(tmp_path):
    (tmp_path / "notes.txt").write_text("HV_REGISTER_SCONTROL\n")
    res = hvlint(tmp_path / "missing.c", tmp_path / "notes.txt")
    assert res.returncode == 2
    assert len(res.stderr.splitlines()) == 2 and "no such file" in res.stderr and "not a C source" in res.stderr


def test_config_file_sets_scheme_and_per_path_ignores(tmp_path):
    import shutil

    root = tmp_path / "tree"
    shutil.copytree(PRE, root)
    (root / ".hvlint.toml").write_text(
        'scheme = "upstream"\n[per-path-ignores]\n"arch/x86/**" = ["HV_REGISTER_MSR"]\n'
    )
    doc = json.loads(hvlint("--format", "json", root).stdout)
    assert doc["scheme"]["name"] == "upstream"
    # upstream accessors are hv_get_msr/hv_set_msr: the hv_*_register calls are not judged,
    # and the x86 header's HV101 findings are ignored by path
    assert {f["code"] for f in doc["findings"]} == {"HV102"}


def test_auto_scheme_is_the_default_and_says_why(tmp_path):
    res = hvlint("-v", PRE)
    assert ("hvlint: scheme: syn-reg (auto: the tree defines no HV_SYN_REG_* or HV_MSR_* register aliases and "
            "calls hv_get_register() and friends 13 times (hv_get_msr() and friends: 0)") in res.stderr
    res = hvlint("--format", "json", "--scheme", "auto", REPO / "tests/fixtures/trees/upstream_scheme")
    assert json.loads(res.stdout)["scheme"]["name"] == "upstream"


def test_verbose_names_the_kconfig_reason():
    res = hvlint("-v", PRE)
    assert ("drivers/clocksource/hyperv_timer.c: treated as x86 code for HV102/HV104 (built only for x86: "
            "drivers/clocksource/Makefile:2 uses CONFIG_HYPERV_TIMER") in res.stderr


def test_no_path_checks_the_tree_it_stands_in():
    res = subprocess.run([sys.executable, "-m", "hvlint"], cwd=PRE / "drivers" / "hv",
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert "arch/x86/include/asm/hyperv-tlfs.h" in res.stdout  # the whole tree, found from the cwd


def test_unresolved_values_are_said_not_guessed():
    traps = REPO / "tests/fixtures/trees/syn_reg_traps"
    res = hvlint("-v", "--types", "HV101", traps)
    assert ("note: arch/x86/include/asm/hyperv-tlfs.h:20: HV_REGISTER_FROM_RUNTIME: value not resolved "
            "(x86: call of hv_runtime_register()); HV101 cannot tell") in res.stderr
    assert "HV_REGISTER_FROM_RUNTIME" not in res.stdout
