"""The language server's translations, without a server: positions, settings, edits."""

from __future__ import annotations

import pytest
from lsprotocol import types

from hvlint import ruledata, tomlcompat
from hvlint.findings import Finding
from hvlint.lsp.convert import (
    EditorOptions,
    Lines,
    add_path_ignore,
    code_occurrences,
    covers,
    hover_markdown,
    parse_options,
    text_edits,
    to_diagnostic,
)

UTF16 = types.PositionEncodingKind.Utf16
UTF8 = types.PositionEncodingKind.Utf8
UTF32 = types.PositionEncodingKind.Utf32


def finding(line: int, column: int, name: str, code: str = "HV103") -> Finding:
    rules = ruledata.load()
    rule = rules.rule(code)
    return Finding(
        path="drivers/hv/hv.c",
        line=line,
        column=column,
        end_line=line,
        end_column=column + len(name),
        code=rule.code,
        type=rule.type,
        severity=rule.severity,
        message=f"about {name}",
        name=name,
        suggestion="HV_SYN_REG_SCONTROL",
    )


def test_positions_are_zero_based_in_client_code_units():
    # A comment with an emoji (two UTF-16 units, four UTF-8 bytes) before the name.
    text = "/* \U0001f600 */ hv_set_register(HV_REGISTER_SCONTROL, v);\n"
    col = text.index("HV_REGISTER_SCONTROL") + 1  # 1-based, in characters
    lines = Lines(text)
    assert lines.to_lsp(1, col, UTF32) == types.Position(line=0, character=col - 1)
    assert lines.to_lsp(1, col, UTF16) == types.Position(line=0, character=col)
    assert lines.to_lsp(1, col, UTF8) == types.Position(line=0, character=col + 2)
    for enc in (UTF8, UTF16, UTF32):
        assert lines.from_lsp(lines.to_lsp(1, col, enc), enc) == (1, col)


def test_lines_split_only_on_newlines():
    # A form feed must not shift the lines after it (str.splitlines would).
    lines = Lines("a\fb\nHV_X\n")
    assert lines.line(1) == "HV_X"
    assert lines.to_lsp(2, 1, UTF16) == types.Position(line=1, character=0)


def test_diagnostic_fields():
    rules = ruledata.load()
    f = finding(14, 36, "HV_REGISTER_SCONTROL")
    text = "\n" * 13 + " " * 35 + "HV_REGISTER_SCONTROL);\n"
    d = to_diagnostic(f, Lines(text), UTF16, rules)
    assert d.range == types.Range(start=types.Position(13, 35), end=types.Position(13, 55))
    assert d.severity == types.DiagnosticSeverity.Warning
    assert (d.source, d.code, d.message) == (
        "hvlint",
        "GENERIC_REG_PREFIX",
        "about HV_REGISTER_SCONTROL",
    )
    assert d.code_description.href.endswith("/HV103.toml")
    assert (
        to_diagnostic(finding(1, 1, "X", "HV101"), Lines("X"), UTF16, rules).severity
        == types.DiagnosticSeverity.Error
    )
    assert to_diagnostic(finding(1, 1, "X", "HV106"), Lines("X"), UTF16, rules).severity == (
        types.DiagnosticSeverity.Information
    )


def test_hover_range_and_doc():
    rules = ruledata.load()
    f = finding(3, 5, "HV_REGISTER_EOM")
    assert covers(f, 3, 5) and covers(f, 3, 5 + len("HV_REGISTER_EOM"))
    assert not covers(f, 3, 4) and not covers(f, 2, 10)
    text = hover_markdown([f, f], rules)
    assert text.count("# HV103 GENERIC_REG_PREFIX") == 1
    assert hover_markdown([], rules) is None


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (None, EditorOptions()),
        ({"scheme": "upstream", "strict": True}, EditorOptions(scheme="upstream", strict=True)),
        (
            {"hvlint": {"ignore": "HV102, GENERIC_REG_PREFIX"}},
            EditorOptions(ignore=("HV102", "GENERIC_REG_PREFIX")),
        ),
        (
            {"ignore": ["HV104"], "configPath": "cfg/hv.toml"},
            EditorOptions(ignore=("HV104",), config_path="cfg/hv.toml"),
        ),
        ({"debounceMs": 0}, EditorOptions(debounce_ms=0)),
    ],
)
def test_parse_options(raw, want):
    assert parse_options(raw) == want


def test_bad_options_are_dropped_with_a_warning():
    warnings = []
    got = parse_options(
        {"scheme": "hv-next", "strict": "yes", "ignore": 7, "configPath": 1, "debounceMs": -5},
        warnings.append,
    )
    assert got == EditorOptions()
    assert len(warnings) == 5
    assert parse_options(["not", "an", "object"], warnings.append) == EditorOptions()


