"""Golden files for every format, rendered from one shared report (UPDATE_GOLDEN=1 rewrites them)."""
from __future__ import annotations

import json
import os
import pathlib

import jsonschema
import pytest

from deploy_check import __version__
from deploy_check.report import RenderContext
from deploy_check.report import render
from deploy_check.report import summary
from tests.report.findings import sample_report
from tests.report.findings import source_line

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
SCHEMA = pathlib.Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0-rtm.5.json"
CONTEXT = RenderContext(source_line=source_line)
CASES = {
    "text.txt": lambda: render("text", sample_report(), CONTEXT),
    "color.txt": lambda: render("text", sample_report(), RenderContext(color=True, source_line=source_line)),
    "report.json": lambda: render("json", sample_report(), CONTEXT),
    "report.sarif": lambda: render("sarif", sample_report(), CONTEXT).replace(__version__, "VERSION"),
    "annotations.github": lambda: _stable_tokens(render("github", sample_report(), RenderContext(path_prefix="app/"))),
    "summary.md": lambda: summary.render(sample_report(), RenderContext(path_prefix="app/")),
}


def _stable_tokens(text: str) -> str:
    import re

    return re.sub(r"[0-9a-f]{32}", "TOKEN", text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    produced = CASES[name]()
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(produced, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: write it with UPDATE_GOLDEN=1 and review it"
    assert produced == path.read_text(encoding="utf-8")


def test_sarif_is_valid_against_the_schema():
    document = json.loads(render("sarif", sample_report(), CONTEXT))
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {r["ruleId"] for r in run["results"]}
    placed = [r for r in run["results"] if "locations" in r]
    assert placed and all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for r in placed)
    assert any("region" in r["locations"][0]["physicalLocation"] for r in placed)


def test_json_matches_the_contract():
    data = json.loads(render("json", sample_report(), CONTEXT))
    assert data["version"] == 1
    assert set(data["counts"]) == {"error", "warning", "notice"}
    for finding in data["findings"]:
        assert set(finding) >= {"rule", "severity", "path", "line", "column", "end_line", "end_column", "message", "hint"}
    assert set(data["build"]) >= {"status", "seconds", "image_size_bytes"}
    assert set(data["smoke"]) >= {"status", "cold_start_seconds", "peak_memory_bytes", "restart"}
    assert set(data["package"]) >= {"status", "path", "bytes", "files", "sha256"}


def test_text_escapes_hostile_text():
    text = render("text", sample_report(), CONTEXT)
    assert "\x1b" not in text
    assert "\\x1b[31mred" in text


def test_annotations_put_errors_first_and_neutralise_logs():
    lines = render("github", sample_report(), RenderContext()).splitlines()
    levels = [line.split(" ", 1)[0] for line in lines if line.startswith(("::error ", "::warning ", "::notice "))]
    assert levels == sorted(levels, key=["::error", "::warning", "::notice"].index)
    inside = lines[lines.index(next(l for l in lines if l.startswith("::stop-commands::"))) + 1]
    assert not inside.startswith("::")


def test_summary_escapes_table_cells():
    text = summary.render(sample_report(), RenderContext())
    assert "<b>" not in text and "&lt;b&gt;" in text
    assert "a&#124;b" in text


def test_sarif_of_no_findings_is_valid_with_every_rule_linked():
    from deploy_check import rules
    from deploy_check.run_report import Report

    document = json.loads(render("sarif", Report(path="app"), RenderContext()))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(document)
    run = document["runs"][0]
    assert run["results"] == []
    driver_rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in driver_rules] == list(rules.ALL_RULES)
    assert all(r["helpUri"].startswith("https://") and r["helpUri"].endswith(f"/{r['id']}.md") for r in driver_rules)


def test_sarif_of_several_apps_have_distinct_categories():
    """Code scanning replaces an analysis of the same category: one per app, the id's part before its last /."""
    ids = [json.loads(render("sarif", sample_report(), RenderContext(path_prefix=prefix)))["runs"][0]
           ["automationDetails"]["id"] for prefix in ["", "services/shop/", "services/blog/"]]
    assert ids == ["deploy-check/", "deploy-check/services/shop/", "deploy-check/services/blog/"]
    assert len({identifier.rsplit("/", 1)[0] for identifier in ids}) == 3


def test_the_summary_diff_is_collapsed_fenced_and_capped_with_a_count():
    from deploy_check.report.summary import fixes_section

    diff = "".join(f"+line {n}\n" for n in range(10)) + " ````\n"
    section = fixes_section("--- a/x\n+++ b/x\n" + diff, max_lines=5)
    assert section[0] == "<details>" and section[-2] == "</details>"
    assert section[3] == "`````diff" and section.count("`````") == 1  # longer than the diff's own run
    assert section[4:9] == ["--- a/x", "+++ b/x", "+line 0", "+line 1", "+line 2"]
    assert "…and 8 more lines of the diff not shown" in section[11]
    assert fixes_section("") == [] and fixes_section(None) == []
