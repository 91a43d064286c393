"""`--scheme auto` is the default: a tree is judged by the scheme its own aliases and calls show,
the reason states counted, tree-wide facts, and a suggestion never names an undefined alias."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import write_tree
from hvlint import cli, ruledata
from hvlint.config import Settings, load_settings
from scheme_trees import PRE_RENAME, UPSTREAM


def hvlint(root: Path, monkeypatch, *args: str) -> Tuple[int, dict, str]:
    """Run the command line in ``root`` with ``--format json`` and ``-v``: (exit, JSON, stderr)."""
    monkeypatch.chdir(root)
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["--format", "json", "-v", *args], io.StringIO(), out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def name_of(root: Path, f: dict) -> str:
    """The text a JSON finding points at."""
    line = (root / f["path"]).read_text().splitlines()[f["line"] - 1]
    return line[f["column"] - 1 : f["end_column"] - 1]


def findings(root: Path, doc: dict) -> List[Tuple[str, int, str, str]]:
    return sorted((f["path"], f["line"], f["code"], name_of(root, f)) for f in doc["findings"])


@pytest.fixture
def upstream(tmp_path):
    return write_tree(tmp_path / "linux", UPSTREAM)


@pytest.fixture
def pre_rename(tmp_path):
    return write_tree(tmp_path / "linux", PRE_RENAME)


def test_every_front_end_starts_from_auto():
    """The editor, the gate and the hooks build their settings from these defaults."""
    assert Settings().scheme == "auto"
    assert load_settings(None, ruledata.load()).scheme == "auto"


def test_upstream_tree_with_no_options_is_judged_upstream_and_clean(upstream, monkeypatch):
    code, doc, _err = hvlint(upstream, monkeypatch)
    assert doc["scheme"]["name"] == "upstream"
    reason = doc["scheme"]["reason"]
    # SCONTROL, SIMP and EOM are defined once per arch: three names, not six; the feature bits
    # HV_MSR_*_AVAILABLE (BIT(n)) are not aliases; the prototypes in mshyperv.h are not calls,
    # and drivers/clocksource is outside the counted part of the tree.
    assert "defines 3 distinct HV_MSR_* register aliases (HV_SYN_REG_*: 0)" in reason
    assert "calls hv_get_msr() and friends 3 times (hv_get_register() and friends: 0)" in reason
    assert "index_roots" in reason
    assert (code, doc["findings"]) == (0, [])


@pytest.mark.parametrize(
    "paths",
    [
        [], ["."], ["drivers/hv/hv.c"], ["drivers/clocksource/hyperv_timer.c"],
        ["arch/x86/include/asm/hyperv-tlfs.h"], ["arch/x86/kernel/cpu/mshyperv.c"],
    ],
)
@pytest.mark.parametrize("tree", [UPSTREAM, PRE_RENAME], ids=["upstream", "pre-rename"])
def test_reason_is_the_same_whichever_files_are_linted(tmp_path, monkeypatch, paths, tree):
    root = write_tree(tmp_path / "linux", tree)
    _code, whole, _ = hvlint(root, monkeypatch, "--no-cache", "--scheme", "auto")
    _code, some, _ = hvlint(root, monkeypatch, "--no-cache", "--scheme", "auto", *paths)
    assert some["scheme"] == whole["scheme"]


def test_pre_rename_tree_is_judged_syn_reg_and_the_reason_says_it_shows_neither(pre_rename, monkeypatch):
    code, doc, err = hvlint(pre_rename, monkeypatch)
    assert doc["scheme"]["name"] == "syn-reg"
    reason = doc["scheme"]["reason"]
    assert "defines no HV_SYN_REG_* or HV_MSR_* register aliases" in reason
    assert "calls hv_get_register() and friends 2 times (hv_get_msr() and friends: 0)" in reason
    assert f"scheme: syn-reg ({reason})" in err
    assert code == 1
    x86 = "arch/x86/include/asm/hyperv-tlfs.h"
    assert findings(pre_rename, doc) == [
        (x86, 8, "HV101", "HV_REGISTER_SCONTROL"),
        (x86, 9, "HV101", "HV_REGISTER_SIMP"),
        (x86, 10, "HV101", "HV_REGISTER_EOM"),
        ("drivers/hv/hv.c", 9, "HV103", "HV_REGISTER_SCONTROL"),
        ("drivers/hv/hv.c", 10, "HV103", "HV_REGISTER_SCONTROL"),
    ]


def test_an_alias_that_does_not_exist_yet_is_not_suggested(pre_rename, monkeypatch):
    _code, doc, _ = hvlint(pre_rename, monkeypatch, "drivers/hv/hv.c")
    hv103 = [f for f in doc["findings"] if f["code"] == "HV103"]
    assert hv103 and all(f["suggestion"] is None for f in hv103)
    assert all(
        f["message"].endswith("not HV_REGISTER_SCONTROL: rename it HV_SYN_REG_SCONTROL (not defined yet)")
        for f in hv103
    )
    # The why and the how are the note, the same on every finding of its kind.
    [note] = {n for f in hv103 for n in f["notes"]}
    assert note.startswith("this tree defines no HV_SYN_REG_* alias yet (it is from before the alias rename)")
    assert "hvlint --diff" in note and "hvlint --fix" in note


def _guest_os_id_user(accessor: str) -> Dict[str, str]:
    """Shared code passing GUEST_OS_ID, which arm64 has too but neither scheme tree aliases."""
    return {"drivers/hv/hv_guest.c": f"""\
