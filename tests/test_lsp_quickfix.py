"""The rename quick fix never writes a name defined nowhere (issue 12), over a real client.

In a tree from before the rename (tests/data/lsp/tree61: v6.1's layout, no HV_SYN_REG_* alias
anywhere) "rename HV_REGISTER_SCONTROL to HV_SYN_REG_SCONTROL" must add the alias definitions
to the arch headers in the same edit, exactly as ``hvlint --fix`` does, or not be offered. In a
tree that has the alias (tests/data/lsp/tree) it stays the plain rename (tests/test_lsp.py).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from lsp_harness import (
    TREE61,
    apply_edits,
    change_doc,
    copy_tree,
    edits_by_uri,
    expected,
    got,
    open_doc,
    server_config,
    start,
    wait_diagnostics,
    wait_index,
)
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="function")

HV_C = "drivers/hv/hv.c"
X86_TLFS = "arch/x86/include/asm/hyperv-tlfs.h"
ARM64_TLFS = "arch/arm64/include/asm/hyperv-tlfs.h"


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(ls: LanguageClient, params: types.RegistrationParams) -> None:
        pass  # an editor would start watching files; these tests change none behind its back

    yield
    await lsp_client.shutdown_session()


def hvlint(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line, run in ``root`` (the same checkout's hvlint)."""
    return subprocess.run(
        [sys.executable, "-m", "hvlint", "--no-cache", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


async def rename_actions(client: LanguageClient, uri: str, diags: list, name: str) -> list:
    """The rename actions offered for the findings on ``name``."""
    on_name = [d for d in diags if name in d.message]
    assert on_name
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=on_name[0].range,
            context=types.CodeActionContext(diagnostics=on_name[:1]),
        )
    )
    return [a for a in actions or [] if a.title.startswith(f"hvlint: rename {name} ")]


async def open_hv_c(client: LanguageClient, root: Path, extra=frozenset()) -> "tuple[str, list]":
    """Open hv.c once the index is ready; its diagnostics: the marked ones and ``extra``."""
    await start(client, root)
    await wait_index(client)
    uri = open_doc(client, root / HV_C)
    want = expected((root / HV_C).read_text()) | set(extra)
    diags = await wait_diagnostics(client, uri, lambda d: got(d) == want, f"{sorted(want)}")
    return uri, diags


async def test_rename_in_a_tree_without_the_alias_adds_it(client: LanguageClient, tmp_path):
    root = copy_tree(tmp_path / "editor", TREE61)
    uri, diags = await open_hv_c(client, root)
    actions = await rename_actions(client, uri, diags, "HV_REGISTER_SCONTROL")
    assert [a.title for a in actions] == [
        "hvlint: rename HV_REGISTER_SCONTROL to HV_SYN_REG_SCONTROL in this file, defining it "
        f"in {ARM64_TLFS} and {X86_TLFS}"
    ]
    edits = edits_by_uri(actions[0].edit)
    assert set(edits) == {(root / p).as_uri() for p in (HV_C, X86_TLFS, ARM64_TLFS)}

    # The editor applies the edit: the same files as `hvlint --fix` writes for this name.
    for rel in (HV_C, X86_TLFS, ARM64_TLFS):
        path = root / rel
        path.write_text(apply_edits(path.read_text(), edits[path.as_uri()]))
    by_fix = copy_tree(tmp_path / "cli", TREE61)
    res = hvlint(by_fix, "--fix", "--types", "HV103", "--only", "HV_REGISTER_SCONTROL", HV_C)
    assert "2 accessor calls (HV103), 2 alias definitions" in res.stderr, res.stderr
    for rel in (HV_C, X86_TLFS, ARM64_TLFS):
        assert (root / rel).read_text() == (by_fix / rel).read_text(), rel
    assert "#define HV_SYN_REG_SCONTROL\t(HV_X64_MSR_SCONTROL)" in (root / X86_TLFS).read_text()
    assert "#define HV_SYN_REG_SCONTROL\t(HV_REGISTER_SCONTROL)" in (root / ARM64_TLFS).read_text()

    # Every name the edit wrote is defined: the command line finds no alias missing on an
    # arch (HV104) and no SCONTROL call left, only the SIMP calls nobody touched.
    res = hvlint(root, "--format", "json", HV_C)
    left = json.loads(res.stdout)["findings"]
    assert [(f["line"], f["type"]) for f in left] == [
        (13, "GENERIC_REG_PREFIX"),
        (15, "GENERIC_REG_PREFIX"),
    ]
    assert all("HV_REGISTER_SIMP" in f["message"] for f in left)


