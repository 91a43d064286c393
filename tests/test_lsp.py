"""End to end: hvlint's language server driven by a real LSP client over stdio.

The workspace is a copy of tests/data/lsp/tree, a kernel tree in the pre-v6.9 layout: x86
and arm64 hyperv-tlfs.h headers with their MSRs, VP registers and HV_SYN_REG_* aliases, and
drivers/hv files calling the generic accessors. Expected findings are marked in the C files
(``/* expect: TYPE */``); tests edit buffers and files and wait for what the server publishes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from lsp_harness import (
    TIMEOUT,
    apply_edits,
    change_doc,
    copy_tree,
    edit_range,
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
HV_COMMON_C = "drivers/hv/hv_common.c"
ARM64_TLFS = "arch/arm64/include/asm/hyperv-tlfs.h"
X86_TLFS = "arch/x86/include/asm/hyperv-tlfs.h"
ONE_ARCH_ALIAS = (9, "SYN_REG_ALIAS")


def one_arch_alias(diags) -> bool:
    """hv_common.c once the arm64 header lost HV_SYN_REG_EOM: HV104 on line 10, nothing else."""
    return ONE_ARCH_ALIAS in got(diags) and all(d.range.start.line == 9 for d in diags)


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):
    # pytest-lsp's client has no handler for this request; an editor records the watchers.
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(ls: LanguageClient, params: types.RegistrationParams) -> None:
        ls.registrations.extend(params.registrations)

    yield
    await lsp_client.shutdown_session()


def is_clean(diags) -> bool:
    return len(diags) == 0




async def code_actions(client: LanguageClient, uri: str, where: "types.Range", diags: list) -> list:
    """The code actions the server offers for ``diags`` at ``where``."""
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=where,
            context=types.CodeActionContext(diagnostics=diags),
        )
    )

def disk_event(client: LanguageClient, path: Path, kind: "types.FileChangeType") -> None:
    """Tell the server, as an editor's file watcher would, that ``path`` changed on disk."""
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind)])
    )

async def test_open_reports_expected_diagnostics(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    text = (root / HV_C).read_text()
    want = expected(text)
    assert want == {(13, "GENERIC_REG_PREFIX"), (15, "GENERIC_REG_PREFIX")}
    uri = open_doc(client, root / HV_C)
    diags = await wait_diagnostics(client, uri, lambda d: got(d) == want, f"{sorted(want)}")

    first = min(diags, key=lambda d: d.range.start.line)
    lines = text.split("\n")
    # The range is the offending name, 0-based, end exclusive.
    assert (
        lines[13][first.range.start.character : first.range.end.character] == "HV_REGISTER_SCONTROL"
    )
    assert first.range.start.line == first.range.end.line == 13
    assert first.severity == types.DiagnosticSeverity.Warning
    assert first.source == "hvlint"
    assert first.code == "GENERIC_REG_PREFIX"
    assert first.code_description.href.startswith("file:")
    assert first.code_description.href.endswith("HV103.toml")
    assert first.message == (
        "hv_get_register() takes the synthetic alias HV_SYN_REG_*, not HV_REGISTER_SCONTROL: "
        "use HV_SYN_REG_SCONTROL"
    )
    # The index was built in the background, with progress the editor can show.
    reports = await wait_index(client)
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)


async def test_a_findings_note_is_the_second_line_of_its_message(client: LanguageClient, tmp_path: Path):
    """The tree defines four HV_SYN_REG_* aliases, none for GUEST_OS_ID: the message says so and
    the note, on its own line, why and what to do (an editor shows each diagnostic alone)."""
    root = copy_tree(tmp_path)
    await start(client, root)
    text = "void hv_guest_id_clear(void)\n{\n\thv_set_register(HV_REGISTER_GUEST_OS_ID, 0);\n}\n"
    uri = open_doc(client, root / "drivers/hv/hv_guest.c", text)
    [diag] = await wait_diagnostics(
        client, uri, lambda d: got(d) == {(2, "GENERIC_REG_PREFIX")} and "\n" in d[0].message, "a note"
    )
    message, note = diag.message.split("\n")
    assert message.endswith("rename it HV_SYN_REG_GUEST_OS_ID (this tree has none yet)")
    assert note.startswith("note: this tree defines 4 HV_SYN_REG_* aliases, but not one for every register")


