"""Every fixture tree under tests/fixtures/trees/ reports exactly what its sources expect.

A trailing ``/* expect: TYPE [TYPE ...] */`` marks each finding a line must produce;
unmarked lines must produce nothing. Each tree's .hvlint.toml holds its settings.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES, actual_findings, expected_findings, lint_tree

TREES = sorted(p for p in (FIXTURES / "trees").iterdir() if p.is_dir())


@pytest.mark.parametrize("root", TREES, ids=[p.name for p in TREES])
def test_tree_reports_exactly_the_marked_findings(root):
    expected = expected_findings(root)
    assert expected, f"{root.name} marks no expected finding: a fixture that cannot fail"
    _linter, result = lint_tree(root)
    assert not result.problems
    actual = actual_findings(result.findings)
    missing = expected - actual
    unexpected = actual - expected
    assert not missing and not unexpected, (
        f"missing: {sorted(missing)}\nunexpected: "
        + "\n".join(f"{f.path}:{f.line}: {f.type}: {f.message}" for f in result.findings
                    if (f.path, f.line, f.type) in unexpected)
    )


@pytest.mark.parametrize("root", TREES, ids=[p.name for p in TREES])
def test_each_file_alone_matches_the_tree_run(root):
    """Linting files one at a time gives the same answers: the index is the tree's, not the batch's."""
    _l, whole = lint_tree(root)
    singles = []
    for path in sorted(root.rglob("*.[ch]")):
        _l, res = lint_tree(root, paths=[path])
        singles += res.findings
    assert actual_findings(singles) == actual_findings(whole.findings)
