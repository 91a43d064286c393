"""Generate a synthetic kernel-shaped source tree for the hvlint benchmark.

The tree has the shape of a real Linux source tree where it matters for a naming linter:
how many C sources and headers there are, how their sizes are spread (most files are a few
hundred lines, a handful of generated register headers run past 100,000), how many files
mention ``HV_``/``hv_`` at all (about one in a hundred, and most of those only in passing), and
a set of Hyper-V files laid out like a pre-v6.9 kernel (x86 ``HV_REGISTER_*`` MSR defines,
arm64 VP-register defines, drivers/hv calling ``hv_set_register(HV_REGISTER_*, ...)``, a
Kconfig/Makefile pair gating the timer to x86). All text is generated here; none is copied
from a kernel.

Sizes of the full preset were measured on Debian's linux-source-6.1: 55,405 .c/.h files,
31.6 million lines, 554 files matching ``HV_|hv_`` holding 3.4 million lines, 3,583 folders.

Usage: ``python bench/synth_tree.py DEST [--quick]``.
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

MENTION_RE = re.compile(rb"HV_|hv_")

# (quantile, lines) of the per-file line counts in linux-source-6.1, the curve files are drawn
# from (log-linear between points).
SIZE_QUANTILES = [
    (0.0, 1),
    (0.1, 28),
    (0.25, 69),
    (0.5, 203),
    (0.75, 545),
    (0.9, 1255),
    (0.99, 4802),
    (0.999, 20836),
    (1.0, 60000),
]
# The largest generated register headers of the real tree (they mention VMHV_ mailboxes).
GIANT_HEADER_LINES = [
    222893,
    154426,
    152483,
    133888,
    120339,
    118975,
    82050,
    70953,
    68033,
    64798,
    62717,
    62378,
    62061,
    61832,
]
# Share of files per top-level folder, from the same tree.
TOP_SHARE = [
    ("drivers", 0.515),
    ("arch", 0.173),
    ("include", 0.107),
    ("tools", 0.061),
    ("sound", 0.043),
    ("fs", 0.034),
    ("net", 0.031),
    ("kernel", 0.009),
    ("lib", 0.009),
    ("security", 0.004),
    ("samples", 0.003),
    ("mm", 0.003),
    ("crypto", 0.003),
    ("block", 0.002),
    ("scripts", 0.002),
    ("virt", 0.001),
]

WORDS = (
    "dev irq dma buf ring queue ctrl reg phy mac port link node page map lock list work timer "
    "clk pwr pm reset config stat info desc entry table ops init exit probe remove read write "
    "get set alloc free enable disable start stop flush sync poll event msg cmd req resp hdr "
    "data len addr offset mask shift val cnt idx id flags mode state priv ctx hw fw bus pci usb "
    "i2c spi gpio pin mux net skb sock inode dentry file block bio disk scsi ata nvme mmc sdio "
    "wlan eth vlan rx tx tso csum crc hash key aes sha rng tpm acpi of dt regulator thermal fan "
    "hwmon led input touch audio codec dai pcm mixer video fb drm crtc plane encoder panel gem "
    "vma mm slab cpu smp sched task pid cgroup bpf trace perf"
).split()
CONFIG_WORDS = (
    "X86 ARM64 PCI USB NET OF ACPI PM_SLEEP DEBUG_FS SMP NUMA HOTPLUG_CPU MODULES SYSFS TRACING"
).split()
# Identifiers that make a file match `HV_|hv_` without it being Hyper-V code, as in the
# real tree (pinctrl-cherryview's chv_*, KVM's kvm_hv_*, sparc's HV_FAST_TRAP ...).
INCIDENTAL = [
    "\tchv_writel(pctrl, {w}_OFFSET, value);\n",
    "\tval = chv_readl(pctrl, {w}_OFFSET);\n",
    "\tif (kvm_hv_{w}_enabled(vcpu))\n\t\treturn 0;\n",
    "#define {W}_HV_FAST_TRAP\t\t0x80\n",
    "\tret = mlx5_hv_vhca_{w}(dev);\n",
    "/* VMHV_MAILBOX bits for {w} */\n",
    "\tif (err == HV_EOK)\n\t\treturn {w}_done(priv);\n",
]


@dataclass
class TreeStats:
    """What was generated: counts the benchmark prints next to its numbers."""

    files: int = 0
    lines: int = 0
    bytes: int = 0
    mentioning_files: int = 0
    mentioning_lines: int = 0
    hyperv_files: int = 0


class _Text:
    """Pools of rendered C fragments, so writing a gigabyte costs joins, not formatting."""

    def __init__(self, rng: random.Random, pool: int) -> None:
        self.rng = rng
        self.chunks: List[bytes] = []
        self.chunk_lines: List[int] = []
        makers = [
            self._function,
            self._struct,
            self._comment,
            self._defines,
            self._config_block,
            self._table,
        ]
        for i in range(pool):
            text = makers[i % len(makers)]().encode()
            assert not MENTION_RE.search(text), text
            self.chunks.append(text)
            self.chunk_lines.append(text.count(b"\n"))
        self.min_lines = min(self.chunk_lines)

    def ident(self, parts: int = 2) -> str:
        """A lower-case kernel-ish identifier."""
        return "_".join(self.rng.choice(WORDS) for _ in range(parts))

    def _function(self) -> str:
        name, arg, var = self.ident(3), self.ident(1), self.ident(2)
        body = [
            f"static int {name}(struct {arg}_priv *priv, unsigned int {var})\n",
            "{\n",
            f"\tstruct {self.ident(2)} *{arg} = priv->{arg};\n",
            "\tint ret = 0, i;\n",
            "\n",
        ]
        for _ in range(self.rng.randint(2, 6)):
            call, field = self.ident(3), self.ident(1)
            body += [
                f"\tif ({var} & {field.upper()}_{self.ident(1).upper()}_MASK) {{\n",
                f"\t\tret = {call}({arg}, {var});\n",
                "\t\tif (ret)\n",
                f"\t\t\tgoto out; /* {' '.join(self.ident(1) for _ in range(5))} */\n",
                "\t}\n",
            ]
        body += [
            f"\tfor (i = 0; i < priv->num_{self.ident(1)}; i++)\n",
            f"\t\t{self.ident(2)}(&priv->{self.ident(1)}[i]);\n",
            "\treturn 0;\n",
            "out:\n",
            f'\tdev_err(priv->dev, "{self.ident(1)} failed: %d\\n", ret);\n',
            "\treturn ret;\n",
            "}\n",
            "\n",
        ]
        return "".join(body)

    def _struct(self) -> str:
        lines = [f"struct {self.ident(2)} {{\n"]
        for _ in range(self.rng.randint(3, 12)):
            typ = self.rng.choice(
                [
                    "u32",
                    "u64",
                    "int",
                    "unsigned long",
                    "void *",
                    "bool",
                    "struct list_head",
                    "spinlock_t",
                    "dma_addr_t",
                ]
            )
            lines.append(f"\t{typ} {self.ident(2)};\n")
        return "".join(lines) + "};\n\n"

    def _comment(self) -> str:
        lines = ["/**\n", f" * {self.ident(3)}() - {' '.join(self.ident(1) for _ in range(8))}\n"]
        for _ in range(self.rng.randint(1, 5)):
            lines.append(f" * @{self.ident(1)}: {' '.join(self.ident(1) for _ in range(12))}\n")
        return "".join(lines) + " */\n"

    def _defines(self) -> str:
        pre = self.ident(2).upper()
        rows = (
            f"#define {pre}_{self.ident(2).upper()}\t\t0x{self.rng.randrange(1 << 16):04x}\n"
            for _ in range(self.rng.randint(3, 16))
        )
        return "".join(rows) + "\n"

    def _config_block(self) -> str:
        cfg = self.rng.choice(CONFIG_WORDS)
        fn = self.ident(3)
        return (
            f"#ifdef CONFIG_{cfg}\n"
            f"static void {fn}(struct {self.ident(1)}_priv *priv)\n{{\n"
            f"\t{self.ident(2)}(priv);\n}}\n#else\n"
            f"static inline void {fn}(struct {self.ident(1)}_priv *priv) {{ }}\n"
            f"#endif /* CONFIG_{cfg} */\n\n"
        )

    def _table(self) -> str:
        lines = [f"static const struct {self.ident(2)} {self.ident(2)}[] = {{\n"]
        for _ in range(self.rng.randint(3, 10)):
            lines.append(
                f"\t{{ .{self.ident(1)} = {self.rng.randrange(4096)}, "
                f".{self.ident(1)} = {self.ident(2).upper()} }},\n"
            )
        return "".join(lines) + "};\n\n"

    def body(self, lines: int) -> bytes:
        """Random C text of exactly ``lines`` lines."""
        out: List[bytes] = [b"// SPDX-License-Identifier: GPL-2.0\n"]
        left = lines - 1
        pick = self.rng.randrange
        n = len(self.chunks)
        while left > 0:
            i = pick(n)
            if self.chunk_lines[i] > left:
                break
            out.append(self.chunks[i])
            left -= self.chunk_lines[i]
        for k in range(left):  # top up with one-line declarations to the exact size
            out.append(b"static int %s_%d;\n" % (self.rng.choice(WORDS).encode(), k))
        return b"".join(out)

    def register_header(self, lines: int, mention: bool) -> bytes:
        """A generated GPU-style register mask header of ``lines`` lines."""
        block = self.ident(1).upper()
        out = [
            b"/* SPDX-License-Identifier: MIT */\n",
            b"#ifndef _%s_SH_MASK_H\n" % block.encode(),
            b"#define _%s_SH_MASK_H\n" % block.encode(),
        ]
        left = lines - 4
        reg = 0
        while left > 0:
            reg += 1
            name = (
                "BIF_VMHV_MAILBOX"
                if mention and reg % 97 == 1
                else f"{block}_{self.ident(2).upper()}{reg}"
            )
            out.append(f"//{name}\n".encode())
            left -= 1
            for bit in range(min(left // 2, 8)):
                field = self.ident(2).upper()
                out.append(
                    f"#define {name}__{field}__SHIFT\t\t\t\t0x{bit:x}\n"
                    f"#define {name}__{field}_MASK\t\t\t\t0x{1 << bit:08x}L\n".encode()
                )
                left -= 2
            if left == 1:
                out.append(b"\n")
                left -= 1
        out.append(b"#endif\n")
        return b"".join(out)


def _nth_line_end(text: bytes, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.index(b"\n", pos + 1)
    return pos + 1


def _sizes(rng: random.Random, count: int) -> List[int]:
    qs = [q for q, _ in SIZE_QUANTILES]
    out = []
    for _ in range(count):
        u = rng.random()
        i = max(1, bisect.bisect_left(qs, u))
        (q0, l0), (q1, l1) = SIZE_QUANTILES[i - 1], SIZE_QUANTILES[i]
        t = (u - q0) / (q1 - q0) if q1 > q0 else 0.0
        out.append(max(1, int(math.exp(math.log(l0) + t * (math.log(l1) - math.log(l0))))))
    return out


def _folders(rng: random.Random, text: _Text, count: int) -> List[str]:
    shares = [s for _, s in TOP_SHARE]
    out = set()
    while len(out) < count:
        top = rng.choices([t for t, _ in TOP_SHARE], weights=shares)[0]
        depth = rng.choice([1, 2, 2, 3, 3, 4])
        out.add("/".join([top] + [text.ident(1) for _ in range(depth)]))
    return sorted(out)


# --- the Hyper-V files: a pre-v6.9 layout, text written for this benchmark ---------------

_X86_REGS = (
    [
        ("GUEST_OS_ID", 0x40000000),
        ("HYPERCALL", 0x40000001),
        ("VP_INDEX", 0x40000002),
        ("TIME_REF_COUNT", 0x40000020),
        ("REFERENCE_TSC", 0x40000021),
        ("SCONTROL", 0x40000080),
        ("SVERSION", 0x40000081),
        ("SIEFP", 0x40000082),
        ("SIMP", 0x40000083),
        ("EOM", 0x40000084),
    ]
    + [(f"SINT{i}", 0x40000090 + i) for i in range(16)]
    + [
        ("STIMER0_CONFIG", 0x400000B0),
        ("STIMER0_COUNT", 0x400000B1),
        ("CRASH_P0", 0x40000100),
        ("CRASH_CTL", 0x40000105),
    ]
)
_ARM64_REGS = [
    ("VP_INDEX", 0x00090003),
    ("TIME_REF_COUNT", 0x00090004),
    ("SCONTROL", 0x000A0010),
    ("SVERSION", 0x000A0011),
    ("SIEFP", 0x000A0012),
    ("SIMP", 0x000A0013),
    ("EOM", 0x000A0014),
    ("SINT0", 0x000A0000),
    ("STIMER0_CONFIG", 0x000B0000),
    ("STIMER0_COUNT", 0x000B0001),
    ("CRASH_P0", 0x00000210),
    ("CRASH_CTL", 0x00000215),
]


def _x86_tlfs() -> str:
    lines = [
        "/* SPDX-License-Identifier: GPL-2.0 */\n",
        "#ifndef _ASM_X86_HYPERV_TLFS_H\n",
        "#define _ASM_X86_HYPERV_TLFS_H\n\n",
        "#include <linux/types.h>\n\n",
        "/* Synthetic MSRs: the 0x40000000 range */\n",
    ]
    for name, val in _X86_REGS[:2]:
        lines.append(f"#define HV_X64_MSR_{name}\t\t0x{val:08X}\n")
    for name, val in _X86_REGS[2:]:
        lines.append(f"#define HV_REGISTER_{name}\t\t0x{val:08X}\n")
    lines.append("\n/* Nested synthetic MSRs */\n")
    lines.append("#define HV_REGISTER_NESTED_SCONTROL\t0x40001080\n")
    lines.append("\n#include <asm-generic/hyperv-tlfs.h>\n\n#endif\n")
    return "".join(lines)


def _arm64_tlfs() -> str:
    lines = [
        "/* SPDX-License-Identifier: GPL-2.0 */\n",
        "#ifndef _ASM_ARM64_HYPERV_TLFS_H\n",
        "#define _ASM_ARM64_HYPERV_TLFS_H\n\n",
        "/* VP registers, reached by hypercall */\n",
    ]
    lines += [f"#define HV_REGISTER_{n}\t\t0x{v:08X}\n" for n, v in _ARM64_REGS]
    lines.append("\n#include <asm-generic/hyperv-tlfs.h>\n\n#endif\n")
    return "".join(lines)


_GENERIC_TLFS = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_GENERIC_HYPERV_TLFS_H
#define _ASM_GENERIC_HYPERV_TLFS_H

#define HV_HYP_PAGE_SHIFT\t\t12
#define HV_HYP_PAGE_SIZE\t\tBIT(HV_HYP_PAGE_SHIFT)
#define HV_STATUS_SUCCESS\t\t0
#define HV_STATUS_INVALID_HYPERCALL_CODE\t2
#define HVCALL_GET_VP_REGISTERS\t\t0x0050
#define HVCALL_SET_VP_REGISTERS\t\t0x0051

enum hv_message_type {
\tHVMSG_NONE\t\t\t= 0x00000000,
\tHVMSG_TIMER_EXPIRED\t\t= 0x80000010,
\tHVMSG_X64_IO_PORT_INTERCEPT\t= 0x80010000,
\tHVMSG_X64_MSR_INTERCEPT\t\t= 0x80010001,
};

union hv_synic_scontrol {
\tu64 as_uint64;
\tstruct {
\t\tu64 enable:1;
\t\tu64 reserved:63;
\t} __packed;
};

#endif
"""