async def test_error_severity_and_header_findings(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    uri = open_doc(client, root / X86_TLFS)
    diags = await wait_diagnostics(client, uri, lambda d: got(d) == {(17, "HV_REGISTER_MSR")})
    assert diags[0].severity == types.DiagnosticSeverity.Error
    assert "HV_X64_MSR_SCONTROL" in diags[0].message


async def test_edits_change_diagnostics(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    text = (root / HV_C).read_text()
    uri = open_doc(client, root / HV_C)
    await wait_diagnostics(client, uri, lambda d: len(d) == 2)

    # Type the fix into line 16 (0-based 15): HV_REGISTER_SCONTROL -> HV_SYN_REG_SCONTROL.
    line = text.split("\n")[15]
    col = line.index("HV_REGISTER_SCONTROL")
    edit_range(client, uri, 2, 15, col, col + len("HV_REGISTER_SCONTROL"), "HV_SYN_REG_SCONTROL")
    await wait_diagnostics(
        client, uri, lambda d: got(d) == {(13, "GENERIC_REG_PREFIX")}, "one finding"
    )

    # A new bad call appears as it is typed, and the old one goes when fixed.
    fixed = text.replace("register(HV_REGISTER_SCONTROL", "register(HV_SYN_REG_SCONTROL")
    fixed = fixed.replace(
        "\tsctrl.enable = 1;", "\tsctrl.enable = 1;\n\thv_set_register(HV_REGISTER_EOM, 0);"
    )
    change_doc(client, uri, fixed, 3)
    await wait_diagnostics(
        client, uri, lambda d: got(d) == {(15, "GENERIC_REG_PREFIX")}, "the new call only"
    )

    # Saving runs the checks at once as well.
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    change_doc(client, uri, fixed.replace("HV_REGISTER_EOM", "HV_SYN_REG_EOM"), 4)
    await wait_diagnostics(client, uri, is_clean, "clean")


async def test_unsaved_header_edit_changes_dependent_file(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    await wait_index(client)
    common = open_doc(client, root / HV_COMMON_C)
    await wait_diagnostics(client, common, is_clean, "clean")

    # Drop the arm64 alias in the editor, without saving: the shared caller now uses an alias
    # defined for one arch only.
    header_text = (root / ARM64_TLFS).read_text()
    header = open_doc(client, root / ARM64_TLFS)
    without = header_text.replace("#define HV_SYN_REG_EOM\t\t\tHV_REGISTER_EOM\n", "")
    assert without != header_text
    change_doc(client, header, without, 2)
    diags = await wait_diagnostics(client, common, one_arch_alias, "an HV104 finding")
    assert all("HV_SYN_REG_EOM" in d.message for d in diags)
    assert (root / ARM64_TLFS).read_text() == header_text  # nothing was written to disk

    # Put it back (undo): the dependent file is clean again.
    change_doc(client, header, header_text, 3)
    await wait_diagnostics(client, common, is_clean, "clean again")

    # Close the edited header unsaved after breaking it again: the disk counts again.
    change_doc(client, header, without, 4)
    await wait_diagnostics(client, common, one_arch_alias, "the HV104 finding again")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=header))
    )
    await wait_diagnostics(client, common, is_clean, "clean after close")


async def test_header_changed_on_disk(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    await wait_index(client)
    common = open_doc(client, root / HV_COMMON_C)
    await wait_diagnostics(client, common, is_clean, "clean")

    path = root / ARM64_TLFS
    path.write_text(path.read_text().replace("#define HV_SYN_REG_EOM\t\t\tHV_REGISTER_EOM\n", ""))
    disk_event(client, path, types.FileChangeType.Changed)
    await wait_diagnostics(client, common, one_arch_alias, "an HV104 finding")


async def test_hover_shows_rule_doc(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    uri = open_doc(client, root / HV_C)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 2)
    where = min(diags, key=lambda d: d.range.start.line).range

    inside = types.Position(line=where.start.line, character=where.start.character + 3)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=inside)
    )
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# HV103 GENERIC_REG_PREFIX")
    assert "## Use instead" in hover.contents.value
    assert hover.range == where

    elsewhere = types.Position(line=0, character=3)
    nothing = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=elsewhere)
    )
    assert nothing is None


