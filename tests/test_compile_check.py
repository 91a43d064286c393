"""tools/compile_check.py's pure parts (issue 13, "proven by the compiler").

The objdump tests compile small kernel-shaped C files with the host gcc and with Debian's arm64
cross gcc (each skipped when missing) and read them back with objdump, as the script does with
the real objects: a rename must not show, a changed MSR number must, a moved ``__LINE__`` must
be told apart, and data sections must not count. The object-list tests write a small kernel-shaped tree of Makefiles.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(TOOLS))

import compile_check  # noqa: E402
import hvobjects  # noqa: E402
import objcode  # noqa: E402
import patchinfo  # noqa: E402

TOOLCHAINS = {"x86_64": "", "arm64": "aarch64-linux-gnu-"}


@pytest.fixture(params=sorted(TOOLCHAINS))
def cross(request) -> str:
    """The prefix of a gcc and objdump pair (host x86_64, Debian's arm64 cross); skipped when
    the pair is missing."""
    prefix = TOOLCHAINS[request.param]
    if shutil.which(prefix + "gcc") is None or shutil.which(prefix + "objdump") is None:
        pytest.skip(f"needs {prefix}gcc and {prefix}objdump")
    return prefix


SYNIC = """\
#define HV_X64_MSR_SCONTROL		0x40000080
#define HV_SYN_REG_SCONTROL		HV_X64_MSR_SCONTROL
extern void native_wrmsrl(unsigned int msr, unsigned long long val);
extern unsigned long long native_rdmsrl(unsigned int msr);
extern void hv_report(const char *func, int line);
#define noinline __attribute__((__noinline__))

static noinline void @NAME@(unsigned int reg, unsigned long long val)
{
	if (val & 1)
		native_wrmsrl(reg, val | 2);
	else
		native_wrmsrl(reg, val);
}

void hv_synic_enable_regs(unsigned int cpu)
{
	unsigned long long sctrl = native_rdmsrl(@REG@);

	@NAME@(@REG@, sctrl | cpu);
	hv_report(__func__, 0);
}
"""


def disassemble(tmp: Path, cross: str, name: str, source: str, *flags: str) -> objcode.Code:
    """Compile ``source`` as ``name``.c with ``<cross>gcc -O2`` and normalise its objdump."""
    c_file = tmp / f"{name}.c"
    c_file.write_text(source, encoding="utf-8")
    obj = tmp / f"{name}.o"
    subprocess.run([cross + "gcc", "-O2", "-c", *flags, str(c_file), "-o", str(obj)], check=True)
    done = subprocess.run([cross + "objdump", "-drtwz", str(obj)], capture_output=True, text=True)
    return objcode.normalise(done.stdout)


def synic(name: str = "hv_set_register", reg: str = "HV_SYN_REG_SCONTROL") -> str:
    return SYNIC.replace("@NAME@", name).replace("@REG@", reg)


@pytest.mark.parametrize("flags", [(), ("-ffunction-sections",)])
def test_renamed_macro_and_function_keep_their_code(tmp_path: Path, cross: str, flags) -> None:
    before = disassemble(tmp_path, cross, "before", synic(), *flags)
    after = disassemble(tmp_path, cross, "after", synic("hv_set_msr", "HV_X64_MSR_SCONTROL"), *flags)
    assert before.instructions > 5
    assert objcode.compare(before, after) is None
    # gcc specialises the static helper; the clone's suffix stays and the name is set aside
    pairs = objcode.renamed(before, after)
    assert pairs == [("hv_set_register.constprop.0", "hv_set_msr.constprop.0")]
    rules = objcode.RenameRules.of({"hv_set_register"}, {"hv_set_msr"}, [(before, after)])
    assert objcode.unexplained_renames(pairs, rules) == []
    rules.removed = set()
    assert objcode.unexplained_renames(pairs, rules) == [
        "hv_set_register.constprop.0 -> hv_set_msr.constprop.0: not a rename the patch makes"
    ]


def test_a_wrong_msr_number_is_a_code_difference(tmp_path: Path, cross: str) -> None:
    before = disassemble(tmp_path, cross, "before", synic())
    wrong = synic().replace("0x40000080", "0x40000081")
    difference = objcode.compare(before, disassemble(tmp_path, cross, "after", wrong))
    assert difference is not None and difference.why == "code"
    shown = "\n".join(difference.first)
    # x86 loads the MSR number whole; arm64 in two halves, the low one changes
    old, new = ("#0x80", "#0x81") if cross else ("$0x40000080", "$0x40000081")
    assert old in shown and new in shown


def test_a_call_to_another_function_is_not_a_rename(tmp_path: Path, cross: str) -> None:
    before = disassemble(tmp_path, cross, "before", synic())
    other = synic().replace("native_wrmsrl(reg, val);", "native_wrmsrl(reg, val + 0);")
    other = other.replace("native_wrmsrl(reg, val | 2)", "hv_report(0, 2)")
    assert objcode.compare(before, disassemble(tmp_path, cross, "after", other)) is not None


LINES = """\
extern void __might_sleep(const char *file, int line);
extern void hv_note(int line);
static const int hv_bug_lines[] = { __LINE__ };
const int *hv_bug_table(void) { return hv_bug_lines; }
void hv_balloon_up(void)
{
	__might_sleep("hv_balloon.c", __LINE__);
}
"""


def test_a_moved_line_number_is_told_apart(tmp_path: Path, cross: str) -> None:
    grown = "#define HV_SYN_REG_EOM 0x40000084\n#define HV_SYN_REG_SINT0 0x40000090\n" + LINES
    diff = "".join(
        difflib.unified_diff(
            LINES.splitlines(True), grown.splitlines(True), "a/hv_balloon.c", "b/hv_balloon.c"
        )
    )
    info = patchinfo.parse(diff)
    before = disassemble(tmp_path, cross, "before", LINES)
    after = disassemble(tmp_path, cross, "after", grown)
    difference = objcode.compare(before, after, info.line_moved)
    assert difference is not None and difference.why == "line numbers"
    # the same change, unexplained by the patch, is code
    unexplained = objcode.compare(before, after, lambda old, new: False)
    assert unexplained is not None and unexplained.why == "code"


def test_data_sections_are_not_compared(tmp_path: Path, cross: str) -> None:
    # hv_bug_lines[] (a __LINE__ in data, like a BUG table entry) moves; the code does not
    table = LINES.replace("__might_sleep(\"hv_balloon.c\", __LINE__);", "hv_note(7);")
    before = disassemble(tmp_path, cross, "before", table)
    after = disassemble(tmp_path, cross, "after", "\n\n\n" + table.replace('"hv_balloon.c"', '"x"'))
    assert objcode.compare(before, after) is None


X86_TEXT = """\

t.o:     file format elf64-x86-64

SYMBOL TABLE:
0000000000000000 l    df *ABS*\t0000000000000000 t.c
0000000000000000 l    d  .text.hv_stimer_init\t0000000000000000 .text.hv_stimer_init
0000000000000000 g     F .text.hv_stimer_init\t0000000000000010 hv_stimer_init
0000000000000000         *UND*\t0000000000000000 hv_set_register
0000000000000000 g     O .bss\t0000000000000100 hv_stimer0_irq


Disassembly of section .text.hv_stimer_init:

0000000000000000 <hv_stimer_init>:
   0:\tbf b0 00 0b 00       \tmov    $0xb00b0,%edi
   5:\te8 00 00 00 00       \tcall   a <hv_stimer_init+0xa>\t6: R_X86_64_PLT32\thv_set_register-0x4
   a:\t48 c7 05 00 00 00 00 00 00 00 00 \tmovq   $0x0,0x0(%rip)        # 15 <hv_stimer_init+0x15>\td: R_X86_64_PC32\thv_stimer0_irq+0x90
\t11: R_X86_64_32S\thv_stimer0_irq+0x98
  15:\teb e9                \tjmp    0 <hv_stimer_init>
"""


def test_normalise_sets_addresses_and_names_aside() -> None:
    code = objcode.normalise(X86_TEXT)
    assert code.lines == [
        "section .text.S1",
        "S1:",
        "bf b0 00 0b 00\tmov $0xb00b0,%edi",
        "e8 00 00 00 00\tcall <S1+0xa>",
        "  reloc +1 R_X86_64_PLT32 S2-0x4",
        "48 c7 05 00 00 00 00 00 00 00 00\tmovq $0x0,0x0(%rip) # <S1+0x15>",
        "  reloc +3 R_X86_64_PC32 S3+0x90",
        "  reloc +7 R_X86_64_32S S3+0x98",
        "eb e9\tjmp <S1>",
    ]
    assert code.instructions == 4
    assert code.names == ["hv_stimer_init", "hv_set_register", "hv_stimer0_irq"]


def test_relocation_addend_into_data_is_data_offsets() -> None:
    old = ["48 c7 c7 00 00 00 00\tmov $0x0,%rdi", "  reloc +3 R_X86_64_32S .rodata+0x40"]
    new = ["48 c7 c7 00 00 00 00\tmov $0x0,%rdi", "  reloc +3 R_X86_64_32S .rodata+0x60"]
    assert objcode.explain(old, new, lambda a, b: False) == "data offsets"
    other = ["48 c7 c7 00 00 00 00\tmov $0x0,%rdi", "  reloc +3 R_X86_64_32S S4+0x40"]
    assert objcode.explain(old, other, lambda a, b: False) == "code"


def test_renames_the_patch_does_not_make_are_reported() -> None:
    def code(*names: str) -> objcode.Code:
        return objcode.Code(names=list(names))

    objects = [
        (code("hv_get_msr", "__key.12"), code("hv_get_register", "__key.13")),
        (code("hv_get_non_nested_msr"), code("hv_get_non_nested_register")),
    ]
    removed = {"hv_get_msr", "hv_get_non_nested_msr", "hv_a"}
    added = {"hv_get_register", "hv_get_non_nested_register", "hv_get_non_nested_msr"}
    rules = objcode.RenameRules.of(removed, added, objects)
    pairs = [("hv_get_msr", "hv_get_register"), ("__key.12", "__key.13"), ("hv_a", "hv_b")]
    assert objcode.unexplained_renames(pairs, rules) == ["hv_a -> hv_b: not a rename the patch makes"]
    # a call moved to a function that was there already is no rename, whatever the patch adds
    moved = [("hv_get_msr", "hv_get_non_nested_msr")]
    assert objcode.unexplained_renames(moved, rules) == [
        "hv_get_msr -> hv_get_non_nested_msr: hv_get_non_nested_msr is a symbol before the patch too"
    ]
    # nor is one moved to another function's new name (one object renames it, another not so)
    objects.append((code("hv_get_msr"), code("hv_get_non_nested_register")))
    rules = objcode.RenameRules.of(removed, added, objects)
    assert objcode.unexplained_renames([("hv_get_msr", "hv_get_non_nested_register")], rules) == [
        "hv_get_msr -> hv_get_non_nested_register: not one rename in every object "
        "(hv_get_msr, hv_get_non_nested_msr, hv_get_non_nested_register, hv_get_register)"
    ]


PATCH = """\
diff --git a/include/asm-generic/mshyperv.h b/include/asm-generic/mshyperv.h
--- a/include/asm-generic/mshyperv.h
+++ b/include/asm-generic/mshyperv.h
@@ -10,0 +11,2 @@
+#define HV_SYN_REG_EOM		HV_X64_MSR_EOM
+#define HV_SYN_REG_SINT0	HV_X64_MSR_SINT0
@@ -40,3 +42,2 @@ static inline void vmbus_signal_eom(void)
 {
-	hv_set_register(HV_REGISTER_EOM, 0);
-	hv_set_register(HV_REGISTER_EOM, 0);
+	hv_set_register(HV_SYN_REG_EOM, 0);
 }
"""


def test_patch_line_map_and_identifiers() -> None:
    info = patchinfo.parse(PATCH)
    assert info.paths() == ["include/asm-generic/mshyperv.h"]
    moved = info.files[0].moved_line
    assert [moved(n) for n in (10, 11, 40, 41, 42, 43, 50)] == [10, 13, 42, None, None, 44, 51]
    assert info.line_moved(11, 13) and not info.line_moved(11, 12)
    assert "HV_REGISTER_EOM" in info.removed and "HV_SYN_REG_EOM" in info.added


def write(root: Path, files: Dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


TREE = {
    "Makefile": "# top\n",
    "drivers/Makefile": "obj-$(subst m,y,$(CONFIG_HYPERV))\t+= hv/\n",
    "drivers/hv/Makefile": "obj-$(CONFIG_HYPERV) += hv_vmbus.o\nhv_vmbus-y := vmbus_drv.o hv.o\n",
    "drivers/hv/vmbus_drv.c": "",
    "drivers/hv/hv.c": "",
    "drivers/hv/hv_debugfs.c": "",
    "drivers/iommu/Makefile": "obj-$(CONFIG_HYPERV_IOMMU) += hyperv-iommu.o\n",
    "drivers/iommu/hyperv-iommu.c": "",
    "drivers/pci/controller/Makefile": "obj-$(CONFIG_PCI_HYPERV) += pci-hyperv.o\n"
    "obj-$(CONFIG_PCI_HYPERV_INTERFACE) += \\\n\tpci-hyperv-intf.o\n",
    "drivers/pci/controller/pci-hyperv.c": "",
    "drivers/pci/controller/pci-hyperv-intf.c": "",
    "arch/x86/Kbuild": "obj-$(subst m,y,$(CONFIG_HYPERV)) += hyperv/\n",
    "arch/x86/Makefile": "# not read: Kbuild is\n",
    "arch/x86/hyperv/Makefile": "obj-y := hv_init.o\n",
    "arch/x86/hyperv/hv_init.c": "",
    "arch/arm64/Kbuild": "obj-$(subst m,y,$(CONFIG_HYPERV)) += hyperv/\n",
    "arch/arm64/hyperv/Makefile": "obj-y := hv_core.o\n",
    "arch/arm64/hyperv/hv_core.c": "",
}
X86 = hvobjects.Arch("x86_64", "x86", "x86", "", "objdump")
ARM64 = hvobjects.Arch("arm64", "arm64", "arm64", "aarch64-linux-gnu-", "aarch64-linux-gnu-objdump")
SPECS = [
    "drivers/hv/", "arch/*/hyperv/", "drivers/pci/controller/pci-hyperv*.o",
    "drivers/iommu/hyperv-iommu.o", "arch/x86/kernel/cpu/mshyperv.o",
]


def test_resolve_reads_the_makefiles_and_the_config(tmp_path: Path) -> None:
    tree = write(tmp_path, TREE)
    config = {"CONFIG_HYPERV": "m", "CONFIG_PCI_HYPERV": "m", "CONFIG_PCI_HYPERV_INTERFACE": "m"}
    arm = hvobjects.resolve(tree, SPECS, ARM64, config)
    assert arm == [
        hvobjects.Unit("drivers/hv/"),
        hvobjects.Unit("arch/arm64/hyperv/"),
        hvobjects.Unit("drivers/pci/controller/pci-hyperv-intf.o"),
        hvobjects.Unit("drivers/pci/controller/pci-hyperv.o"),
        hvobjects.Unit("drivers/iommu/hyperv-iommu.o", "CONFIG_HYPERV_IOMMU not set"),
    ]
    x86 = hvobjects.resolve(tree, SPECS, X86, dict(config, CONFIG_HYPERV_IOMMU="y"))
    assert hvobjects.Unit("arch/x86/hyperv/") in x86
    assert hvobjects.Unit("drivers/iommu/hyperv-iommu.o") in x86
    assert hvobjects.Unit("arch/x86/kernel/cpu/mshyperv.o", "not in this tree") in x86
    no_hyperv = hvobjects.resolve(tree, ["drivers/hv/"], X86, {})
    assert no_hyperv == [hvobjects.Unit("drivers/hv/", "CONFIG_HYPERV not set")]


def test_compiled_objects_leave_composites_out(tmp_path: Path) -> None:
    build = write(tmp_path, {
        "drivers/hv/.hv.o.cmd": "savedcmd_drivers/hv/hv.o := gcc ...\nsource_drivers/hv/hv.o := x\n",
        "drivers/hv/hv.o": "",
        "drivers/hv/.hv_vmbus.o.cmd": "savedcmd_drivers/hv/hv_vmbus.o := ld -r ...\n",
        "drivers/hv/hv_vmbus.o": "",
        "drivers/hv/.gone.o.cmd": "source_drivers/hv/gone.o := x\n",
    })
    assert hvobjects.compiled_objects(build, hvobjects.Unit("drivers/hv/")) == ["drivers/hv/hv.o"]
    tree = write(tmp_path / "linux", {"drivers/hv/hv.c": "", "drivers/hv/hv_debugfs.c": ""})
    notes = hvobjects.unbuilt_sources(tree, build, hvobjects.Unit("drivers/hv/"), "arm64")
    assert notes == ["arm64: not built by this configuration: drivers/hv/hv_debugfs.c"]


def test_failed_objects_come_from_make_errors() -> None:
    log = (
        "  CC [M]  drivers/hv/hv.o\n"
        "make[4]: *** [/src/scripts/Makefile.build:250: drivers/hv/hv.o] Error 1\n"
        "make[2]: *** [/src/scripts/Makefile.build:500: drivers/hv] Error 2\n"
    )
    assert hvobjects.failed_objects(log) == {"drivers/hv/hv.o"}


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["--arch", "sparc"], 2, "unknown arch sparc"),
        (["--patch", "/nonexistent.patch"], 4, "cannot read"),
        (["--tree", "/"], 3, "is not a kernel tree"),
    ],
)
def test_bad_input_is_one_line_and_its_own_exit_code(
    tmp_path: Path, capsys, argv, code, message
) -> None:
    if shutil.which("make") is None or shutil.which("gcc") is None:
        pytest.skip("needs make and gcc")
    patch = write(tmp_path, {"p.patch": PATCH}) / "p.patch"
    base = ["--tree", str(tmp_path), "--patch", str(patch), "--arch", "x86_64"]
    base += ["--work", str(tmp_path / "work")]
    assert compile_check.main(base + argv) == code
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


SECOND = """\
diff --git a/drivers/hv/hv.c b/drivers/hv/hv.c
--- a/drivers/hv/hv.c
+++ b/drivers/hv/hv.c
@@ -1,2 +1,2 @@
 #include <asm/mshyperv.h>
-u64 hv_scontrol(void) { return hv_get_register(HV_REGISTER_SCONTROL); }
+u64 hv_scontrol(void) { return hv_get_register(HV_SYN_REG_SCONTROL); }
"""


def test_the_work_copy_takes_one_patch_off_before_the_next(tmp_path: Path) -> None:
    if shutil.which("patch") is None:
        pytest.skip("needs patch")
    header = "".join(f"/* line {n} */\n" for n in range(1, 41)) + "\n"
    tree = write(tmp_path / "linux", {
        "include/asm-generic/mshyperv.h": header,
        "drivers/hv/hv.c": "#include <asm/mshyperv.h>\n"
        "u64 hv_scontrol(void) { return hv_get_register(HV_REGISTER_SCONTROL); }\n",
    })
    first = write(tmp_path, {"first.patch": PATCH.replace(
        "-\thv_set_register(HV_REGISTER_EOM, 0);\n-\thv_set_register(HV_REGISTER_EOM, 0);\n"
        "+\thv_set_register(HV_SYN_REG_EOM, 0);\n }\n",
        "-/* line 40 */\n+/* line forty */\n \n",
    ).replace("@@ -40,3 +42,2 @@ static inline void vmbus_signal_eom(void)\n {\n", "@@ -40,2 +42,2 @@\n")})
    second = write(tmp_path, {"second.patch": SECOND})
    source = compile_check.Source(tree, tmp_path / "work")
    source.patch(first / "first.patch")
    text = (source.path / "include/asm-generic/mshyperv.h").read_text()
    assert "HV_SYN_REG_EOM" in text and "line forty" in text
    source.patch(second / "second.patch")
    assert (source.path / "include/asm-generic/mshyperv.h").read_text() == header
    assert "HV_SYN_REG_SCONTROL" in (source.path / "drivers/hv/hv.c").read_text()
    assert "HV_REGISTER_SCONTROL" in (tree / "drivers/hv/hv.c").read_text()
    stale = write(tmp_path, {"stale.patch": SECOND.replace("-u64 hv_scontrol", "-u32 hv_scontrol")})
    with pytest.raises(compile_check.Failure) as refused:
        source.patch(stale / "stale.patch")
    assert refused.value.code == 4
    assert str(refused.value).endswith("does not apply to " + str(tree) + ": drivers/hv/hv.c: Hunk #1 FAILED at 1.")
    assert (source.path / "drivers/hv/hv.c").read_text() == (tree / "drivers/hv/hv.c").read_text()


def test_failed_objects_are_this_runs_not_the_last_ones(tmp_path: Path, monkeypatch) -> None:
    # a stand-in make: fails hv.o on its first run only, as a fixed patch would
    bin_dir = write(tmp_path, {"bin/make": (
        "#!/bin/sh\n"
        f"if [ ! -e {tmp_path}/ran ]; then touch {tmp_path}/ran; "
        "echo 'make[4]: *** [scripts/Makefile.build:250: drivers/hv/hv.o] Error 1'; exit 2; fi\n"
        "echo '  CC [M]  drivers/hv/hv.o'\n"
    )}) / "bin"
    (bin_dir / "make").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    out = tmp_path / "after-x86_64"
    out.mkdir()
    first = compile_check.build(tmp_path, out, X86, ["drivers/hv/"], "k1", 2)
    assert first["failed"] == ["drivers/hv/hv.o"] and first["rc"] == 2
    second = compile_check.build(tmp_path, out, X86, ["drivers/hv/"], "k2", 2)
    assert second["failed"] == [] and second["rc"] == 0
    assert compile_check.last_build(out, ["drivers/hv/"], "k2") == second
    assert compile_check.last_build(out, ["drivers/hv/"], "k1") is None
