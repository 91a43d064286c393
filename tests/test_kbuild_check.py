"""hvlint run as kbuild runs its checker: ``$(CHECK) $(CHECKFLAGS) $(c_flags) FILE.c`` from the
object tree (scripts/Makefile.build), on a kernel-shaped tree from before the alias rename and
a fake object tree holding this build's autoconf.h, auto.conf and version.h."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from conftest import write_tree
from scheme_trees import PRE_RENAME

PROBE = """\
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/version.h>
#include <asm/mshyperv.h>

void hv_probe_regs(void)
{
#if IS_ENABLED(CONFIG_HYPERV_TESTING)
	hv_set_register(HV_REGISTER_EOM, 0);
#endif
#ifdef CONFIG_HYPERV_PROBE_UNSET
	hv_set_register(HV_REGISTER_SIMP, 0);
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0) && !defined(MODULE)
	hv_set_register(HV_REGISTER_SIMP, 1);
#endif
	hv_set_register(HV_REGISTER_SCONTROL, 0);
}
"""
LINES = {"testing": 8, "unset": 11, "version": 14, "always": 16}
# scripts/checker-valid.sh's probe (7.x), run outside the tree with CHECKFLAGS only
CHECKER_VALID = "static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n"
AUTOCONF = {
    "x86": "#define CONFIG_X86 1\n#define CONFIG_X86_64 1\n#define CONFIG_64BIT 1\n",
    "arm64": "#define CONFIG_ARM64 1\n#define CONFIG_64BIT 1\n",
}
AUTO_CONF = {"x86": "CONFIG_X86=y\nCONFIG_X86_64=y\nCONFIG_64BIT=y\n", "arm64": "CONFIG_ARM64=y\nCONFIG_64BIT=y\n"}
CHECKFLAGS = {
    "x86": "-D__x86_64__ --arch=x86_64 -mlittle-endian -m64".split(),
    "arm64": "-D__aarch64__ -D__AARCH64EL__ --arch=arm64 -mlittle-endian -m64".split(),
}


def checkflags(arch: str) -> List[str]:
    """The top Makefile's CHECKFLAGS, then the arch's."""
    common = "-D__linux__ -Dlinux -D__STDC__ -Dunix -D__unix__ -Wbitwise -Wno-return-void -Wno-unknown-attribute"
    return common.split() + CHECKFLAGS[arch]


def c_flags(arch: str, src: str, module: bool) -> List[str]:
    """$(c_flags) of drivers/hv/hv_probe.o, shaped as kbuild writes it (``src``: $(srctree))."""
    flags = [
        "-Wp,-MMD,drivers/hv/.hv_probe.o.d", "-nostdinc",
        f"-I{src}/arch/{arch}/include", f"-I./arch/{arch}/include/generated", f"-I{src}/include", "-I./include",
        f"-I{src}/include/uapi", "-I./include/generated/uapi",
        "-include", f"{src}/include/linux/compiler-version.h", "-include", f"{src}/include/linux/kconfig.h",
        "-D__KERNEL__", f"-fmacro-prefix-map={src}/=", "-Wall", "-Wundef", "-Werror=strict-prototypes",
        "-fno-strict-aliasing", "-std=gnu11", "-mno-red-zone" if arch == "x86" else "-mgeneral-regs-only",
        "-O2", "--param", "asan-globals=1", "-fsanitize=kernel-address", "-g", "-pg",
        "-I", f"{src}/drivers/hv", "-I", "./drivers/hv",
    ]
    if module:
        flags.append("-DMODULE")
    return flags + ['-DKBUILD_BASENAME="hv_probe"', '-DKBUILD_MODNAME="hv_probe"', "-D__KBUILD_MODNAME=kmod_hv_probe"]


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    files = dict(PRE_RENAME)
    files["drivers/hv/hv_probe.c"] = PROBE
    files["include/linux/kconfig.h"] = "/* SPDX-License-Identifier: GPL-2.0 */\n#include <generated/autoconf.h>\n"
    files["include/linux/compiler-version.h"] = "/* SPDX-License-Identifier: GPL-2.0 */\n"
    return write_tree(tmp_path / "linux", files)


def object_tree(top: Path, arch: str, extra: str = "", version: int = 0x60900, header: bool = True) -> Path:
    """This build's generated configuration under ``top``."""
    files = {
        "include/config/auto.conf": AUTO_CONF[arch] + "".join(
            f"{line.split()[1]}=y\n" for line in extra.splitlines()
        ),
        "include/generated/uapi/linux/version.h": f"#define LINUX_VERSION_CODE {version}\n"
        "#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))\n",
    }
    if header:
        files["include/generated/autoconf.h"] = AUTOCONF[arch] + extra
    return write_tree(top, files)