async def test_rename_action_gives_clean_file(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    await wait_index(client)  # the index tells that HV_SYN_REG_SCONTROL exists
    text = (root / HV_C).read_text()
    uri = open_doc(client, root / HV_C)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 2)
    target = min(diags, key=lambda d: d.range.start.line)

    actions = await code_actions(client, uri, target.range, [target])
    titles = [a.title for a in actions]
    rename = next(
        a for a in actions if "rename HV_REGISTER_SCONTROL to HV_SYN_REG_SCONTROL" in a.title
    )
    assert rename.kind == types.CodeActionKind.QuickFix
    assert any("ignore GENERIC_REG_PREFIX" in t for t in titles), titles

    edits = edits_by_uri(rename.edit)
    assert list(edits) == [uri]  # the name is not defined in hv.c: this file only
    new_text = apply_edits(text, edits[uri])
    # Code only: the comment and the string keep the old name.
    assert "hv_get_register(HV_SYN_REG_SCONTROL)" in new_text
    assert "hv_set_register(HV_SYN_REG_SCONTROL, sctrl.as_uint64)" in new_text
    assert "/* Enable the global synic bit: HV_REGISTER_SCONTROL, as the TLFS says. */" in new_text
    assert 'pr_debug("HV_REGISTER_SCONTROL set on cpu %u\\n", cpu);' in new_text

    change_doc(client, uri, new_text, 2)
    await wait_diagnostics(client, uri, is_clean, "clean after the rename")


async def test_rename_of_a_definition_reaches_its_users(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    # Shared code takes the alias already (a call with HV_REGISTER_SCONTROL would lose the
    # name on x86: the rename waits for the HV103 fix, tests/test_lsp_quickfix.py).
    hv_c = root / HV_C
    hv_c.write_text(hv_c.read_text().replace("register(HV_REGISTER_SCONTROL", "register(HV_SYN_REG_SCONTROL"))
    user = root / "arch/x86/hyperv/hv_init.c"
    user.parent.mkdir(parents=True)
    user.write_text(
        "// SPDX-License-Identifier: GPL-2.0\n"
        "#include <asm/hyperv-tlfs.h>\n\n"
        "void hv_init_scontrol(void)\n{\n"
        "\t/* HV_REGISTER_SCONTROL stays in comments */\n"
        "\twrmsrl(HV_REGISTER_SCONTROL, 1);\n}\n"
    )
    await start(client, root)
    await wait_index(client)
    uri = open_doc(client, root / X86_TLFS)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 1)
    actions = await code_actions(client, uri, diags[0].range, diags)
    rename = next(
        a
        for a in actions
        if a.title.startswith("hvlint: rename HV_REGISTER_SCONTROL to HV_X64_MSR_SCONTROL")
    )
    if rename.edit is None:  # VS Code resolves the tree-wide edit only when picked
        rename = await client.code_action_resolve_async(rename)
    edits = edits_by_uri(rename.edit)
    # x86 code that sees this definition is renamed; arm64's own HV_REGISTER_SCONTROL (a VP
    # register) is not. HV_X64_MSR_SCONTROL is defined already, with the same value: the old
    # define goes, as --fix does it, instead of becoming a second one.
    assert set(edits) == {uri, user.as_uri()}
    header = apply_edits((root / X86_TLFS).read_text(), edits[uri])
    assert "HV_REGISTER_SCONTROL" not in header.split("*/")[-1]
    assert header.count("#define HV_X64_MSR_SCONTROL") == 1
    assert "wrmsrl(HV_X64_MSR_SCONTROL, 1);" in apply_edits(user.read_text(), edits[user.as_uri()])
    assert "/* HV_REGISTER_SCONTROL stays in comments */" in apply_edits(
        user.read_text(), edits[user.as_uri()]
    )


async def test_tree_rename_leaves_tools_alone(client: LanguageClient, tmp_path: Path):
    """tools/ (user space: the KVM selftests) has definitions of its own that never join the
    index (``index_exclude``): a tree-wide rename must not edit it, as it edits drivers/."""
    root = copy_tree(tmp_path)
    header = root / "arch/x86/include/asm/hv_timer.h"
    header.write_text("#define HV_REGISTER_TSC_FREQUENCY\t\t0x40000022\n")
    user = root / "drivers/hv/hv_util.c"
    user.write_text("u64 hv_tsc_hz(void)\n{\n\treturn hv_tsc_read(HV_REGISTER_TSC_FREQUENCY);\n}\n")
    selftests = root / "tools/testing/selftests/kvm"
    tools_files = {
        selftests / "include/x86_64/hyperv.h": "#define HV_REGISTER_TSC_FREQUENCY\t0x40000022\n",
        selftests / "x86_64/hyperv_clock.c": "\trdmsr(HV_REGISTER_TSC_FREQUENCY);\n",
    }
    for path, text in tools_files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    await start(client, root)
    await wait_index(client)
    uri = open_doc(client, header)
    diags = await wait_diagnostics(client, uri, lambda d: got(d) == {(0, "HV_REGISTER_MSR")})
    actions = await code_actions(client, uri, diags[0].range, diags)
    rename = next(
        a
        for a in actions
        if a.title
        == "hvlint: rename HV_REGISTER_TSC_FREQUENCY to HV_X64_MSR_TSC_FREQUENCY in the tree"
    )
    if rename.edit is None:
        rename = await client.code_action_resolve_async(rename)
    edits = edits_by_uri(rename.edit)
    assert set(edits) == {uri, user.as_uri()}
    assert "hv_tsc_read(HV_X64_MSR_TSC_FREQUENCY);" in apply_edits(
        user.read_text(), edits[user.as_uri()]
    )
    for path, text in tools_files.items():
        assert path.read_text() == text  # and no edit for it either (the set above)