// SPDX-License-Identifier: GPL-2.0-only
#include <asm/mshyperv.h>

void hv_guest_id_clear(void)
{{
	{accessor}(HV_X64_MSR_GUEST_OS_ID, 0);
}}
"""}


def test_after_the_rename_a_register_without_an_alias_is_not_called_pre_rename(upstream, monkeypatch):
    """Issue 18: the tree defines HV_MSR_* aliases, just none for GUEST_OS_ID (as 6.12)."""
    write_tree(upstream, _guest_os_id_user("hv_set_msr"))
    _code, doc, err = hvlint(upstream, monkeypatch, "drivers/hv/hv_guest.c")
    got = {f["code"]: f for f in doc["findings"]}
    assert sorted(got) == ["HV102", "HV103"]
    for f in got.values():
        assert f["suggestion"] is None
        assert "rename it HV_MSR_GUEST_OS_ID (this tree has none yet)" in f["message"]
        [note] = f["notes"]
        assert note.startswith("this tree defines 3 HV_MSR_* aliases, but not one for every register")
        assert "before the alias rename" not in f["message"] + note
    assert "hvlint --fix does it" in got["HV103"]["notes"][0]


def test_before_the_rename_the_same_register_is_told_the_tree_has_no_alias_yet(pre_rename, monkeypatch):
    write_tree(pre_rename, _guest_os_id_user("hv_set_register"))
    _code, doc, _ = hvlint(pre_rename, monkeypatch, "drivers/hv/hv_guest.c")
    [f] = [f for f in doc["findings"] if f["code"] == "HV103"]
    assert f["message"].endswith("rename it HV_SYN_REG_GUEST_OS_ID (not defined yet)")
    assert f["notes"][0].startswith("this tree defines no HV_SYN_REG_* alias yet (it is from before the alias rename)")


@pytest.mark.parametrize("tree, accessor", [("upstream", "hv_set_msr"), ("pre_rename", "hv_set_register")])
def test_a_register_arm64_lacks_gets_no_alias_on_either_tree(tree, accessor, request, monkeypatch):
    """VP_ASSIST_PAGE is x86's alone (rules/registers.toml, and no tree defines it for arm64):
    no alias can name it on both arches, whatever the tree's state."""
    root = request.getfixturevalue(tree)
    write_tree(root, {"drivers/hv/hv_guest.c": _guest_os_id_user(accessor)["drivers/hv/hv_guest.c"].replace(
        "GUEST_OS_ID", "VP_ASSIST_PAGE")})
    _code, doc, _ = hvlint(root, monkeypatch, "drivers/hv/hv_guest.c")
    [f] = [f for f in doc["findings"] if f["code"] == "HV103"]
    assert f["message"].endswith(
        "but arm64 has no VP_ASSIST_PAGE register: keep this access in arch code or behind an arch hook"
    )
    assert (f["suggestion"], f["notes"]) == (None, [])


