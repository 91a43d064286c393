"""tools/arm64_names_judge.py (issue 17, "The judge: the compiler") on small kernel-shaped trees.

The names come from the real preprocessor (host gcc for x86_64, Debian's aarch64 cross gcc for
arm64, each skipped when missing), the probes are compiled for real, and hvlint runs for real
on them. The one stand-in is kbuild: the test tree's top Makefile is a few rules that do what
the judge asks of kbuild (``allmodconfig``, ``%.i`` and ``%.o`` of one file of drivers/hv with
the ``CFLAGS_<file>.o`` of its Makefile), so a run takes seconds, not a kernel's prepare.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(TOOLS))

import arm64_names_judge as judge  # noqa: E402
import cdecls  # noqa: E402

from conftest import write_tree  # noqa: E402

CROSS = {"x86_64": "", "arm64": "aarch64-linux-gnu-"}

KBUILD = """\
# A stand-in for kbuild: enough of it for tools/arm64_names_judge.py.
.SUFFIXES:
SRCARCH := $(if $(filter arm64,$(ARCH)),arm64,x86)
CC := $(CROSS_COMPILE)gcc
include drivers/hv/Makefile
FLAGS = -I$(CURDIR)/arch/$(SRCARCH)/include -I$(O)/arch/$(SRCARCH)/include/generated \\
	-I$(CURDIR)/include -include $(O)/include/generated/autoconf.h -D__KERNEL__ -nostdinc \\
	-Werror -Werror=implicit-function-declaration

allmodconfig:
	mkdir -p $(O)/include/generated $(O)/arch/$(SRCARCH)/include/generated/asm
	echo CONFIG_HYPERV=m > $(O)/.config
	printf '#define CONFIG_HYPERV_MODULE 1\\n#define CONFIG_$(if $(filter arm64,$(SRCARCH)),ARM64,X86) 1\\n' \\
		> $(O)/include/generated/autoconf.h
	$(if $(filter arm64,$(SRCARCH)),printf '#include <asm-generic/rwonce.h>\\n' \\
		> $(O)/arch/arm64/include/generated/asm/rwonce.h,true)
	$(if $(filter arm64,$(SRCARCH)),printf '#include <asm-generic/msi.h>\\n' \\
		> $(O)/arch/arm64/include/generated/asm/msi.h,true)

%.i: FORCE
	mkdir -p $(O)/$(@D) && $(CC) -E $(FLAGS) $(CFLAGS_$(*F).o) -o $(O)/$@ $(CURDIR)/$*.c

%.o: FORCE
	mkdir -p $(O)/$(@D) && $(CC) -c $(FLAGS) $(CFLAGS_$(*F).o) -o $(O)/$@ $(CURDIR)/$*.c

FORCE:
.PHONY: FORCE allmodconfig
"""

SHARED = {
    "Kconfig": 'mainmenu "arm64 names judge test"\n\nsource "drivers/hv/Kconfig"\n',
    "drivers/hv/Kconfig": "config HYPERV\n\ttristate \"Microsoft Hyper-V client drivers\"\n"
    "\tdepends on X86 || ARM64\n",
    "drivers/hv/Makefile": "obj-$(CONFIG_HYPERV) += hv_vmbus.o\nhv_vmbus-y := vmbus_drv.o hv.o\n",
    "drivers/hv/hv.c": "#include <linux/hyperv.h>\n#include <asm/mshyperv.h>\n#include \"hyperv_vmbus.h\"\n\n"
    "int hv_synic_alloc(void)\n{\n\treturn HV_UTIL_TIMEOUT;\n}\n",
    "drivers/hv/vmbus_drv.c": "#include <linux/hyperv.h>\n#include <asm/rwonce.h>\n\nint vmbus_exists(void);\n",
    "drivers/hv/hyperv_vmbus.h": "struct hv_context {\n\tint cpu;\n};\n\n#define HV_UTIL_TIMEOUT 30\n",
    "include/linux/types.h": "#ifndef _LINUX_TYPES_H\n#define _LINUX_TYPES_H\ntypedef unsigned int u32;\n"
    "typedef unsigned long long u64;\ntypedef _Bool bool;\n#define __maybe_unused __attribute__((__unused__))\n#endif\n",
    "include/asm-generic/rwonce.h": "#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))\n",
    "include/asm-generic/mshyperv.h": "#include <linux/types.h>\n\nextern int hv_root_partition;\n\n"
    "static inline u64 hv_generate_guest_id(u64 kernel_version)\n{\n\treturn kernel_version;\n}\n",
    "arch/x86/include/asm/rwonce.h": "#include <asm-generic/rwonce.h>\n",
    "arch/x86/include/asm/hyperv-tlfs.h": "#define HV_HYP_PAGE_SIZE 4096\n#define HV_X64_MSR_VP_INDEX 0x40000002\n",
    "arch/arm64/include/asm/hyperv-tlfs.h": "#define HV_HYP_PAGE_SIZE 4096\n",
    "arch/arm64/include/asm/mshyperv.h": "#include <asm-generic/mshyperv.h>\n",
}

HYPERV_H = """\
#ifndef _HYPERV_H
#define _HYPERV_H
#include <linux/types.h>
#include <asm/hyperv-tlfs.h>