def run_checker(argv: List[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "HVLINT_FAIL_BUILD"}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "hvlint", *argv], cwd=cwd, env=environ, capture_output=True, text=True, check=False
    )


def reported(stderr: str, path: str) -> Dict[int, str]:
    """Line -> rule code of the gcc-style diagnostics about ``path`` (the ``note:`` lines that
    explain a finding carry no ``[HVnnn TYPE]`` tag and are left aside)."""
    out = {}
    for line in stderr.splitlines():
        if line.startswith(path + ":") and re.search(r"\[HV\d+ \w+\]$", line):
            out[int(line.split(":")[1])] = line.rsplit("[", 1)[1].split()[0]
    return out


@pytest.mark.parametrize("arch", ["x86", "arm64"])
def test_an_o_build_judges_each_if_with_its_own_configuration(tree: Path, tmp_path: Path, arch: str):
    obj = object_tree(tmp_path / "obj", arch, extra="#define CONFIG_HYPERV_TESTING 1\n")
    src = str(tree / "drivers/hv/hv_probe.c")
    run = run_checker(checkflags(arch) + c_flags(arch, str(tree), module=False) + [src], obj)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    # set: reported; never set in this build: not; 6.9 and built in: reported
    assert reported(run.stderr, src) == {LINES["testing"]: "HV103", LINES["version"]: "HV103", LINES["always"]: "HV103"}
    assert f"{src}:{LINES['always']}:18: warning: " in run.stderr  # gcc-style, at the register


def test_the_same_file_in_another_build_gets_that_builds_answers(tree: Path, tmp_path: Path):
    """CONFIG_HYPERV_TESTING off, an older kernel, built as a module: only the plain call."""
    obj = object_tree(tmp_path / "obj", "x86", version=0x60100)
    src = str(tree / "drivers/hv/hv_probe.c")
    run = run_checker(checkflags("x86") + c_flags("x86", str(tree), module=True) + [src], obj)
    assert run.returncode == 0, run.stderr
    assert reported(run.stderr, src) == {LINES["always"]: "HV103"}


def test_auto_conf_stands_in_for_a_missing_autoconf_header(tree: Path, tmp_path: Path):
    obj = object_tree(tmp_path / "obj", "x86", extra="#define CONFIG_HYPERV_TESTING 1\n", version=0x60100, header=False)
    src = str(tree / "drivers/hv/hv_probe.c")
    run = run_checker(checkflags("x86") + c_flags("x86", str(tree), module=False) + [src], obj)
    assert reported(run.stderr, src) == {LINES["testing"]: "HV103", LINES["always"]: "HV103"}


def test_a_plain_run_cannot_tell_and_reports_every_call(tree: Path):
    run = run_checker(["drivers/hv/hv_probe.c"], tree)
    assert run.returncode == 1
    lines = {int(line.split(":")[1]) for line in run.stdout.splitlines() if line.startswith("drivers/hv/hv_probe.c:")}
    assert lines == set(LINES.values())