_GENERIC_MSHYPERV = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_GENERIC_MSHYPERV_H
#define _ASM_GENERIC_MSHYPERV_H

#include <asm/hyperv-tlfs.h>

extern u64 hv_get_register(unsigned int reg);
extern void hv_set_register(unsigned int reg, u64 value);

static inline void vmbus_signal_eom(struct hv_message *msg, u32 old_msg_type)
{
\tmsg->header.message_type = HVMSG_NONE;
\tif (msg->header.message_flags.msg_pending)
\t\thv_set_register(HV_REGISTER_EOM, 0);
}

#endif
"""

_X86_MSHYPERV = """/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_MSHYPERV_H
#define _ASM_X86_MSHYPERV_H

#include <asm/msr.h>
#include <asm/hyperv-tlfs.h>

static inline void hv_set_register(unsigned int reg, u64 value)
{
\twrmsrl(reg, value);
}

static inline u64 hv_get_register(unsigned int reg)
{
\tu64 value;

\trdmsrl(reg, value);
\treturn value;
}

#include <asm-generic/mshyperv.h>

#endif
"""

_X86_HV_INIT = """// SPDX-License-Identifier: GPL-2.0-only
#include <asm/mshyperv.h>

static int hv_cpu_init(unsigned int cpu)
{
\tu64 msr_vp_index;

\twrmsrl(HV_X64_MSR_GUEST_OS_ID, hv_generate_guest_id(0));
\trdmsrl(HV_REGISTER_VP_INDEX, msr_vp_index);
\thv_vp_index[cpu] = msr_vp_index;
\treturn 0;
}

