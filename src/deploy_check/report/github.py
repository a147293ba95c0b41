"""Workflow-command annotations: what GitHub shows on the pull request's lines.

The runner keeps the first 10 errors, 10 warnings and 10 notices of a step as
annotations and drops the rest, so the most important go first: within a
severity, what blocks the deploy and `--fix` cannot fix before what it can,
the first finding of each rule and file before repeats, placed before
unplaced. What would be dropped is printed as plain lines instead, and one
closing notice says how many and where the full list is.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from deploy_check import workflow_commands
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.run_report import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext

ANNOTATIONS_KEPT = 10  # per severity and step (actions/runner); the rest never reach the pull request
# Notices kept for deploy-check's own: the closing one below, and one the action prints after the
# findings (no artifact service, only-changed's count, a fork's read-only token).
RESERVED_NOTICES = 2


def ordered(findings: list[Finding], fixable: Callable[[Finding], bool] = lambda finding: False) -> list[Finding]:
    """Most severe first; then unfixable before fixable, first of its rule and file before repeats,
    placed (with a line) before unplaced, and by place."""
    seen: Counter[tuple[str, str | None]] = Counter()
    keyed = []
    for finding in sorted(findings, key=Finding.sort_key):
        repeat = seen[(finding.rule, finding.path)]
        seen[(finding.rule, finding.path)] += 1
        keyed.append(((-finding.severity.rank, fixable(finding), repeat, finding.line is None, finding.path is None,
                       finding.sort_key()), finding))
    return [finding for _, finding in sorted(keyed, key=lambda pair: pair[0])]


def annotation(finding: Finding, path_prefix: str = "") -> str:
    message = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
    same_line = finding.end_line in (None, finding.line)
    return workflow_commands.annotation(
        finding.severity.value,
        message,
        file=(path_prefix + finding.path) if finding.path else None,
        line=finding.line,
        end_line=finding.end_line if finding.line else None,
        col=finding.column if finding.line and same_line else None,
        end_column=finding.end_column if finding.line and same_line else None,
        title=finding.rule,
    )


def budgets() -> dict[str, int]:
    """Annotations to write per severity: all the runner keeps, less RESERVED_NOTICES notices."""
    kept = {severity.value: ANNOTATIONS_KEPT for severity in Severity}
    kept[Severity.NOTICE.value] = ANNOTATIONS_KEPT - RESERVED_NOTICES
    return kept


def render(report: Report, context: RenderContext) -> str:
    from deploy_check.report.text import summary_line

    kept = budgets()
    written: Counter[str] = Counter()
    lines: list[str] = []
    dropped: list[Finding] = []
    if report.unfinished:  # first, so that the runner keeps it among its error annotations
        written["error"] += 1
        lines.append(workflow_commands.command("error", {"title": "deploy-check"}, " ".join(report.unfinished.split())))
    for finding in ordered(report.findings, report.fixable):
        level = finding.severity.value
        if written[level] < kept[level]:
            written[level] += 1
            lines.append(annotation(finding, context.path_prefix))
        else:
            dropped.append(finding)
            lines.append(workflow_commands.neutralise(plain(finding, context.path_prefix)))
        if finding.log:
            lines.append(workflow_commands.group(f"{finding.rule}: log"))
            lines.append(workflow_commands.untrusted_block(finding.log))
            lines.append(workflow_commands.end_group())
    for note in report.build_notes:
        lines.append(workflow_commands.command("notice", {"title": "deploy-check build"}, note))
    lines.append(workflow_commands.neutralise(summary_line(report)))
    if dropped:
        lines.append(workflow_commands.command("notice", {"title": "deploy-check"}, dropped_note(dropped)))
    return "\n".join(lines) + "\n"


def plain(finding: Finding, path_prefix: str = "") -> str:
    """A finding past the annotation limit, as one log line (`error: app/app.py:3:5: message [rule]`)."""
    place = (path_prefix + finding.path) if finding.path else ""
    if place and finding.line:
        place += f":{finding.line}" + (f":{finding.column}" if finding.column else "")
    text = " ".join(f"{finding.message} Hint: {finding.hint}".split() if finding.hint else finding.message.split())
    return f"{finding.severity.value}: {place + ': ' if place else ''}{text} [{finding.rule}]"


def dropped_note(dropped: list[Finding]) -> str:
    counts = Counter(finding.severity for finding in dropped)
    parts = [f"{counts[severity]} {severity.value}{'s' if counts[severity] > 1 else ''}"
             for severity in Severity if counts[severity]]
    return (f"{len(dropped)} more finding{'s' if len(dropped) > 1 else ''} ({', '.join(parts)}) not shown as "
            f"annotations: GitHub keeps {ANNOTATIONS_KEPT} errors, {ANNOTATIONS_KEPT} warnings and "
            f"{ANNOTATIONS_KEPT} notices per step (deploy-check keeps {RESERVED_NOTICES} notices for its own). They are listed in this step's log above, in the job summary, "
            "and in the SARIF and JSON reports (sarif-file input, deploy-check --sarif/--json).")
