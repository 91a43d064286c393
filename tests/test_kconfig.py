"""Kconfig and Makefiles decide which files outside arch/ only build for x86."""

from __future__ import annotations

from hvlint.engine import Linter
from hvlint.config import Settings

KCONFIG = {
    "Kconfig": 'source "drivers/hv/Kconfig"\n',
    "arch/x86/Kconfig": "config X86_LOCAL_APIC\n\tdef_bool y\n\tdepends on X86_64 || SMP\n",
    "arch/arm64/Kconfig": "config CPU_BIG_ENDIAN\n\tbool \"Build big-endian kernel\"\n",
    "arch/parisc/Kconfig": "config CPU_BIG_ENDIAN\n\tdef_bool y\n",
    "drivers/hv/Kconfig": (
        "menu \"Hyper-V\"\n\n"
        "config HYPERV\n\ttristate \"Hyper-V client drivers\"\n"
        "\tdepends on (X86 && X86_LOCAL_APIC) \\\n\t\t|| (ACPI && ARM64 && !CPU_BIG_ENDIAN)\n"
        "\thelp\n\t  Mentions X86 and depends on nothing.\n\n"
        "config HYPERV_TIMER\n\tdef_bool HYPERV && X86\n\n"
        "config HYPERV_VTL_MODE\n\tbool \"VTL\"\n\tdepends on X86_64 && HYPERV\n\n"
        "config HYPERV_SOMETIMES\n\ttristate \"x86, or any arch in compile tests\"\n"
        "\tdepends on X86 || COMPILE_TEST\n\n"
        "if ARM64\nconfig HYPERV_ARM_ONLY\n\tbool \"arm64 thing\"\nendif\n\nendmenu\n"
    ),
    "drivers/Makefile": "obj-$(CONFIG_HYPERV) += hv/\nobj-y += clocksource/\n",
    "drivers/hv/Makefile": (
        "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\n"
        "hv_vmbus-y := vmbus_drv.o \\\n\t\thv.o\n"
        "obj-$(CONFIG_HYPERV_VTL_MODE) += hv_vtl.o\n"
        "hv_vtl-y := hv_vtl_main.o\n"
        "obj-$(CONFIG_HYPERV_SOMETIMES) += hv_sometimes.o\n"
        "obj-$(CONFIG_HYPERV_ARM_ONLY) += hv_arm.o\n"
    ),
    "drivers/clocksource/Makefile": "obj-$(CONFIG_HYPERV_TIMER)\t+= hyperv_timer.o\n",
}


def test_build_classes(tree):
    root = tree(KCONFIG)
    linter = Linter(Settings(), root)
    arch = lambda p: (linter.build_arch(p) or (None,))[0]  # noqa: E731
    assert arch("drivers/clocksource/hyperv_timer.c") == "x86"
    assert arch("drivers/hv/hv_vtl_main.c") == "x86"  # composite object of an x86-only symbol
    assert arch("drivers/hv/hv.c") is None  # HYPERV builds for arm64 too
    assert arch("drivers/hv/hv_sometimes.c") == "x86"  # COMPILE_TEST is not a real arm64 build
    assert arch("drivers/hv/hv_arm.c") == "arm64"
    assert arch("include/linux/hyperv.h") is None
    reason = linter.build_arch("drivers/clocksource/hyperv_timer.c")[1]
    assert "drivers/clocksource/Makefile:1" in reason and "drivers/hv/Kconfig" in reason


def test_no_kconfig_means_no_build_class(tree):
    root = tree({"drivers/clocksource/Makefile": "obj-$(CONFIG_HYPERV_TIMER) += hyperv_timer.o\n"})
    assert Linter(Settings(), root).build_arch("drivers/clocksource/hyperv_timer.c") is None


def test_kconfig_can_be_switched_off(tree):
    root = tree(KCONFIG)
    assert Linter(Settings(use_kconfig=False), root).build_arch("drivers/clocksource/hyperv_timer.c") is None