void __init hyperv_init(void)
{
\tunion hv_x64_msr_hypercall_contents hypercall_msr;

\trdmsrl(HV_X64_MSR_HYPERCALL, hypercall_msr.as_uint64);
\thypercall_msr.enable = 1;
\twrmsrl(HV_X64_MSR_HYPERCALL, hypercall_msr.as_uint64);
}
"""

_ARM64_HV_CORE = """// SPDX-License-Identifier: GPL-2.0
#include <asm/mshyperv.h>

void hv_set_register(unsigned int reg, u64 value)
{
\thv_set_vpreg(reg, value);
}

u64 hv_get_register(unsigned int reg)
{
\treturn hv_get_vpreg(reg);
}
"""

_DRIVERS_HV_HV = """// SPDX-License-Identifier: GPL-2.0-only
#include <linux/hyperv.h>
#include <asm/mshyperv.h>

/*
 * Note: comments naming hv_set_register(HV_REGISTER_SCONTROL, ...) are never findings.
 */
void hv_synic_enable_regs(unsigned int cpu)
{
\tunion hv_synic_simp simp;
\tunion hv_synic_scontrol sctrl;
\tunion hv_synic_sint shared_sint;

\tsimp.as_uint64 = hv_get_register(HV_REGISTER_SIMP);
\tsimp.simp_enabled = 1;
\thv_set_register(HV_REGISTER_SIMP, simp.as_uint64);

\tshared_sint.as_uint64 = hv_get_register(HV_REGISTER_SINT0 +
\t\t\t\t\t\t VMBUS_MESSAGE_SINT);
\tshared_sint.masked = false;
\thv_set_register(HV_REGISTER_SINT0 + VMBUS_MESSAGE_SINT,
\t\t\tshared_sint.as_uint64);

\tsctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);
\tsctrl.enable = 1;
\thv_set_register(HV_REGISTER_SCONTROL, sctrl.as_uint64);
}
"""

_HYPERV_TIMER = """// SPDX-License-Identifier: GPL-2.0
#include <clocksource/hyperv_timer.h>
#include <asm/mshyperv.h>