async def test_no_rename_when_fix_cannot_define_the_alias(client: LanguageClient, tmp_path):
    """arm64 has no SIMP register in this tree: --fix cannot define HV_SYN_REG_SIMP there, so
    the editor offers no rename to it (the ignore action stays)."""
    root = copy_tree(tmp_path, TREE61)
    arm64 = root / ARM64_TLFS
    arm64.write_text(arm64.read_text().replace("#define HV_REGISTER_SIMP\t\t0x000A0013\n", ""))
    res = hvlint(root, "--diff", "--types", "HV103", "--only", "HV_REGISTER_SIMP", HV_C)
    assert "left: drivers/hv/hv.c:13:" in res.stderr and res.stdout == "", res.stderr
    # HV_REGISTER_SIMP is now an x86-only name in shared code (HV102) as well.
    uri, diags = await open_hv_c(
        client, root, {(12, "X86_NAME_IN_GENERIC"), (14, "X86_NAME_IN_GENERIC")}
    )
    assert await rename_actions(client, uri, diags, "HV_REGISTER_SIMP") == []
    # SCONTROL still can be fixed, so it is still offered.
    assert len(await rename_actions(client, uri, diags, "HV_REGISTER_SCONTROL")) == 1


async def test_planned_rename_uses_the_unsaved_buffer(client: LanguageClient, tmp_path):
    """The edit is planned on the editor's text, not the file on disk: a call typed but not
    saved is part of it, and the edit applies to the buffer as it is."""
    root = copy_tree(tmp_path, TREE61)
    uri, _ = await open_hv_c(client, root)
    text = (root / HV_C).read_text()
    typed = text.replace(
        "\tsctrl |= 1;\n", "\tsctrl |= 1;\n\thv_set_register(HV_REGISTER_SCONTROL, 0);\n"
    )
    change_doc(client, uri, typed, 2)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 5, "five HV103s")
    actions = await rename_actions(client, uri, diags, "HV_REGISTER_SCONTROL")
    assert len(actions) == 1
    new = apply_edits(typed, edits_by_uri(actions[0].edit)[uri])
    assert new.count("HV_SYN_REG_SCONTROL") == 3 and "(HV_REGISTER_SCONTROL)" not in new
    assert (root / HV_C).read_text() == text  # nothing written


async def test_tree_rename_of_an_msr_definition(client: LanguageClient, tmp_path):
    """The x86 header's HV_REGISTER_SCONTROL (an MSR, HV101) renamed in the tree. While shared
    code still calls the accessors with it, the rename would leave that code without the name
    on x86 (and, with v6.1's "#define HV_X64_MSR_SCONTROL HV_REGISTER_SCONTROL", define the
    new name as itself): not offered. Once the calls take the alias, it is offered, and the
    edit is what --fix writes."""
    root = copy_tree(tmp_path / "editor", TREE61)
    await start(client, root)
    await wait_index(client)
    uri = open_doc(client, root / X86_TLFS)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 3, "three HV101s")
    assert await rename_actions(client, uri, diags, "HV_REGISTER_SCONTROL") == []

    # The calls are fixed on disk (as the HV103 quick fix or --fix does), and the editor says so.
    by_fix = copy_tree(tmp_path / "cli", TREE61)
    for tree in (root, by_fix):
        res = hvlint(tree, "--fix", "--types", "HV103", "--only", "HV_REGISTER_SCONTROL", HV_C)
        assert "2 alias definitions" in res.stderr, res.stderr
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=(root / rel).as_uri(), type=types.FileChangeType.Changed)
                for rel in (HV_C, ARM64_TLFS)
            ]
        )
    )
    # The header's buffer is what the server knows of it: the editor reloads it from disk.
    change_doc(client, uri, (root / X86_TLFS).read_text(), 2)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 3, "three HV101s again")

    async def offered() -> list:
        while not (actions := await rename_actions(client, uri, diags, "HV_REGISTER_SCONTROL")):
            await asyncio.sleep(0.05)  # the files changed on disk are read on the lint thread
        return actions

    actions = await asyncio.wait_for(offered(), 30)
    assert [a.title for a in actions] == [
        "hvlint: rename HV_REGISTER_SCONTROL to HV_X64_MSR_SCONTROL in this file"
    ]
    edits = edits_by_uri(actions[0].edit)
    for u, file_edits in edits.items():
        path = Path(u.removeprefix("file://"))
        path.write_text(apply_edits(path.read_text(), file_edits))
    res = hvlint(by_fix, "--fix", "--types", "HV101", "--only", "HV_REGISTER_SCONTROL", X86_TLFS)
    assert "1 renames (HV101)" in res.stderr, res.stderr
    for rel in (HV_C, X86_TLFS, ARM64_TLFS):
        assert (root / rel).read_text() == (by_fix / rel).read_text(), rel
    header = (root / X86_TLFS).read_text()
    assert "HV_REGISTER_SCONTROL" not in header
    assert header.count("#define HV_X64_MSR_SCONTROL") == 1
