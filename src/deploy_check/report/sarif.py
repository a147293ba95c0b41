"""SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif)."""
from __future__ import annotations

import hashlib
import json
import urllib.parse
from typing import TYPE_CHECKING
from typing import Any

from deploy_check import rules
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.run_report import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/niblit/deploy-check"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}


def render(report: Report, context: RenderContext) -> str:
    from deploy_check import __version__

    rule_list = list(rules.ALL_RULES.values())
    index = {rule.id: i for i, rule in enumerate(rule_list)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "deploy-check",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in rule_list],
            }
        },
        # Code scanning keeps one analysis per category (the id up to its last `/`): one per checked app,
        # so the matrix jobs of several apps do not replace each other's alerts.
        "automationDetails": {"id": f"deploy-check/{context.path_prefix}"},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The checked repository"}}},
        "results": [_with_fixes(_result(f, index, context), f, report, context) for f in report.findings],
        "columnKind": "unicodeCodePoints",
    }
    if report.build_notes:
        # Which Dockerfile the runtime findings come from: a run-level fact, not a result.
        run["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "note", "message": {"text": note}}
                                           for note in report.build_notes],
        }]
        run["properties"] = {"build": {"dockerfile": report.build.dockerfile, "fixed_tree": report.build.fixed_tree}}
    if report.unfinished:  # SARIF's way to say the results are what was found before the tool stopped
        invocation = (run.get("invocations") or [{"toolExecutionNotifications": []}])[0]
        invocation["executionSuccessful"] = False
        invocation["toolExecutionNotifications"].insert(0, {"level": "error", "message": {"text": report.unfinished}})
        run["invocations"] = [invocation]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: rules.base.Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.short},
        "help": {"text": rule.page, "markdown": rule.page},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL[Severity(rule.severity)]},
        "properties": {"tags": ["niblit", rule.id.split("-")[0]]},
    }


def _with_fixes(result: dict[str, Any], finding: Finding, report: Report, context: RenderContext) -> dict[str, Any]:
    """The result with its fix as SARIF `fixes` when --fix would apply it (safe, or any with
    --unsafe-fixes): one artifactChange per file, each edit a replacement of its region."""
    if finding.fix is None or not report.fixable(finding):
        return result
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in finding.fix.edits:
        changes.setdefault(edit.path, []).append({
            "deletedRegion": {"startLine": edit.line, "startColumn": edit.column,
                              "endLine": edit.end_line, "endColumn": edit.end_column},
            "insertedContent": {"text": edit.content},
        })
    fix: dict[str, Any] = {
        "artifactChanges": [
            {"artifactLocation": {"uri": urllib.parse.quote(context.path_prefix + path, safe="/"),
                                  "uriBaseId": "%SRCROOT%"},
             "replacements": replacements}
            for path, replacements in changes.items()
        ],
    }
    if finding.fix.message:
        fix["description"] = {"text": finding.fix.message}
    return {**result, "fixes": [fix]}


def _result(finding: Finding, index: dict[str, int], context: RenderContext) -> dict[str, Any]:
    text = finding.message + (f" Hint: {finding.hint}" if finding.hint else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.path:
        uri = urllib.parse.quote(context.path_prefix + finding.path, safe="/")
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
        if finding.line:
            region: dict[str, int] = {"startLine": finding.line}
            if finding.column:
                region["startColumn"] = finding.column
            if finding.end_line and finding.end_line >= finding.line:
                region["endLine"] = finding.end_line
            if finding.end_column and (finding.end_line or finding.line) >= finding.line:
                if finding.end_line not in (None, finding.line) or (finding.column and finding.end_column > finding.column):
                    region["endColumn"] = finding.end_column
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    result["partialFingerprints"] = {"deployCheck/v1": _fingerprint(finding, context)}
    return result


def _fingerprint(finding: Finding, context: RenderContext) -> str:
    """Stable across unrelated edits: rule, path and the line's text (not its number)."""
    line_text = ""
    if finding.path and finding.line and context.source_line is not None:
        line_text = (context.source_line(finding.path, finding.line) or "").strip()
    material = "\0".join([finding.rule, finding.path or "", line_text or str(finding.line or ""), finding.message])
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]