static int hv_ce_set_next_event(unsigned long delta, struct clock_event_device *evt)
{
\tu64 current_tick;

\tcurrent_tick = hv_get_register(HV_REGISTER_TIME_REF_COUNT);
\tcurrent_tick += delta;
\thv_set_register(HV_REGISTER_STIMER0_COUNT, current_tick);
\treturn 0;
}

static int hv_ce_shutdown(struct clock_event_device *evt)
{
\thv_set_register(HV_REGISTER_STIMER0_COUNT, 0);
\thv_set_register(HV_REGISTER_STIMER0_CONFIG, 0);
\treturn 0;
}
"""

_HV_KCONFIG = """# SPDX-License-Identifier: GPL-2.0-only
menu "Microsoft Hyper-V guest support"

config HYPERV
\ttristate "Microsoft Hyper-V client drivers"
\tdepends on X86 || ARM64

config HYPERV_TIMER
\tdef_bool HYPERV && X86

config HYPERV_UTILS
\ttristate "Microsoft Hyper-V Utilities driver"
\tdepends on HYPERV && CONNECTOR && NLS

endmenu
"""

# root-relative path -> fixed head (padded with generic C to the given size)
_HYPERV_FILES: Dict[str, Tuple[Callable[[], str], int]] = {
    "arch/x86/include/asm/hyperv-tlfs.h": (_x86_tlfs, 0),
    "arch/arm64/include/asm/hyperv-tlfs.h": (_arm64_tlfs, 0),
    "include/asm-generic/hyperv-tlfs.h": (lambda: _GENERIC_TLFS, 0),
    "include/asm-generic/mshyperv.h": (lambda: _GENERIC_MSHYPERV, 0),
    "arch/x86/include/asm/mshyperv.h": (lambda: _X86_MSHYPERV, 0),
    "arch/x86/hyperv/hv_init.c": (lambda: _X86_HV_INIT, 600),
    "arch/arm64/hyperv/hv_core.c": (lambda: _ARM64_HV_CORE, 180),
    "drivers/hv/hv.c": (lambda: _DRIVERS_HV_HV, 480),
    "drivers/hv/hv_common.c": (lambda: _DRIVERS_HV_HV.replace("enable_regs", "common_init"), 520),
    "drivers/clocksource/hyperv_timer.c": (lambda: _HYPERV_TIMER, 570),
}
_HYPERV_PLAIN = [  # files that only use hv_ identifiers, padded to size
    ("drivers/hv/vmbus_drv.c", 2700),
    ("drivers/hv/channel.c", 1300),
    ("drivers/hv/channel_mgmt.c", 1600),
    ("drivers/hv/connection.c", 500),
    ("drivers/hv/ring_buffer.c", 600),
    ("drivers/hv/hv_balloon.c", 2000),
    ("drivers/hv/hv_util.c", 800),
    ("drivers/hv/hv_kvp.c", 780),
    ("drivers/hv/hv_snapshot.c", 450),
    ("drivers/hv/hv_fcopy.c", 420),
    ("drivers/hv/hyperv_vmbus.h", 480),
    ("include/linux/hyperv.h", 1800),
    ("include/clocksource/hyperv_timer.h", 110),
    ("drivers/net/hyperv/netvsc.c", 1800),
    ("drivers/net/hyperv/netvsc_drv.c", 2700),
    ("drivers/scsi/storvsc_drv.c", 2200),
    ("drivers/pci/controller/pci-hyperv.c", 4000),
    ("drivers/hid/hid-hyperv.c", 600),
    ("drivers/input/serio/hyperv-keyboard.c", 450),
    ("drivers/video/fbdev/hyperv_fb.c", 1400),
    ("arch/x86/kernel/cpu/mshyperv.c", 500),
    ("arch/x86/hyperv/hv_apic.c", 330),
    ("arch/x86/hyperv/mmu.c", 250),
    ("arch/arm64/hyperv/mshyperv.c", 90),
]


def _hv_padding(text: _Text, lines: int) -> bytes:
    """Generic C whose identifiers carry the hv_ prefix, as in a Hyper-V driver."""
    body = text.body(lines)
    return body.replace(b"static int ", b"static int hv_", 40)


def _hyperv_files(text: _Text) -> Dict[str, bytes]:
    files: Dict[str, bytes] = {}
    for path, (head, size) in _HYPERV_FILES.items():
        data = head().encode()
        extra = size - data.count(b"\n")
        files[path] = data + (_hv_padding(text, extra) if extra > 0 else b"")
    for path, size in _HYPERV_PLAIN:
        files[path] = _hv_padding(text, size)
    return files


_AUX_FILES = {
    "drivers/hv/Kconfig": _HV_KCONFIG,
    "drivers/hv/Makefile": "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\n"
    "hv_vmbus-y := vmbus_drv.o hv.o connection.o channel.o \\\n"
    "\t\t channel_mgmt.o ring_buffer.o hv_trace.o\n",
    "drivers/clocksource/Makefile": "obj-$(CONFIG_HYPERV_TIMER)\t+= hyperv_timer.o\n",
    "Kconfig": 'mainmenu "Linux Kernel Configuration (synthetic)"\n',
    "Makefile": "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nNAME = Synthetic\n",
    "Kbuild": "# synthetic\n",
    "MAINTAINERS": "Synthetic tree for the hvlint benchmark\n",
    "COPYING": "GPL-2.0\n",
    "CREDITS": "\n",
    "README": "Synthetic kernel-shaped tree\n",
}


def generate_tree(
    dest: Path,
    *,
    files: int = 55_400,
    lines: int = 31_600_000,
    mentioning: int = 554,
    folders: int = 3_580,
    giants: int = 14,
    seed: int = 61,
    progress: Optional[Callable[[int, int], None]] = None,
) -> TreeStats:
    """Write a kernel-shaped tree under ``dest`` and return what was written.

    ``files`` .c/.h files holding about ``lines`` lines in ``folders`` folders, of which
    ``mentioning`` match ``HV_|hv_``: the Hyper-V files, ``giants`` huge register headers and
    ordinary files with a passing mention. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    text = _Text(rng, pool=600)
    hv = _hyperv_files(text)
    giant_sizes = GIANT_HEADER_LINES[:giants]
    if lines < 5_000_000:  # small presets: shrink the giants in proportion
        giant_sizes = [max(200, s * lines // 31_600_000) for s in giant_sizes]
    plain_count = files - len(hv) - len(giant_sizes)
    sizes = _sizes(rng, plain_count)
    budget = lines - sum(giant_sizes) - sum(d.count(b"\n") for d in hv.values())
    scale = budget / max(1, sum(sizes))
    sizes = [max(1, int(s * scale)) for s in sizes]
    # files with a passing mention are drawn from the larger ones, as in the real tree
    incidental = max(0, mentioning - len(hv) - len(giant_sizes))
    big = [i for i, s in enumerate(sizes) if s >= 1000] or list(range(len(sizes)))
    chosen = set(rng.sample(big, min(incidental, len(big))))

    dirs = _folders(rng, text, max(1, folders // 2))  # parents make up the rest
    stats = TreeStats()
    taken: set = set(hv)

    def write(rel: str, data: bytes, mention: bool) -> None:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        n = data.count(b"\n")
        stats.files += 1
        stats.lines += n
        stats.bytes += len(data)
        if mention:
            stats.mentioning_files += 1
            stats.mentioning_lines += n
        if progress and stats.files % 1000 == 0:
            progress(stats.files, files)

    def fresh_name(folder: str, ext: str) -> str:
        while True:
            rel = f"{folder}/{text.ident(rng.choice([1, 2]))}{ext}"
            if rel not in taken:
                taken.add(rel)
                return rel

    for rel, data in hv.items():
        write(rel, data, True)
        stats.hyperv_files += 1
    for rel, body in _AUX_FILES.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(body)
    for size in giant_sizes:
        rel = fresh_name("drivers/gpu/drm/amd/include/asic_reg/nbio", "_sh_mask.h")
        write(rel, text.register_header(size, mention=True), True)
    for i, size in enumerate(sizes):
        folder = rng.choice(dirs)
        rel = fresh_name(folder, ".h" if rng.random() < 0.42 else ".c")
        data = text.body(size)
        if i in chosen:
            mention = (
                rng.choice(INCIDENTAL)
                .format(w=rng.choice(WORDS), W=rng.choice(WORDS).upper())
                .encode()
            )
            cut = _nth_line_end(data, min(size, max(1, size // 2)))
            data = data[:cut] + mention + data[cut:]
        write(rel, data, i in chosen)
    return stats


QUICK = dict(files=400, lines=120_000, mentioning=30, folders=60, giants=2)


def main(argv: Optional[List[str]] = None) -> int:
    """Command line: generate a tree and print its counts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--quick", action="store_true", help="a small tree for smoke runs")
    args = ap.parse_args(argv)
    stats = generate_tree(args.dest, **(QUICK if args.quick else {}))
    print(
        f"{args.dest}: {stats.files} files, {stats.lines} lines, {stats.bytes} bytes, "
        f"{stats.mentioning_files} mentioning HV_/hv_ ({stats.mentioning_lines} lines)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
