"""Kconfig edges: the cases a one-symbol change in the judge would get wrong.

Each test adds one construct to test_kconfig's kernel-shaped tree and asks which arch the
tree builds a file for (``Linter.build_arch``), as HV102-HV104 do.
"""

from __future__ import annotations

from test_kconfig import append, classes


def test_a_default_y_member_of_a_two_member_choice_can_be_off(tree) -> None:
    # On arm64 the choice picks one of two granules; HV_GRANULE_DEFAULT has no prompt and
    # `default y`, yet choosing HV_GRANULE_64K turns it off, so a driver that needs it off
    # is built for arm64 too.
    files = append("arch/arm64/Kconfig", (
        '\nchoice\n\tprompt "Hyper-V guest page granule"\n\n'
        'config HV_GRANULE_64K\n\tbool "64K granule"\n\n'
        "config HV_GRANULE_DEFAULT\n\tbool\n\tdefault y\n\n"
        "endchoice\n"
    ))
    files["drivers/hv/Kconfig"] += (
        '\nconfig HYPERV_LARGE_PAGES\n\ttristate "Large page support"\n'
        "\tdepends on HYPERV && !HV_GRANULE_DEFAULT\n"
    )
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HYPERV_LARGE_PAGES) += hv_large.o\n"
    arch, linter = classes(tree, files)
    assert arch("drivers/hv/hv_large.c") is None
    assert linter.builds.note("drivers/hv/hv_large.c") is None


def test_a_choice_of_one_keeps_its_default_member_on(tree) -> None:
    # A one-member choice cannot pick another member: `default y` holds it on.
    files = append("arch/arm64/Kconfig", (
        '\nchoice\n\tprompt "Hyper-V guest page granule"\n\n'
        "config HV_GRANULE_DEFAULT\n\tbool\n\tdefault y\n\n"
        "endchoice\n"
    ))
    files["drivers/hv/Kconfig"] += (
        '\nconfig HYPERV_LARGE_PAGES\n\ttristate "Large page support"\n'
        "\tdepends on HYPERV && !HV_GRANULE_DEFAULT\n"
    )
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HYPERV_LARGE_PAGES) += hv_large.o\n"
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv_large.c") == "x86"
