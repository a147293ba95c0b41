"""The Markdown job summary (GITHUB_STEP_SUMMARY): verdict, findings, figures, the zip."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from deploy_check import rules
from deploy_check.finding import Finding
from deploy_check import spec
from deploy_check.options import fails
from deploy_check.result import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext

MAX_ROWS = 500
MIB = 1024 * 1024
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
    out = [
        f"## {verdict}: {counts['error']} errors, {counts['warning']} warnings, {counts['notice']} notices",
        "",
        f"Tier **{cell(report.tier)}**, failing on **{cell(report.fail_on)}**.",
        "",
    ]
    out.extend(_figures(report))
    if report.findings:
        out.extend(["### Findings", "", "| | Rule | Where | Message |", "|---|---|---|---|"])
        for finding in report.findings[:MAX_ROWS]:
            out.append(_row(finding, context))
        if len(report.findings) > MAX_ROWS:
            out.append(f"| | | | …and {len(report.findings) - MAX_ROWS} more |")
        out.append("")
    out.extend(_package(report))
    for note in notes or []:
        out.extend([f"> {cell(note)}", ""])
    return "\n".join(out) + "\n"


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
    if build.get("status") != "skipped":
        size = build.get("image_size_bytes")
        seconds = build.get("seconds")
        rows.append(f"| Build | {build['status']}" + (f", {seconds:.1f} s" if seconds is not None else "")
                    + (f", image {size / MIB:.0f} MiB" if size else "") + " |")
    else:
        reason = build.get("reason")
        rows.append(f"| Build | skipped: {cell(reason)} |" if reason else "| Build | skipped |")
    if build.get("note"):
        rows.append(f"| Dockerfile | {cell(build['note'])} |")
    if smoke.get("status") != "skipped":
        cold = smoke.get("cold_start_seconds")
        peak = smoke.get("peak_memory_bytes")
        limit = spec.TIERS.get(report.tier, spec.tier(spec.DEFAULT_TIER)).memory_bytes
        rows.append(f"| Smoke test | {smoke['status']} |")
        rows.append(f"| Cold start | {cold:.1f} s |" if cold is not None else "| Cold start | — |")
        rows.append(f"| Peak memory | {peak / MIB:.0f} MiB of {limit / MIB:.0f} MiB ({peak / limit:.0%}) |"
                    if peak is not None else "| Peak memory | — |")
        rows.append(f"| Restart on the same /data | {smoke.get('restart', 'skipped')} |")
    else:
        rows.append("| Smoke test | skipped |")
    return ["| Check | Result |", "|---|---|", *rows, ""]


def _package(report: Report) -> list[str]:
    package = report.package
    if package.get("status") != "ok":
        reason = package.get("reason")
        if reason:
            return ["### Upload zip", "", f"Not built: {cell(reason)}", ""]
        return []
    out = [
        "### Upload zip",
        "",
        f"`{cell(package.get('name') or package.get('path'))}`: {package['bytes'] / MIB:.2f} MiB, "
        f"{package['files']} files, sha256 `{package['sha256']}`",
        "",
    ]
    excluded = package.get("excluded") or []
    if excluded:
        out.extend(["<details><summary>Left out of the zip</summary>", "", "| Path | Why |", "|---|---|"])
        for item in excluded[:MAX_ROWS]:
            out.append(f"| {cell(item['path'])} | {cell(item['reason'])} |")
        if len(excluded) > MAX_ROWS:
            out.append(f"| …and {len(excluded) - MAX_ROWS} more | |")
        out.extend(["", "</details>", ""])
    return out