def test_an_in_tree_build_gives_paths_as_make_does(tree: Path):
    object_tree(tree, "arm64", extra="#define CONFIG_HYPERV_TESTING 1\n", version=0x60100)
    argv = checkflags("arm64") + c_flags("arm64", ".", module=False) + ["drivers/hv/hv_probe.c"]
    run = run_checker(argv, tree)
    assert run.returncode == 0, run.stderr
    assert reported(run.stderr, "drivers/hv/hv_probe.c") == {LINES["testing"]: "HV103", LINES["always"]: "HV103"}


def test_findings_fail_the_build_only_when_asked(tree: Path, tmp_path: Path):
    obj = object_tree(tmp_path / "obj", "x86")
    src = str(tree / "drivers/hv/hv_probe.c")
    argv = checkflags("x86") + c_flags("x86", str(tree), module=False) + [src]
    assert run_checker(argv, obj, {"HVLINT_FAIL_BUILD": "1"}).returncode == 1
    assert run_checker(argv, obj, {"HVLINT_FAIL_BUILD": "0"}).returncode == 0
    asked = run_checker(["--fail-build", "--ignore", "HV101"] + argv, obj)  # CHECK="hvlint --fail-build ..."
    assert asked.returncode == 1 and reported(asked.stderr, src)
    ignored = run_checker(["--fail-build", "--ignore", "GENERIC_REG_PREFIX"] + argv, obj)
    assert ignored.returncode == 0 and ignored.stderr == ""


def test_a_clean_file_of_the_build_prints_nothing(tree: Path, tmp_path: Path):
    obj = object_tree(tmp_path / "obj", "x86")
    src = str(tree / "drivers/clocksource/hyperv_timer.c")
    run = run_checker(checkflags("x86") + c_flags("x86", str(tree), module=False) + [src], obj)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


@pytest.mark.parametrize("arch", ["x86", "arm64"])
def test_the_checker_valid_probe_passes(tmp_path: Path, arch: str):
    """checker-valid.sh: a mktemp file (no .c) outside any tree, CHECKFLAGS only; "error" in
    the output would turn C= off."""
    probe = tmp_path / "tmp.Xa81Qz"
    probe.write_text(CHECKER_VALID)
    run = run_checker(checkflags(arch) + [str(probe)], tmp_path)
    assert run.returncode == 0
    assert "error" not in run.stdout + run.stderr


def test_a_file_outside_any_tree_with_hyperv_names_is_judged_by_the_tables(tmp_path: Path):
    probe = tmp_path / "mod.c"
    probe.write_text("void f(void)\n{\n\thv_set_register(HV_REGISTER_SCONTROL, 0);\n}\n")
    run = run_checker(checkflags("x86") + ["-D__KERNEL__", "-DMODULE", str(probe)], tmp_path)
    assert run.returncode == 0
    assert "error" not in run.stderr and "Traceback" not in run.stderr


def test_a_missing_source_is_one_error_line(tmp_path: Path):
    run = run_checker(checkflags("x86") + [str(tmp_path / "gone.c")], tmp_path)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "gone.c" in run.stderr and "Traceback" not in run.stderr


def test_a_path_before_the_compiler_options_is_a_usage_error(tree: Path, tmp_path: Path):
    obj = object_tree(tmp_path / "obj", "x86")
    run = run_checker(["drivers/hv/hv.c"] + checkflags("x86") + [str(tree / "drivers/hv/hv_probe.c")], obj)
    assert run.returncode == 2 and run.stderr.startswith("hvlint: error: ") and run.stderr.count("\n") == 1


@pytest.mark.skipif(shutil.which("sh") is None, reason="no sh to run the checker-valid shape with")
def test_the_checker_valid_pipeline_prints_1(tmp_path: Path):
    """checker-valid.sh's own test: the checker's output through awk /error/ must leave c=1."""
    probe = tmp_path / "tmp.Q2"
    probe.write_text(CHECKER_VALID)
    cmd = " ".join([sys.executable, "-m", "hvlint", *checkflags("x86"), str(probe)])
    out = subprocess.run(
        ["sh", "-c", cmd + " 2>&1 | awk -v c=1 '/error/{c=0}END{print c}'"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "1"