async def test_unchanged_settings_keep_the_index(client: LanguageClient, tmp_path: Path):
    """The same settings again (from the editor, or a config file saved unchanged) keep the
    index; a change to the build files (Kconfig) builds it again even so."""
    root = copy_tree(tmp_path)
    config = root / ".hvlint.toml"
    config.write_text("strict = false\n")
    await start(client, root, options={"hvlint": {"scheme": "syn-reg"}})
    await wait_index(client)
    common = open_doc(client, root / HV_COMMON_C)
    await wait_diagnostics(client, common, is_clean, "clean")

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"hvlint": {"scheme": "syn-reg", "debounceMs": 50}}
        )
    )
    # The config file saved as it was, with a header changed in the same batch of events:
    # the header's change is still read.
    config.write_text(config.read_text())
    header = root / ARM64_TLFS
    header.write_text(
        header.read_text().replace("#define HV_SYN_REG_EOM\t\t\tHV_REGISTER_EOM\n", "")
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed),
                types.FileEvent(uri=header.as_uri(), type=types.FileChangeType.Changed),
            ]
        )
    )
    await wait_diagnostics(client, common, one_arch_alias, "an HV104 finding")

    disk_event(client, root / "drivers/hv/Kconfig", types.FileChangeType.Changed)

    def rebuilt() -> "str | None":
        for token, reports in client.progress_reports.items():
            if token != "hvlint-index-1" and any(
                isinstance(r, types.WorkDoneProgressEnd)
                and not (r.message or "").startswith("superseded")
                for r in reports
            ):
                return str(token)
        return None

    async def until_rebuilt() -> str:
        while (token := rebuilt()) is None:
            await client.wait_for_notification(types.PROGRESS)
        return token

    # One more index only, and it is the Kconfig one: the settings built none.
    assert await asyncio.wait_for(until_rebuilt(), TIMEOUT) == "hvlint-index-2"
    assert set(map(str, client.progress_reports)) == {"hvlint-index-1", "hvlint-index-2"}
    await wait_diagnostics(client, common, one_arch_alias, "the HV104 finding, rebuilt")


async def test_ignore_action_edits_config(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    await wait_index(client)
    uri = open_doc(client, root / HV_C)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 2)
    actions = await code_actions(client, uri, diags[0].range, diags[:1])
    ignore = next(a for a in actions if "ignore GENERIC_REG_PREFIX" in a.title)
    config = root / ".hvlint.toml"
    # The editor applies the edit (creating .hvlint.toml) and saves it.
    created = [c for c in ignore.edit.document_changes if isinstance(c, types.CreateFile)]
    assert [c.uri for c in created] == [config.as_uri()]
    config.write_text(apply_edits("", edits_by_uri(ignore.edit)[config.as_uri()]))
    assert '"drivers/hv/hv.c" = ["GENERIC_REG_PREFIX"]' in config.read_text()
    disk_event(client, config, types.FileChangeType.Created)
    await wait_diagnostics(client, uri, is_clean, "clean: ignored for this file")


