"""Each rule's doc in rules/ is itself a test: its bad example reports exactly the marked
findings, its good example reports nothing, and every output reuses that doc."""

from __future__ import annotations

import pytest

from conftest import actual_findings, expected_findings, lint_tree, write_tree
from hvlint import ruledata
from hvlint.config import Settings

DATA = ruledata.load()
RULES = list(DATA.rules)


def _write(tmp_path, examples):
    files = {ex.path: ex.code for ex in examples}
    write_tree(tmp_path, files)
    (tmp_path / ".hvlint.toml").write_text("strict = true\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_doc_has_identity_and_both_examples(rule):
    assert rule.code.startswith("HV") and rule.type.isupper()
    assert rule.severity in ("error", "warning", "check")
    assert rule.bad and rule.good, f"{rule.code} needs a bad and a good example"
    doc = rule.doc_markdown()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in doc


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_reports_the_rule(tmp_path, rule):
    root = _write(tmp_path, rule.bad)
    expected = expected_findings(root)
    assert expected and {t for (_p, _l, t) in expected} == {rule.type}
    _linter, result = lint_tree(root, Settings(strict=True))
    assert actual_findings(result.findings) == expected


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_good_example_is_clean(tmp_path, rule):
    root = _write(tmp_path, rule.good)
    _linter, result = lint_tree(root, Settings(strict=True))
    assert result.findings == [], [f.message for f in result.findings]


def test_every_rule_has_a_check_and_unique_identity():
    from hvlint.checks import CHECKS

    codes = [r.code for r in RULES]
    types = [r.type for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(types)) == len(types)
    assert set(CHECKS) | {"HV100"} == set(codes)
