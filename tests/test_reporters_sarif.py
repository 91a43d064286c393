"""``--format sarif``: valid SARIF 2.1.0 (checked against the published OASIS schema shipped in
tests/data), stable rule ids with the docs from rules/, relative URIs, fingerprints that
survive moved lines."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from reporter_cases import ADDED, FINDINGS, check_golden, meta

from hvlint import ruledata
from hvlint.reporters import sarif

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def validate(doc: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_is_the_published_one():
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_valid_and_golden():
    doc = json.loads(sarif.render(FINDINGS, meta()))
    validate(doc)
    # The rules' docs are rules/'s to change (and tested below): the golden file keeps their ids.
    driver = doc["runs"][0]["tool"]["driver"]
    driver["rules"] = [{"id": r["id"], "name": r["name"]} for r in driver["rules"]]
    check_golden("sarif.json", json.dumps(doc, indent=2) + "\n")


def test_empty_run_is_valid():
    validate(json.loads(sarif.render([], meta())))


def test_rules_are_every_rule_with_its_doc():
    data = ruledata.load()
    run = json.loads(sarif.render(FINDINGS, meta()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in data.rules]
    for rule, desc in zip(data.rules, rules):
        assert desc["name"] == rule.type
        assert desc["help"]["markdown"] == rule.doc_markdown()
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_uris_are_relative_to_the_root(tmp_path):
    run = json.loads(sarif.render(FINDINGS, meta(root=str(tmp_path))))["runs"][0]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert [loc["uri"] for loc in locations][:2] == [
        "arch/x86/include/asm/hyperv-tlfs.h",
        "drivers/hv/hv.c",
    ]
    assert {loc["uriBaseId"] for loc in locations} == {"%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    spaced = replace(FINDINGS[1], path="drivers/hv/a file#1.c")
    uri = json.loads(sarif.render([spaced], meta()))["runs"][0]["results"][0]["locations"][0]
    assert uri["physicalLocation"]["artifactLocation"]["uri"] == "drivers/hv/a%20file%231.c"


def fingerprints(findings):
    run = json.loads(sarif.render(findings, meta()))["runs"][0]
    return [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in run["results"]]


def test_fingerprints_are_stable_when_lines_move():
    moved = [replace(f, line=f.line + 10, end_line=f.end_line + 10) for f in FINDINGS]
    for f, g in zip(FINDINGS, moved):
        ADDED[(g.path, g.line)] = ADDED[(f.path, f.line)]
    try:
        assert fingerprints(moved) == fingerprints(FINDINGS)
    finally:
        for g in moved:
            ADDED.pop((g.path, g.line), None)
    assert len(set(fingerprints(FINDINGS))) == len(FINDINGS)


def test_same_name_twice_on_one_file_gets_two_fingerprints():
    twice = [FINDINGS[2], replace(FINDINGS[2], line=33, end_line=33)]
    ADDED[("drivers/hv/hv.c", 33)] = ADDED[("drivers/hv/hv.c", 31)]
    try:
        first, second = fingerprints(twice)
    finally:
        ADDED[("drivers/hv/hv.c", 33)] = (29, "#ifdef CONFIG_X86")
    assert first != second


@pytest.mark.parametrize("index, fix", [(0, True), (1, False), (2, True), (3, False)])
def test_fixes_only_for_drop_in_constant_renames(index, fix):
    result = json.loads(sarif.render([FINDINGS[index]], meta()))["runs"][0]["results"][0]
    assert ("fixes" in result) == fix
    if fix:
        (change,) = result["fixes"][0]["artifactChanges"]
        assert change["replacements"][0]["insertedContent"]["text"] == FINDINGS[index].suggestion


def test_notes_are_related_locations_at_the_finding():
    doc = json.loads(sarif.render(FINDINGS, meta()))
    validate(doc)
    results = doc["runs"][0]["results"]
    assert [len(r.get("relatedLocations", [])) for r in results] == [0, 0, 0, 0, 1, 1]
    [related] = results[4]["relatedLocations"]
    assert related["message"]["text"] == FINDINGS[4].notes[0]
    assert related["physicalLocation"] == results[4]["locations"][0]["physicalLocation"]