struct vmbus_channel {
	u32 offermsg;
};
union hv_connection_id {
	u32 asu32;
};
typedef void (*vmbus_callback_t)(void *context);
enum vmbus_channel_state {
	CHANNEL_OFFER_STATE,
	CHANNEL_OPENED_STATE = 2,
};
#define VMBUS_RING_SIZE(payload_sz) ((payload_sz) + 4096)
#define HV_RING_SIZE 64
extern int vmbus_proto_version;
int vmbus_sendpacket(struct vmbus_channel *channel, void *buffer, u32 bufferlen);
@X86_BRANCH@
#endif
"""

X86_BRANCH = """\
#ifdef CONFIG_X86
extern bool hyperv_paravisor_present;
#endif
"""

X86_MSHYPERV = """\
#include <asm-generic/mshyperv.h>
@MORE@
#define HV_X64_MSR_GUEST_OS_ID 0x40000000
#define HYPERV_LINUX_OS_ID 0x8100
"""

X86_MORE = """\
#include <asm/apic.h>
#include <asm/setup.h>
#include <asm/paravirt.h>
extern void *hv_hypercall_pg;
void hv_arch_read(int reg);
"""

APIC_H = """\
#define APIC_EOI 0xB0
#define apic_id_valid(apicid) ((apicid) < 0xff)
typedef int apic_id_t;
struct apic {
	int id;
};
union apic_ir {
	int v;
};
enum apic_intr_mode_id {
	APIC_PIC,
	APIC_VIRTUAL_WIRE,
};
static inline unsigned int apic_read(unsigned int reg)
{
	return reg;
}
#define DECLARE_APIC_VAR(n) extern int __apic_##n
DECLARE_APIC_VAR(timer);
#define DECLARE_APIC_INT(n) extern int n
DECLARE_APIC_INT(apic_verbosity);
"""


def guarded(files: Dict[str, str]) -> Dict[str, str]:
    """``files`` with an include guard around each header, as kernel headers have."""
    out = {}
    for rel, text in files.items():
        if rel.endswith(".h") and not text.startswith("#ifndef"):
            guard = "_" + "".join(c if c.isalnum() else "_" for c in rel).upper()
            text = f"#ifndef {guard}\n#define {guard}\n{text}#endif\n"
        out[rel] = text
    return out


def judge_tree(root: Path, x86_apis: bool) -> Path:
    """A kernel-shaped tree: drivers/hv including shared and per-arch headers. With
    ``x86_apis`` x86 also declares names without a Hyper-V prefix (the APIC, a hypercall page
    pointer, a shared header's x86 branch, asm/apic.h), and a shared macro expands to one."""
    files: Dict[str, str] = dict(SHARED)
    files["Makefile"] = KBUILD
    files["include/linux/hyperv.h"] = HYPERV_H.replace("@X86_BRANCH@", X86_BRANCH if x86_apis else "")
    files["arch/x86/include/asm/mshyperv.h"] = X86_MSHYPERV.replace("@MORE@", X86_MORE if x86_apis else "")
    if x86_apis:
        files["arch/x86/include/asm/apic.h"] = APIC_H
        files["arch/x86/include/asm/setup.h"] = "#include <linux/edd.h>\n"
        files["include/linux/edd.h"] = "struct edd {\n\tint length;\n};\nextern struct edd edd;\n"
        # arm64 declares it too, in a header drivers/hv does not include there
        files["arch/x86/include/asm/paravirt.h"] = "extern int paravirt_steal_rq_enabled;\n"
        files["arch/arm64/include/asm/paravirt.h"] = "extern int paravirt_steal_rq_enabled;\n"
        files["arch/x86/include/asm/xen/interface.h"] = "typedef unsigned long xen_pfn_t;\n"
        # arm64's generated asm/msi.h wraps asm-generic/msi.h: its names are arm64's too
        files["arch/x86/include/asm/msi.h"] = "typedef int msi_alloc_info_t;\n"
        files["include/asm-generic/msi.h"] = "typedef struct msi_alloc_info {\n\tint hwirq;\n} msi_alloc_info_t;\n"
        files["arch/x86/include/asm/paravirt.h"] += "#include <asm/msi.h>\n"
        files["include/xen/arm/interface.h"] = "typedef unsigned long long xen_pfn_t;\n"
        files["arch/x86/include/asm/paravirt.h"] += "#include <asm/xen/interface.h>\n"
        files["arch/x86/include/asm/module.lds.h"] = "SECTIONS {\n\t.plt : { BYTE(0) }\n}\n"
        files["include/asm-generic/mshyperv.h"] += "#define hv_get_vpreg(reg) hv_arch_read(reg)\n"
    return write_tree(root, guarded(files))


def need(*programs: str) -> None:
    for program in programs:
        if shutil.which(program) is None:
            pytest.skip(f"needs {program}")


def run_judge(tmp_path: Path, tree: Path, *extra: str) -> tuple:
    need("make", "gcc", "aarch64-linux-gnu-gcc")
    work = tmp_path / "work"
    code = judge.main(["--tree", str(tree), "--work", str(work), "--sample", "100", *extra])
    report = json.loads((work / f"disagreements-{tree.name}.json").read_text(encoding="utf-8"))
    return code, report


def by_name(report: dict, key: str = "probes") -> Dict[str, dict]:
    return {p["name"]: p for p in report[key]}


def test_the_compiler_and_hvlint_are_compared_name_by_name(tmp_path: Path, capsys) -> None:
    tree = judge_tree(tmp_path / "linux", x86_apis=True)
    code, report = run_judge(tmp_path, tree)
    probes = by_name(report)
    x86_only = {n for n, p in probes.items() if p["group"] == judge.X86_ONLY}
    assert x86_only == {
        "apic_read", "hv_hypercall_pg", "hv_arch_read", "hyperv_paravisor_present", "APIC_EOI",
        "HV_X64_MSR_GUEST_OS_ID", "HYPERV_LINUX_OS_ID", "HV_X64_MSR_VP_INDEX", "apic_id_valid",
        "apic_id_t", "apic", "apic_ir", "APIC_PIC", "APIC_VIRTUAL_WIRE", "asm/apic.h", "asm/setup.h",
        "DECLARE_APIC_VAR", "__apic_timer", "DECLARE_APIC_INT", "apic_verbosity", "asm/xen/interface.h",
    }
    assert "asm/module.lds.h" not in probes  # a linker script, no C header
    assert "xen_pfn_t" not in probes  # arm64 has it too, in include/xen/arm/
    assert "msi_alloc_info_t" not in probes and probes["asm/msi.h"]["group"] == judge.BOTH
    assert probes["apic_verbosity"]["note"] == (
        "declared by a macro call: DECLARE_APIC_INT(...) at arch/x86/include/asm/apic.h:23"
    )
    assert "paravirt_steal_rq_enabled" not in probes and probes["asm/paravirt.h"]["group"] == judge.BOTH
    assert probes["__apic_timer"]["note"] == (
        "made by token pasting: the name is not spelled in arch/x86/include/asm/apic.h"
    )
    assert probes["apic_read"]["note"] == ""
    # linux/edd.h is shared, but only x86's asm/setup.h reaches it: declared for no arch alone
    assert "edd" not in probes
    assert probes["hyperv_paravisor_present"]["x86_where"] == "include/linux/hyperv.h:22"
    assert probes["apic"]["kind"] == "struct" and probes["apic_ir"]["kind"] == "union"
    assert probes["asm/apic.h"]["x86_where"] == "arch/x86/include/asm/apic.h"
    assert probes["asm/rwonce.h"]["group"] == judge.BOTH  # arm64's generated wrapper counts
    assert probes["asm/rwonce.h"]["arm64_where"] == "arch/arm64/include/generated/asm/rwonce.h"
    assert probes["vmbus_callback_t"]["kind"] == "typedef"
    assert probes["CHANNEL_OPENED_STATE"]["kind"] == "enum-constant"
    assert probes["vmbus_sendpacket"]["arm64_where"] == "include/linux/hyperv.h:20"
    # every x86-only name fails on arm64 and builds on x86_64; READ_ONCE(0) is ill-formed
    assert probes["DECLARE_APIC_INT"]["x86"].startswith("expected identifier")  # extern int 0
    for name in x86_only - {"DECLARE_APIC_INT"}:
        assert probes[name]["x86"] == "builds" and probes[name]["arm64"] != "builds", name
    assert probes["asm/apic.h"]["arm64"] == "asm/apic.h: No such file or directory"
    assert "implicit declaration of function" in probes["apic_id_valid"]["arm64"]
    assert probes["READ_ONCE"]["x86"].startswith("lvalue required")
    # main's HV102 knows the prefixed names only
    flagged = {n for n, p in probes.items() if p["hvlint"]}
    assert flagged == {"HV_X64_MSR_GUEST_OS_ID", "HYPERV_LINUX_OS_ID", "HV_X64_MSR_VP_INDEX"}
    # the shared macro whose expansion is x86-only: declared for both, fails on arm64 (the
    # error is in the header, the note in expansion of the macro is on the probe line)
    vpreg = probes["hv_get_vpreg"]
    assert vpreg["group"] == judge.BOTH and "hv_arch_read" in vpreg["arm64"]
    wrong = set(by_name(report, "disagreements"))
    assert wrong == (x86_only - flagged - {"DECLARE_APIC_INT"}) | {"hv_get_vpreg"}
    assert code == 1
    summary = report["summary"]
    assert summary["judged"] == summary["sampled"] - 2  # READ_ONCE(0) and DECLARE_APIC_INT(0) set aside
    assert summary["matrix"] == {
        "arm64 builds, silent": summary["judged"] - 21, "arm64 fails, HV102": 3, "arm64 fails, silent": 18,
    }
    assert summary["disagreements_unseen"] == 2
    out = capsys.readouterr().out
    assert f"agreement: {summary['agree']}/{summary['judged']}" in out
    line = next(t for t in out.splitlines() if t.startswith("  apic_read "))
    assert line == ("  apic_read [function, x86-only] (x86: arch/x86/include/asm/apic.h:16): arm64 fails "
                    "('apic_read' undeclared (first use in this function)); hvlint: no HV102")
    # the tree itself is untouched: the copy's Makefile is a new file, the probes are new
    copy = tmp_path / "work" / "linux" / "src"
    assert (tree / "drivers/hv/Makefile").read_text() == SHARED["drivers/hv/Makefile"]
    assert os.stat(copy / "drivers/hv/Makefile").st_ino != os.stat(tree / "drivers/hv/Makefile").st_ino
    assert os.stat(copy / "drivers/hv/hv.c").st_ino == os.stat(tree / "drivers/hv/hv.c").st_ino
    assert not list((tree / "drivers/hv").glob("hvlint_*"))


def test_full_agreement_exits_0_and_the_same_probes_are_not_built_twice(tmp_path: Path, capsys) -> None:
    tree = judge_tree(tmp_path / "linux", x86_apis=False)
    code, report = run_judge(tmp_path, tree)
    probes = by_name(report)
    x86_only = {n for n, p in probes.items() if p["group"] == judge.X86_ONLY}
    assert x86_only == {"HV_X64_MSR_GUEST_OS_ID", "HYPERV_LINUX_OS_ID", "HV_X64_MSR_VP_INDEX"}
    assert report["disagreements"] == [] and code == 0
    assert report["summary"]["agreement"] == 100.0
    capsys.readouterr()
    again, second = run_judge(tmp_path, tree, "--seed", "7")
    assert again == 0 and {p["name"] for p in second["probes"]} == set(probes)
    assert "probes unchanged" not in capsys.readouterr().err  # another order: built again
    third_code, third = run_judge(tmp_path, tree, "--seed", "7")
    assert "x86_64: probes unchanged since the last build" in capsys.readouterr().err
    assert third_code == 0 and third["probes"] == second["probes"]


def test_the_sample_is_half_each_group_spread_over_the_kinds() -> None:
    pools = {
        (group, kind): [judge.Probe(f"{kind}_{n}", kind, group, "x:1") for n in range(size)]
        for group in (judge.X86_ONLY, judge.BOTH)
        for kind, size in zip(judge.KINDS, (40, 40, 40, 40, 2, 40, 1, 40, 40))
    }
    picked = judge.draw(pools, 60, seed=3)
    assert len(picked) == 60 and len({(p.group, p.name) for p in picked}) == 60
    for group in (judge.X86_ONLY, judge.BOTH):
        kinds = [p.kind for p in picked if p.group == group]
        assert len(kinds) == 30
        # the typedef and union pools are short; the others share what they leave
        assert kinds.count("typedef") == 2 and kinds.count("union") == 1
        others = [kinds.count(k) for k in judge.KINDS if k not in ("typedef", "union")]
        assert others == [4, 4, 4, 4, 4, 4, 3]  # taken in turn, in the order of judge.KINDS
    weighted = [p.kind for p in judge.draw(pools, 60, 3, {"function-macro": 3}) if p.group == judge.BOTH]
    assert weighted.count("function-macro") == 3 * weighted.count("function") == 9
    assert [p.name for p in judge.draw(pools, 60, seed=3)] == [p.name for p in picked]
    assert [p.name for p in judge.draw(pools, 60, seed=4)] != [p.name for p in picked]


def test_probe_lines_use_each_name_and_the_header_comes_last() -> None:
    probes = [
        judge.Probe("asm/apic.h", judge.HEADER, judge.X86_ONLY, "arch/x86/include/asm/apic.h"),
        judge.Probe("apic_id_valid", cdecls.FUNCTION_MACRO, judge.X86_ONLY, "a.h:2"),
        judge.Probe("apic", cdecls.STRUCT, judge.X86_ONLY, "a.h:4"),
    ]
    data = judge.load_data()
    for probe, arity in zip(probes, (0, 1, 0)):
        probe.use = judge.use_of(probe, data, arity)
    assert judge.layout(probes, 8) == 1
    text = judge.probe_text(0, probes, ["#include <linux/hyperv.h>"])
    lines = text.splitlines()
    assert lines[probes[1].line - 1] == (
        f"static void __maybe_unused hvlint_line_{probes[1].line}(void) {{ apic_id_valid(0); }}"
    )
    assert lines[probes[2].line - 1].endswith("{ (void)sizeof(struct apic); }")
    assert lines[-1] == "#include <asm/apic.h>" == lines[probes[0].line - 1]


BROKEN_H = "static inline int hv_broken(void)\n{\n\treturn hv_missing_helper();\n}\n"
X86CALL_H = "#define hv_x86_call(x) hv_only_on_x86(x)\n"
PROBE_C = """\
#include "x86call.h"
static void hvlint_line_2(void) { (void)&hv_nowhere; }
static void hvlint_line_3(void) { hv_x86_call(1); }
static void hvlint_line_4(void) { int unused_but_fine; }
static void hvlint_line_5(void) { (void)sizeof(struct hv_none); }
#include "broken.h"
"""


@pytest.mark.parametrize("arch", sorted(CROSS))
def test_errors_are_put_on_the_probe_line_they_come_from(tmp_path: Path, arch: str) -> None:
    need(CROSS[arch] + "gcc")
    folder = write_tree(tmp_path, {
        "drivers/hv/hvlint_probe_4.c": PROBE_C, "drivers/hv/broken.h": BROKEN_H,
        "drivers/hv/x86call.h": X86CALL_H,
    })
    done = subprocess.run(
        [CROSS[arch] + "gcc", "-c", "-Wall", "-Werror=implicit-function-declaration", "-o", "/dev/null",
         str(folder / "drivers/hv/hvlint_probe_4.c")],
        capture_output=True, text=True,
    )
    assert done.returncode != 0
    errors = judge.errors_by_line(done.stderr)
    assert set(errors) == {(4, 2), (4, 3), (4, 5), (4, 6)}
    assert "hv_nowhere" in errors[(4, 2)] and "hv_only_on_x86" in errors[(4, 3)]
    assert "struct hv_none" in errors[(4, 5)] and "hv_missing_helper" in errors[(4, 6)]


def test_cdecls_reads_what_gcc_preprocessed(tmp_path: Path) -> None:
    need("gcc")
    header = write_tree(tmp_path, {"include/h.h": (
        "#define HV_A 1\n#define HV_GONE 2\n#undef HV_GONE\n#define hv_f(a, b, ...) (a)\n"
        "struct hv_s { struct hv_inner { int x; } in; int (*cb)(int); };\n"
        "struct hv_forward;\n"
        "typedef struct { int a; } hv_anon_t, *hv_anon_p;\n"
        "typedef unsigned int (*hv_fn_t)(int arg);\n"
        "typedef char hv_arr_t[16];\n"
        "enum hv_e { HV_E0, HV_E1 = (1 << 2), HV_E2 = sizeof(int[2]), };\n"
        "extern int hv_v, *hv_w;\n"
        "void (*hv_fp)(int);\n"
        "static inline int hv_inline(int (*cb)(void)) { struct hv_local { int y; } l; return 0; }\n"
        "int hv_proto(struct hv_s *s) __attribute__((__cold__));\n"
        "extern __attribute__((section(\".data..percpu\"))) __typeof__(int) hv_percpu;\n"
        "_Static_assert(sizeof(int) == 4, \"int\");\n"
    )})
    text = subprocess.run(["gcc", "-E", "-dD", str(header / "include/h.h")],
                          capture_output=True, text=True, check=True).stdout
    seen = cdecls.read(text, [str(tmp_path)])
    mine = {(d.name, d.kind) for d in seen.names.values() if d.path == "include/h.h"}
    assert mine == {
        ("HV_A", "object-macro"), ("hv_f", "function-macro"), ("hv_s", "struct"),
        ("hv_inner", "struct"), ("hv_anon_t", "typedef"), ("hv_anon_p", "typedef"),
        ("hv_fn_t", "typedef"), ("hv_arr_t", "typedef"), ("HV_E0", "enum-constant"),
        ("HV_E1", "enum-constant"), ("HV_E2", "enum-constant"), ("hv_v", "variable"),
        ("hv_w", "variable"), ("hv_fp", "variable"), ("hv_inline", "function"),
        ("hv_proto", "function"), ("hv_percpu", "variable"),
    }
    assert seen.get("ordinary", "hv_f").arity == 2
    assert seen.get("tag", "hv_inner").where == "include/h.h:5"
    assert seen.get("ordinary", "hv_proto").where == "include/h.h:14"
    assert "include/h.h" in seen.files


@pytest.mark.parametrize(
    "argv, code, message",
    [
        ([], 2, "no kernel tree"),
        (["--tree", "/"], 3, "is not a kernel tree"),
        (["--tree", "@TREE@", "--hvlint", "/nonexistent/hvlint"], 3, "/nonexistent/hvlint not found"),
        (["--tree", "@TREE@", "--sample", "1"], 2, "--sample must be at least 2"),
    ],
)
def test_bad_input_is_one_line_and_its_own_exit_code(
    tmp_path: Path, capsys, monkeypatch, argv, code, message
) -> None:
    need("make", "gcc", "aarch64-linux-gnu-gcc")
    monkeypatch.delenv("HVLINT_KERNEL_TREE", raising=False)
    tree = judge_tree(tmp_path / "linux", x86_apis=False)
    argv = [str(tree) if a == "@TREE@" else a for a in argv] + ["--work", str(tmp_path / "work")]
    if code == 2:
        with pytest.raises(SystemExit) as exit_:
            judge.main(argv)
        assert exit_.value.code == 2
    else:
        assert judge.main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]
    assert code == 2 or len(err) == 1