def test_rename_touches_code_only():
    text = (
        "/* HV_REGISTER_SCONTROL in a comment */\n"
        'pr_info("HV_REGISTER_SCONTROL"); x = HV_REGISTER_SCONTROL;\n'
        "y = HV_REGISTER_SCONTROL_X + MY_HV_REGISTER_SCONTROL; // HV_REGISTER_SCONTROL\n"
        "#define HV_REGISTER_SCONTROL 0x40000080\n"
    )
    spans = code_occurrences(text, "HV_REGISTER_SCONTROL")
    assert [text[s:e] for s, e in spans] == ["HV_REGISTER_SCONTROL"] * 2
    edits = text_edits(text, spans, "HV_X64_MSR_SCONTROL", UTF16)
    assert [(e.range.start.line, e.range.start.character) for e in edits] == [(1, 37), (3, 8)]


CONFIG = """\
# hvlint settings for this tree
scheme = "syn-reg"

[per-path-ignores]
"arch/x86/**" = ["HV102"]  # arch code may use x86 names
"drivers/hv/hv.c" = [
    "HV104",
]

[paths]
neutral = ["drivers/virt/**"]
"""


def test_ignore_added_to_existing_entry_and_table():
    new = add_path_ignore(CONFIG, "drivers/hv/hv.c", "GENERIC_REG_PREFIX")
    data = tomlcompat.loads(new)
    assert data["per-path-ignores"]["drivers/hv/hv.c"] == ["HV104", "GENERIC_REG_PREFIX"]
    assert data["paths"] == {"neutral": ["drivers/virt/**"]}
    assert "# arch code may use x86 names" in new and new.startswith("# hvlint settings")

    new = add_path_ignore(CONFIG, "drivers/hv/vmbus_drv.c", "SYN_REG_ALIAS")
    data = tomlcompat.loads(new)
    assert data["per-path-ignores"]["drivers/hv/vmbus_drv.c"] == ["SYN_REG_ALIAS"]
    assert data["per-path-ignores"]["arch/x86/**"] == ["HV102"]


def test_ignore_creates_table_or_file():
    assert add_path_ignore("", "drivers/hv/hv.c", "HV_REGISTER_MSR") == (
        '[per-path-ignores]\n"drivers/hv/hv.c" = ["HV_REGISTER_MSR"]\n'
    )
    new = add_path_ignore("strict = true", "a b/c.c", "X86_NAME_IN_GENERIC")
    assert tomlcompat.loads(new) == {
        "strict": True,
        "per-path-ignores": {"a b/c.c": ["X86_NAME_IN_GENERIC"]},
    }


def test_ignore_leaves_what_it_cannot_edit():
    assert add_path_ignore(CONFIG, "arch/x86/**", "HV102") is None  # already there
    assert add_path_ignore("not = [valid", "x.c", "HV102") is None
    assert add_path_ignore('per-path-ignores = { "x.c" = ["HV101"] }\n', "x.c", "HV102") is None


def test_editor_settings_go_over_the_config_file_and_say_where_the_scheme_came_from(tmp_path):
    from hvlint.lsp.server import Engine

    (tmp_path / ".hvlint.toml").write_text('scheme = "syn-reg"\nignore = ["HV106"]\n', encoding="utf-8")
    rules = ruledata.load()
    root, settings = Engine.setup(tmp_path, EditorOptions(scheme="upstream", ignore=("HV104",)), rules)
    assert root == tmp_path.resolve()
    assert (settings.scheme, settings.scheme_source) == ("upstream", "the editor's settings")
    assert {"HV106", "HV104"} <= settings.ignore
    with pytest.raises(Exception, match="ignore: unknown rule type 'NOPE'"):
        Engine.setup(tmp_path, EditorOptions(ignore=("NOPE",)), rules)


def test_an_unreadable_config_is_never_overwritten(tmp_path):
    from hvlint.lsp.server import write_ignore

    config = tmp_path / ".hvlint.toml"
    config.write_bytes(b"scheme = \"syn-reg\"\n\x00binary junk\n")
    assert write_ignore(config, "drivers/hv/hv.c", "GENERIC_REG_PREFIX") is False
    assert config.read_bytes() == b"scheme = \"syn-reg\"\n\x00binary junk\n"
    fresh = tmp_path / "new.toml"
    assert write_ignore(fresh, "drivers/hv/hv.c", "GENERIC_REG_PREFIX") is True
    assert "GENERIC_REG_PREFIX" in fresh.read_text(encoding="utf-8")