def test_an_alias_that_exists_is_suggested(pre_rename, monkeypatch):
    header = pre_rename / "arch/x86/include/asm/hyperv-tlfs.h"
    header.write_text(header.read_text().replace("#endif", "#define HV_SYN_REG_SCONTROL\t(HV_X64_MSR_SCONTROL)\n#endif"))
    _code, doc, _ = hvlint(pre_rename, monkeypatch, "drivers/hv/hv.c")
    hv103 = [f for f in doc["findings"] if f["code"] == "HV103"]
    assert hv103 and {f["suggestion"] for f in hv103} == {"HV_SYN_REG_SCONTROL"}
    assert all(f["message"].endswith("use HV_SYN_REG_SCONTROL") for f in hv103)


def test_config_file_and_option_still_choose(upstream, monkeypatch):
    (upstream / ".hvlint.toml").write_text('scheme = "syn-reg"\n')
    _code, doc, _ = hvlint(upstream, monkeypatch)
    assert doc["scheme"] == {"name": "syn-reg", "reason": f"set by {upstream / '.hvlint.toml'}"}
    # Judged by syn-reg, the tree's HV_MSR_* aliases are the other scheme's: each definition and
    # use names its HV_SYN_REG_* replacement; the feature bits are left alone.
    assert {f["code"] for f in doc["findings"]} == {"HV105"}
    assert not [f for f in doc["findings"] if "AVAILABLE" in name_of(upstream, f)]
    _code, doc, _ = hvlint(upstream, monkeypatch, "--scheme", "upstream")
    assert doc["scheme"] == {"name": "upstream", "reason": "set by --scheme"}
    assert doc["findings"] == []


def test_hv104_leaves_cpuid_feature_bits_alone(pre_rename, monkeypatch):
    """Under upstream, HV_MSR_*_AVAILABLE = BIT(n) in x86 selftest headers and in
    include/asm-generic are feature bits, not aliases that fail to be MSRs."""
    _code, doc, _ = hvlint(pre_rename, monkeypatch, "--scheme", "upstream")
    assert not [f for f in doc["findings"] if f["code"] == "HV104"]


def test_hv104_still_reports_a_register_alias_that_is_not_an_msr(upstream, monkeypatch):
    header = upstream / "arch/x86/include/asm/hyperv-tlfs.h"
    # The arm64 VP register's number where x86 needs the MSR.
    header.write_text(header.read_text().replace("#endif", "#define HV_MSR_VP_INDEX\t\t0x00090003\n#endif"))
    _code, doc, _ = hvlint(upstream, monkeypatch)
    assert [(f["code"], name_of(upstream, f)) for f in doc["findings"]] == [("HV104", "HV_MSR_VP_INDEX")]


def _add_assist_page(root: Path, define: str, call: str) -> None:
    header = root / "arch/x86/include/asm/hyperv-tlfs.h"
    if define:
        header.write_text(header.read_text().replace("#endif", define + "\n#endif"))
    hv_c = root / "drivers/hv/hv.c"
    hv_c.write_text(hv_c.read_text() + f"\nu64 hv_vp_assist(void)\n{{\n\treturn hv_get_msr({call});\n}}\n")


def test_hv105_other_scheme_alias_defined_and_used(upstream, monkeypatch):
    _add_assist_page(upstream, "#define HV_SYN_REG_VP_ASSIST_PAGE\t(HV_X64_MSR_VP_ASSIST_PAGE)", "HV_SYN_REG_VP_ASSIST_PAGE")
    _code, doc, _ = hvlint(upstream, monkeypatch)
    assert doc["scheme"]["name"] == "upstream"
    got = [(f["path"], f["code"], f["suggestion"], f["message"]) for f in doc["findings"]]
    assert [g[:3] for g in got] == [
        ("arch/x86/include/asm/hyperv-tlfs.h", "HV105", "HV_MSR_VP_ASSIST_PAGE"),
        ("drivers/hv/hv.c", "HV105", "HV_MSR_VP_ASSIST_PAGE"),
    ]
    assert all("register aliases here are HV_MSR_*" in g[3] for g in got)
    assert got[0][3].endswith("name it HV_MSR_VP_ASSIST_PAGE")
    assert "rename it to HV_MSR_VP_ASSIST_PAGE, here and at its definition (arch/x86/include/asm/hyperv-tlfs.h:" in got[1][3]