async def test_settings_from_editor(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root, options={"hvlint": {"ignore": ["HV103"], "scheme": "syn-reg"}})
    uri = open_doc(client, root / HV_C)
    await wait_index(client)
    await wait_diagnostics(client, uri, is_clean, "clean: HV103 ignored by the editor")

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hvlint": {"ignore": []}})
    )
    await wait_diagnostics(client, uri, lambda d: len(d) == 2, "two findings again")

    # Under the upstream scheme hv_set_register() is not a generic accessor.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hvlint": {"scheme": "upstream"}})
    )
    await wait_diagnostics(client, uri, is_clean, "clean under upstream")

    # A bad setting is reported and ignored, not fatal.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hvlint": {"ignore": ["NO_SUCH_TYPE"]}})
    )
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hvlint": {"strict": True}})
    )
    await wait_diagnostics(client, uri, lambda d: len(d) == 2, "two findings with strict")
    assert any("NO_SUCH_TYPE" in m.message for m in client.log_messages)


async def test_buffer_outside_any_tree(client: LanguageClient, tmp_path: Path):
    loose = tmp_path / "scratch" / "drivers" / "hv" / "hv.c"
    loose.parent.mkdir(parents=True)
    loose.write_text((Path(__file__).parent / "data/lsp/tree" / HV_C).read_text())
    await start(client, None)
    uri = open_doc(client, loose)
    # No tree: the rules that need none still run (the path still says drivers/hv).
    await wait_diagnostics(
        client, uri, lambda d: len(d) == 2 and {x.code for x in d} == {"GENERIC_REG_PREFIX"}
    )


async def test_bad_input_never_crashes(client: LanguageClient, tmp_path: Path):
    root = copy_tree(tmp_path)
    await start(client, root)
    binary = open_doc(
        client,
        root / "drivers/hv/blob.c",
        text="\x7fELF\x02\x01\x01\x00\x00" + "\ufffd" * 64 + "\x00" * 32,
    )
    half_if = open_doc(
        client,
        root / "drivers/hv/half.c",
        text=(
            "#if defined(CONFIG_X86) && (\nvoid f(void)\n{\n"
            "\thv_set_register(HV_REGISTER_SCONTROL, 0);\n\tif (x\n"
        ),
    )
    long_line = open_doc(
        client,
        root / "drivers/hv/long.c",
        text="int x = " + "HV_SYN_REG_EOM + " * 600_000 + "0; /* " + "a" * 100 + "\n",
    )
    unterminated = open_doc(
        client, root / "drivers/hv/open.c", text='/* never closed\n"and a string \\\n'
    )
    for uri in (binary, half_if, long_line, unterminated):
        await wait_diagnostics(client, uri, lambda d: True, "published")
    await wait_diagnostics(
        client,
        half_if,
        lambda d: (3, "GENERIC_REG_PREFIX") in got(d),
        "the half-typed call reported",
    )

    # The server is still there and still right.
    uri = open_doc(client, root / HV_C)
    await wait_diagnostics(client, uri, lambda d: len(d) == 2)


async def test_fixes_in_clients_without_resolve_or_file_creation(client: LanguageClient, tmp_path):
    """Emacs (eglot) cannot resolve a code action later, Neovim cannot create files in an edit:
    the tree-wide rename and the first per-path ignore then run as server commands."""
    applied = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(ls: LanguageClient, params: types.ApplyWorkspaceEditParams):
        applied.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    root = copy_tree(tmp_path)
    timer_h = root / "arch/x86/include/asm/hv_timer.h"
    timer_h.write_text("#define HV_REGISTER_TSC_FREQUENCY\t\t0x40000022\n")
    await start(client, root, editor="emacs")
    await wait_index(client)
    uri = open_doc(client, timer_h)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 1)
    actions = await code_actions(client, uri, diags[0].range, diags)
    rename = next(a for a in actions if a.title.startswith("hvlint: rename"))
    assert rename.edit is None and rename.command is not None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=rename.command.command, arguments=rename.command.arguments
        )
    )
    assert list(edits_by_uri(applied[0])) == [uri]  # no x86 user of the name in this tree


async def test_ignore_without_file_creation_writes_config(client: LanguageClient, tmp_path):
    root = copy_tree(tmp_path)
    await start(client, root, editor="neovim")
    uri = open_doc(client, root / HV_C)
    diags = await wait_diagnostics(client, uri, lambda d: len(d) == 2)
    actions = await code_actions(client, uri, diags[0].range, diags[:1])
    ignore = next(a for a in actions if "ignore GENERIC_REG_PREFIX" in a.title)
    assert ignore.edit is None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=ignore.command.command, arguments=ignore.command.arguments
        )
    )
    assert '"drivers/hv/hv.c" = ["GENERIC_REG_PREFIX"]' in (root / ".hvlint.toml").read_text()
    await wait_diagnostics(client, uri, is_clean, "clean: ignored for this file")
