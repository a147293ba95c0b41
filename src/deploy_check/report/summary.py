"""The Markdown job summary (GITHUB_STEP_SUMMARY): verdict, findings, figures, the zip."""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from deploy_check import rules
from deploy_check.finding import Finding
from deploy_check import spec
from deploy_check.options import fails
from deploy_check.report import probes
from deploy_check.run_report import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext

MAX_ROWS = 500
# The fixes' diff in the summary stops after this many lines (the whole summary is capped at 1 MiB).
MAX_DIFF_LINES = 400
_ICONS = {"error": "❌", "warning": "⚠️", "notice": "ℹ️"}


def cell(text: object) -> str:
    """Markdown/HTML-safe table cell: hostile text stays text."""
    value = html.escape(str(text), quote=True)
    value = value.replace("|", "&#124;").replace("`", "&#96;").replace("[", "&#91;").replace("]", "&#93;")
    value = value.replace("*", "&#42;").replace("_", "&#95;").replace("~", "&#126;").replace("\\", "&#92;")
    return " ".join(value.split())  # newlines would end the row


def render(report: Report, context: RenderContext, *, notes: list[str] | None = None) -> str:
    counts = report.counts
    failed = any(fails(f.severity, report.fail_on) for f in report.findings)
    verdict = "❌ **deploy-check failed**" if failed else "✅ **deploy-check passed**"
    if report.unfinished:
        verdict = "⚠️ **deploy-check could not finish**"
    out = [
        f"## {verdict}: {counts['error']} errors, {counts['warning']} warnings, {counts['notice']} notices",
        "",
        f"Tier **{cell(report.tier)}**, failing on **{cell(report.fail_on)}**.",
        "",
    ]
    if report.unfinished:
        out.extend([f"> {cell(report.unfinished)}: the findings below are those made before it stopped.", ""])
    out.extend(_figures(report))
    if report.findings:
        out.extend(["### Findings", "", "| | Rule | Where | Message |", "|---|---|---|---|"])
        for finding in report.findings[:MAX_ROWS]:
            out.append(_row(finding, context))
        if len(report.findings) > MAX_ROWS:
            out.append(f"| | | | …and {len(report.findings) - MAX_ROWS} more |")
        out.append("")
    out.extend(_package(report))
    out.extend(fixes_section(report.fix_diff))
    for note in notes or []:
        out.extend([f"> {cell(note)}", ""])
    return "\n".join(out) + "\n"


def fixes_section(diff: str | None, max_lines: int = MAX_DIFF_LINES) -> list[str]:
    """The safe fixes as one diff in a collapsed <details>, at most `max_lines` lines of it,
    with a count of what was left out. The fence is longer than any run of backticks in the
    diff, so no line of it can close the block (a diff's context line may be `` ```)."""
    if not diff:
        return []
    lines = diff.splitlines()
    files = sum(1 for line in lines if line.startswith("+++ "))
    shown = lines[:max_lines]
    longest = max((len(run) for run in re.findall(r"`+", diff)), default=0)
    fence = "`" * max(3, longest + 1)
    title = (f"Safe fixes for {files} file{'s' if files != 1 else ''}: "
             "<code>deploy-check --fix</code> applies them, <code>--diff</code> prints them")
    out = ["<details>", f"<summary>{title}</summary>", "", f"{fence}diff", *shown, fence, ""]
    if len(lines) > max_lines:
        out.extend([f"…and {len(lines) - max_lines} more lines of the diff not shown "
                    "(run <code>deploy-check --diff</code> for all of it)", ""])
    return [*out, "</details>", ""]


def _row(finding: Finding, context: RenderContext) -> str:
    rule = rules.get(finding.rule)
    link = f"[`{finding.rule}`]({rule.help_uri})" if rule else cell(finding.rule)
    where = ""
    if finding.path:
        where = cell(context.path_prefix + finding.path) + (f":{finding.line}" if finding.line else "")
    message = cell(finding.message) + (f"<br>*{cell(finding.hint)}*" if finding.hint else "")
    return f"| {_ICONS[finding.severity.value]} | {link} | {where} | {message} |"


def _figures(report: Report) -> list[str]:
    rows = []
    build, smoke = report.build, report.smoke
    if build.status == "error":
        rows.append(f"| Build | could not finish: {cell(build.reason)} |")
    elif build.ran:
        facts = build.describe()
        rows.append(f"| Build | {build.status}" + (f", {facts['seconds']}" if "seconds" in facts else "")
                    + (f", image {facts['image']}" if "image" in facts else "") + " |")
    else:
        rows.append(f"| Build | skipped: {cell(build.reason)} |" if build.reason else "| Build | skipped |")
    if build.note:
        rows.append(f"| Dockerfile | {cell(build.note)} |")
    if smoke.status == "error":
        rows.append(f"| Smoke test | could not finish: {cell(smoke.reason)} |")
    elif smoke.ran:
        facts = smoke.describe(report.tier_limits.memory_bytes)
        rows.append(f"| Smoke test | {smoke.status} |")
        rows.append(f"| Cold start | {facts['cold start']} |" if "cold start" in facts else "| Cold start | — |")
        rows.append(f"| Peak memory | {facts['peak memory']} of {facts['memory limit']} ({facts['memory share']}) |"
                    if "peak memory" in facts else "| Peak memory | — |")
        rows.append(f"| Restart on the same {spec.DATA_DIR} | {facts['restart']} |")
        probed = probes.of(smoke)
        if probed is not None:
            rows.append(f"| Routes | {'<br>'.join(cell(line) for line in probes.lines(probed))} |")
    else:
        rows.append("| Smoke test | skipped |")
    return ["| Check | Result |", "|---|---|", *rows, ""]


def _package(report: Report) -> list[str]:
    package = report.package
    facts = package.describe()
    if not facts:
        if package.reason:
            return ["### Upload zip", "", f"Not built: {cell(package.reason)}", ""]
        return []
    out = [
        "### Upload zip",
        "",
        f"`{cell(package.name or str(package.path))}`: {facts['size']}, {facts['files']}, sha256 `{facts['sha256']}`",
        "",
    ]
    excluded = package.excluded or []
    if excluded:
        out.extend(["<details><summary>Left out of the zip</summary>", "", "| Path | Why |", "|---|---|"])
        for item in excluded[:MAX_ROWS]:
            out.append(f"| {cell(item['path'])} | {cell(item['reason'])} |")
        if len(excluded) > MAX_ROWS:
            out.append(f"| …and {len(excluded) - MAX_ROWS} more | |")
        out.extend(["", "</details>", ""])
    return out
