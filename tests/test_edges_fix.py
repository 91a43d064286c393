"""The --fix summary counts what it rewrites, also where an alias rename does the edit.

In the upstream fixture three calls pass syn-reg aliases (HV_SYN_REG_SIEFP, _CRASH_P1)
whose definitions are renamed to mainline's HV_MSR_* with the value the call needs: each
call is an HV103 fix, and ``-v`` lists it, although the rename already rewrote its text.
"""

from __future__ import annotations

import io

import fix_support as fs
from hvlint import cli


def test_calls_fixed_by_an_alias_rename_are_counted(tmp_path, monkeypatch) -> None:
    repo = fs.checkout("upstream", tmp_path / "linux")
    monkeypatch.chdir(repo)
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["--diff", "--scheme", "upstream", "-v"], io.StringIO(), out, err)
    lines = err.getvalue().splitlines()
    assert code == 1, err.getvalue()
    assert lines[0] == (
        "hvlint: would fix: 0 renames (HV101), 3 accessor calls (HV103), 2 alias definitions, "
        "2 aliases renamed; 4 files to change (scheme upstream)"
    )
    calls = [line for line in lines if line.startswith("hvlint: would fix: HV103 drivers/")]
    assert calls == [
        "hvlint: would fix: HV103 drivers/hv/hv.c:11: HV_SYN_REG_SIEFP -> HV_MSR_SIEFP",
        "hvlint: would fix: HV103 drivers/hv/hv.c:13: HV_SYN_REG_SIEFP -> HV_MSR_SIEFP",
        "hvlint: would fix: HV103 drivers/hv/hv_common.c:8: HV_SYN_REG_CRASH_P1 -> HV_MSR_CRASH_P1",
    ]
    assert "+\thv_set_msr(HV_MSR_CRASH_P1, 0);" in out.getvalue()
