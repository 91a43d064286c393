"""Migrations (rules/migrations.toml): the data, and each kind of edit a migration adds to
--diff/--fix on the kernel-shaped fixture trees (function renames, calls of the renamed
accessors, the scheme's full alias set, refusals). The scheme is always given explicitly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import fix_support as fs
from hvlint import ruledata, tomlcompat
from hvlint.fix import data as fix_data

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
PRE_RENAME = {
    "hv_get_register": "hv_get_msr",
    "hv_set_register": "hv_set_msr",
    "hv_raw_get_register": "hv_raw_get_msr",
    "hv_get_non_nested_register": "hv_get_non_nested_msr",
    "hv_set_non_nested_register": "hv_set_non_nested_msr",
    "hv_get_nested_reg": "hv_get_nested_msr",
    "hv_is_synic_reg": "hv_is_synic_msr",
    "hv_is_sint_reg": "hv_is_sint_msr",
}


def _diff(repo: Path, *args: str):
    proc = fs.hvlint(["--diff", *args], repo)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout.decode(), proc.stderr.decode()


# -- the data ---------------------------------------------------------------------------


def test_upstream_renames_every_pre_rename_function_to_mainlines_name():
    m = fix_data.load_migration("upstream")
    assert dict(m.functions) == PRE_RENAME
    assert set(m.accessors) == {
        "hv_get_register",
        "hv_set_register",
        "hv_raw_get_register",
        "hv_get_non_nested_register",
        "hv_set_non_nested_register",
    }
    assert m.new_name("hv_is_synic_reg") == "hv_is_synic_msr"
    assert m.new_name("hv_get_vpreg") is None
    # mainline's v6.9 alias set: SVERSION (x86 only) and the nested SynIC MSRs included
    assert {"SVERSION", "NESTED_SINT0", "STIMER0_COUNT", "CRASH_CTL"} <= set(m.aliases)
    regs = {r.name for r in ruledata.load().registers}
    assert set(m.aliases) <= regs, set(m.aliases) - regs


def test_syn_reg_keeps_the_accessor_names_and_takes_back_mainlines():
    m = fix_data.load_migration("syn-reg")
    assert dict(m.functions) == {new: old for old, new in PRE_RENAME.items()}
    assert "hv_set_msr" in m.accessors and "hv_get_register" not in dict(m.functions)
    assert m.aliases == ()


def test_each_schemes_accessors_include_its_namings_register_roles():
    # rules/schemes.toml (what HV103 checks) and rules/migrations.toml (what --fix renames to)
    # name the same functions; a register-taking role that a scheme's naming has but its
    # accessor list lacks would be written by --fix yet never checked (hv_raw_get_msr was one).
    raw = tomlcompat.loads((ruledata.rules_dir() / "migrations.toml").read_text(encoding="utf-8"))
    takes_register = {role for role, spec in raw["roles"].items() if spec.get("accessor")}
    schemes = ruledata.load().schemes
    for name, naming in raw["naming"].items():
        if name not in schemes:
            continue
        wanted = {fn for role, fn in naming.items() if role in takes_register}
        assert wanted <= set(schemes[name].accessors), (name, wanted - set(schemes[name].accessors))


def test_a_scheme_without_a_naming_renames_nothing():
    m = fix_data.load_migration("no-such-scheme")
    assert m.functions == () and m.accessors == ()


def _rules_copy(tmp_path: Path, edit) -> str:
    rules = tmp_path / "rules"
    shutil.copytree(ruledata.rules_dir(), rules)
    path = rules / "migrations.toml"
    path.write_text(edit(path.read_text()))
    return str(rules)


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda t: t.replace('is_sint = "hv_is_sint_reg"', 'is_lost = "hv_is_sint_reg"', 1),
            "unknown role",
        ),
        (
            lambda t: t.replace(
                'get_nested = "hv_get_nested_reg"\nis_synic = "hv_is_synic_reg"\nis_sint = "hv_is_sint_reg"\n\n# Mainline',
                'get_nested = "hv_get_nested_reg"\nis_synic = "hv_is_synic_reg"\nis_sint = "hv_get_register"\n\n# Mainline',
            ),
            "renamed two ways",
        ),
    ],
)
def test_inconsistent_migration_data_is_refused(tmp_path, edit, message):
    directory = _rules_copy(tmp_path, edit)
    with pytest.raises(ValueError, match=message):
        fix_data.load_migration("upstream", directory)


def test_migration_accessors_join_each_scheme_once():
    data = ruledata.load()
    wide = fix_data.with_migration_accessors(data)
    up = wide.schemes["upstream"].accessors
    assert up[: len(data.schemes["upstream"].accessors)] == data.schemes["upstream"].accessors
    assert "hv_set_register" in up and len(up) == len(set(up))
    assert "hv_set_msr" in wide.schemes["syn-reg"].accessors
    assert data.schemes["upstream"].accessors != up  # the loaded data is left alone


# -- the edits --------------------------------------------------------------------------


@pytest.fixture
def pre_rename(tmp_path):
    return fs.checkout("pre-rename", tmp_path / "linux")


def test_upstream_renames_accessors_everywhere_and_calls_take_the_alias(pre_rename):
    out, err = _diff(pre_rename, "--scheme", "upstream")
    assert (
        "-static inline u64 hv_get_register(unsigned int reg)\n+static inline u64 hv_get_msr("
        in out
    )
    assert "+\tsimp = hv_get_msr(HV_MSR_SIMP);" in out
    # arch code keeps its MSR names, only the accessor is renamed
    assert "+\tu64 hypercall = hv_get_msr(HV_X64_MSR_HYPERCALL);" in out
    assert "3 functions renamed" in err
    # the full alias set: SVERSION on x86, where no call needs it; arm64 lacks the register
    assert "+#define HV_MSR_SVERSION\t\t(HV_X64_MSR_SVERSION)" in out
    assert "HV_MSR_SVERSION is not defined for arm64" in err


def test_a_clash_keeps_the_old_name_and_still_fixes_the_calls(pre_rename):
    (pre_rename / "drivers/hv/hv_trace.c").write_text(
        "// SPDX-License-Identifier: GPL-2.0\n#include <linux/types.h>\n\n"
        "/* a driver's own helper that happens to carry the name */\n"
        "static u64 hv_get_msr(u32 msr) { return msr; }\n"
        "u64 hv_trace_msr(u32 msr) { return hv_get_msr(msr); }\n"
    )
    out, err = _diff(pre_rename, "--scheme", "upstream")
    assert (
        "hv_get_msr already exists (drivers/hv/hv_trace.c:5), so hv_get_register() is not renamed"
        in err
    )
    assert "+\tsimp = hv_get_register(HV_MSR_SIMP);" in out
    assert "+\thv_set_msr(HV_MSR_SIMP, simp);" in out
    assert "hv_trace.c" not in out


def test_hv101_alone_renames_no_function(pre_rename):
    out, _err = _diff(pre_rename, "--scheme", "upstream", "--types", "HV101,HV103")
    assert "hv_get_msr" in out
    out, _err = _diff(pre_rename, "--scheme", "upstream", "--types", "HV101")
    assert "hv_get_msr" not in out and "hv_set_msr" not in out


def test_only_selects_functions_by_name(pre_rename):
    out, err = _diff(pre_rename, "--scheme", "upstream", "--only", "hv_set_*")
    assert "+static inline void hv_set_msr(" in out
    assert "hv_get_msr" not in out and "HV_MSR_" not in out
    assert "1 function renamed" in err


def test_a_path_fixes_its_calls_renames_functions_tree_wide_and_adds_only_needed_aliases(
    pre_rename,
):
    out, _err = _diff(pre_rename, "--scheme", "upstream", "drivers/hv/hv.c")
    assert "+static inline u64 hv_get_msr(" in out  # the definitions, wherever they are
    assert "+\tsimp = hv_get_msr(HV_MSR_SIMP);" in out
    assert "+#define HV_MSR_SIMP" in out
    assert "HV_MSR_SVERSION" not in out and "HV_MSR_CRASH_P0" not in out


def test_an_already_migrated_tree_has_nothing_to_say(tmp_path):
    repo = fs.checkout("upstream", tmp_path / "linux")
    proc = fs.hvlint(["--fix", "--scheme", "upstream"], repo)
    again = fs.hvlint(["--diff", "--scheme", "upstream"], repo)
    assert again.stdout == b"", again.stdout.decode()
    assert "note: " not in again.stderr.decode(), again.stderr.decode()
    assert proc.returncode in (0, 1)


def test_helpers_of_a_v6_8_tree_are_renamed_with_their_callers(tmp_path):
    repo = fs.checkout("helpers", tmp_path / "linux")
    proc = fs.hvlint(["--fix", "--scheme", "upstream"], repo)
    assert proc.returncode == 0, proc.stderr.decode()
    cpu = (repo / "arch/x86/kernel/cpu/mshyperv.c").read_text()
    assert "EXPORT_SYMBOL_GPL(hv_get_non_nested_msr);" in cpu
    assert "reg = hv_get_nested_msr(reg);" in cpu
    assert "if (hv_is_sint_msr(reg))" in cpu
    assert "return HV_X64_MSR_NESTED_SIMP;" in cpu
    timer = (repo / "drivers/clocksource/hyperv_timer.c").read_text()
    assert "return hv_raw_get_msr(HV_MSR_TIME_REF_COUNT);" in timer
    assert "/* hv_raw_get_register(): this runs" in timer  # comments only with --fix-comments
    code = {p: _COMMENT.sub("", p.read_text()) for p in repo.rglob("*.[ch]")}
    for old in PRE_RENAME:
        hits = [p for p, text in code.items() if re.search(rf"\b{old}\b", text)]
        assert not hits, (old, hits)


def test_a_function_used_in_a_file_that_cannot_change_is_not_renamed(pre_rename):
    """All or nothing: a symbolic link among the users keeps the old name everywhere."""
    header = pre_rename / "arch/arm64/include/asm/mshyperv.h"
    real = pre_rename / "arch/arm64/include/asm/mshyperv-real.h"
    header.rename(real)
    header.symlink_to(real.name)
    out, err = _diff(pre_rename, "--scheme", "upstream")
    assert (
        "hv_get_register() is used in arch/arm64/include/asm/mshyperv.h, which is a symbolic "
        "link (hvlint does not write through links), so it is not renamed to hv_get_msr()"
    ) in err
    assert "hv_get_msr" not in out
    assert "+\tsimp = hv_get_register(HV_MSR_SIMP);" in out
    assert "hv_set_msr" not in out  # defined in the same header
    assert "+static inline bool hv_is_synic_msr(" in out  # an x86 helper: no such user


def test_another_schemes_aliases_are_renamed_in_place_and_feature_bits_stay(tmp_path):
    """An upstream tree turned into syn-reg: each HV_MSR_* alias definition becomes
    HV_SYN_REG_* where it stands (value column kept), no second block is added, and the
    HV_MSR_*_AVAILABLE feature bits, which share the prefix, are not aliases."""
    repo = fs.checkout("upstream", tmp_path / "linux")
    proc = fs.hvlint(["--fix", "--scheme", "syn-reg"], repo)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert "6 aliases renamed" in proc.stderr.decode()
    x86 = (repo / "arch/x86/include/asm/hyperv-tlfs.h").read_text()
    assert "#define HV_SYN_REG_SCONTROL\t(HV_X64_MSR_SCONTROL)\n" in x86
    assert "#define HV_MSR_" not in x86
    assert x86.count("#define HV_SYN_REG_SCONTROL") == 1
    generic = (repo / "include/asm-generic/hyperv-tlfs.h").read_text()
    assert "#define HV_MSR_SYNIC_AVAILABLE" in generic
    again = fs.hvlint(["--diff", "--scheme", "syn-reg"], repo)
    assert again.stdout == b""


def test_an_alias_whose_new_name_exists_is_not_renamed(tmp_path):
    repo = fs.checkout("upstream", tmp_path / "linux")
    for rel, target in (
        ("arch/x86/include/asm/hyperv-tlfs.h", "HV_X64_MSR_SIEFP"),
        ("arch/arm64/include/asm/hyperv-tlfs.h", "HV_REGISTER_SIEFP"),
    ):
        path = repo / rel
        path.write_text(
            path.read_text().replace("#endif", f"#define HV_MSR_SIEFP\t({target})\n\n#endif")
        )
    out, err = _diff(repo, "--scheme", "syn-reg")
    assert "note: HV_SYN_REG_SIEFP already exists (arch/" in err
    assert "so HV_MSR_SIEFP is not renamed to it" in err
    assert "-#define HV_MSR_SIEFP" not in out
    assert "+#define HV_SYN_REG_SCONTROL" in out