def test_hv105_use_of_an_existing_register_names_the_tree_alias(upstream, monkeypatch):
    _add_assist_page(upstream, "", "HV_SYN_REG_SIMP")
    _code, doc, _ = hvlint(upstream, monkeypatch)
    [f] = doc["findings"]
    assert (f["code"], f["suggestion"]) == ("HV105", "HV_MSR_SIMP")
    assert f["message"].endswith("use HV_MSR_SIMP")


def test_hv105_use_of_an_alias_nobody_defines_says_so(upstream, monkeypatch):
    _add_assist_page(upstream, "", "HV_SYN_REG_VP_ASSIST_PAGE")
    _code, doc, _ = hvlint(upstream, monkeypatch)
    [f] = doc["findings"]
    assert (f["code"], f["suggestion"]) == ("HV105", None)
    assert "HV_MSR_VP_ASSIST_PAGE is not defined yet" in f["message"]


MSHV_ONLY = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "mshv_root.h"

int mshv_synic_init(unsigned int cpu)
{
#ifdef CONFIG_X86_64
	mshv_enable_sirbp(cpu);
#endif
	return mshv_sint_setup(cpu);
}
"""


@pytest.mark.parametrize("paths", [[], ["drivers/hv"]])
def test_strict_hv106_sees_a_neutral_file_naming_only_mshv_things(upstream, monkeypatch, paths):
    """No HV_/hv_ word in it, so the byte prefilter alone would drop it."""
    write_tree(upstream, {"drivers/hv/mshv_synic.c": MSHV_ONLY})
    _code, doc, _ = hvlint(upstream, monkeypatch, "--strict", *paths)
    assert findings(upstream, doc) == [("drivers/hv/mshv_synic.c", 6, "HV106", "#ifdef CONFIG_X86_64")]


def test_without_aliases_anywhere_no_prefix_is_the_trees(pre_rename, monkeypatch):
    """The calls chose syn-reg, but the tree defines no alias of either scheme: a HV_MSR_* name
    is not 'the other scheme's' there (the rename may be under way), so no HV105."""
    write_tree(pre_rename, {"drivers/hv/hv_vp.c": "void hv_vp_eoi(void)\n{\n\thv_set_msr(HV_MSR_EOM, 0);\n}\n"})
    _code, doc, _ = hvlint(pre_rename, monkeypatch)
    assert doc["scheme"]["name"] == "syn-reg" and "so the calls decide" in doc["scheme"]["reason"]
    assert not [f for f in doc["findings"] if f["code"] == "HV105"]


def test_hv102_names_no_undefined_alias_either(pre_rename, monkeypatch):
    """An x86 MSR name in shared code of a pre-rename tree: the alias that would replace it
    does not exist, so the message says so and the note how to make it."""
    write_tree(pre_rename, {"drivers/hv/hv_vp.c": "u64 hv_vp_simp(void)\n{\n\treturn HV_X64_MSR_SIMP;\n}\n"})
    _code, doc, _ = hvlint(pre_rename, monkeypatch, "drivers/hv/hv_vp.c")
    [f] = doc["findings"]
    assert (f["code"], f["suggestion"]) == ("HV102", None)
    assert "rename it HV_SYN_REG_SIMP (not defined yet), or move it behind an arch hook" in f["message"]
    assert f["notes"][0].startswith("this tree defines no HV_SYN_REG_* alias yet")


def test_hv102_of_a_register_arm64_lacks_says_so(pre_rename, monkeypatch):
    write_tree(pre_rename, {"drivers/hv/hv_vp.c": "u64 hv_vp_assist(void)\n{\n\treturn HV_X64_MSR_VP_ASSIST_PAGE;\n}\n"})
    _code, doc, _ = hvlint(pre_rename, monkeypatch, "drivers/hv/hv_vp.c")
    [f] = doc["findings"]
    assert (f["code"], f["suggestion"], f["notes"]) == ("HV102", None, [])
    assert f["message"].endswith(
        "and arm64 has no VP_ASSIST_PAGE register: move it to arch/x86 or behind an arch hook"
    )
