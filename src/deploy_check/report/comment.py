"""The pull-request comment: verdict, new and fixed findings against the base, figures side by side.

One comment per pull request and app, found again by its hidden marker (the first
line) and edited in place. Everything from the repository or the stored baseline is
escaped as table text, `@` included so no one is mentioned by a hostile file name.
"""
from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING

from deploy_check import rules
from deploy_check.baseline import Baseline
from deploy_check.baseline import Entry
from deploy_check.baseline import figures_of
from deploy_check.finding import Finding
from deploy_check.report import probes
from deploy_check.report.summary import cell
from deploy_check.run_report import Report

if TYPE_CHECKING:
    from deploy_check.report import RenderContext

MAX_ROWS = 50
COMMENT_LIMIT = 60_000  # GitHub refuses comment bodies above 65,536 characters
MIB = 1024 * 1024
_ICONS = {"error": "❌", "warning": "⚠️", "notice": "ℹ️"}


def marker(kind: str, app: str) -> str:
    """The hidden first line that finds this app's comment (kind "comment") or review again."""
    return f"<!-- deploy-check:{kind} app={urllib.parse.quote(app or '.', safe='/._-')} -->"


@dataclasses.dataclass
class OutsideFix:
    """A safe fix that is not a suggestion: not on the changed lines, or a new file."""

    finding: Finding
    reason: str


@dataclasses.dataclass
class CommentInput:
    app: str
    passed: bool
    base: Baseline | None
    base_label: str  # "main" (the base branch)
    new: list[Finding]  # against the base; all findings without a base
    fixed: list[Entry]
    only_changed: bool = False
    hidden: int = 0  # findings left out by only-changed
    outside_fixes: Sequence[OutsideFix] = ()
    suggestions: int = 0
    links: Sequence[tuple[str, str]] = ()  # (label, url)


def text(value: object) -> str:
    return cell(value).replace("@", "&#64;")


def render(report: Report, context: RenderContext, data: CommentInput) -> str:
    counts = report.counts
    verdict = "✅ deploy-check passed" if data.passed else "❌ deploy-check failed"
    app = f" · `{text(data.app)}`" if data.app not in ("", ".") else ""
    out = [marker("comment", data.app), f"### {verdict}{app}", "",
           f"{counts['error']} errors, {counts['warning']} warnings, {counts['notice']} notices · "
           f"tier **{text(report.tier)}** · failing on **{text(report.fail_on)}**", ""]
    if data.base is None:
        out.extend([f"No baseline yet: no report of `{text(data.base_label)}` was found, so every finding "
                    "is listed. A run on a push to that branch (with `github-token` and `checks: write`) "
                    "records one.", ""])
        out.extend(_findings("Findings", data.new, context, data.hidden))
    else:
        sha = text(data.base.sha[:7])
        out.extend([f"Compared with `{text(data.base_label)}` at {sha}"
                    + (" (its report was cut to fit: fixed findings are not listed)" if data.base.truncated else "")
                    + ".", ""])
        out.extend(_findings("New findings", data.new, context, data.hidden))
        out.extend(_fixed(data.fixed, context))
    if data.only_changed:
        out.extend(["<sub>only-changed: findings on lines this pull request did not change are left out "
                    f"({data.hidden}); build and smoke findings and the verdict always count.</sub>", ""])
    out.extend(_figures(report, data.base, data.base_label))
    probed = probes.of(report.smoke)
    if probed is not None:
        out.extend(["**Routes**: " + "<br>".join(text(line) for line in probes.lines(probed)), ""])
    if data.suggestions:
        out.extend([f"{data.suggestions} safe fix(es) on the changed lines are in this pull request's review, "
                    "as suggestions to commit with a click.", ""])
    out.extend(_outside(data.outside_fixes, context))
    if data.links:
        out.append(" · ".join(f"[{text(label)}]({url})" for label, url in data.links))
        out.append("")
    body = "\n".join(out)
    if len(body) > COMMENT_LIMIT:
        body = body[:COMMENT_LIMIT].rsplit("\n", 1)[0] + "\n\n…(cut at GitHub's comment size; the job summary has it all)"
    return body + "\n"


def _where(path: str | None, line: int | None, context: RenderContext) -> str:
    if not path:
        return ""
    return text(context.path_prefix + path) + (f":{line}" if line else "")


def _rule(rule_id: str) -> str:
    rule = rules.get(rule_id)
    return f"[`{rule_id}`]({rule.help_uri})" if rule else text(rule_id)


def _findings(title: str, findings: list[Finding], context: RenderContext, hidden: int) -> list[str]:
    if not findings:
        return [f"**{title}**: none.", ""]
    out = [f"**{title}** ({len(findings)})", "", "| | Rule | Where | Message |", "|---|---|---|---|"]
    for finding in findings[:MAX_ROWS]:
        out.append(f"| {_ICONS[finding.severity.value]} | {_rule(finding.rule)} | "
                   f"{_where(finding.path, finding.line, context)} | {text(finding.message)} |")
    if len(findings) > MAX_ROWS:
        out.append(f"| | | | …and {len(findings) - MAX_ROWS} more (job summary) |")
    return out + [""]


def _fixed(entries: list[Entry], context: RenderContext) -> list[str]:
    if not entries:
        return []
    out = [f"**Fixed** ({len(entries)})", "", "| | Rule | Was at | Message |", "|---|---|---|---|"]
    for entry in entries[:MAX_ROWS]:
        out.append(f"| ✔️ | {_rule(entry.rule)} | {_where(entry.path, entry.line, context)} | {text(entry.message)} |")
    if len(entries) > MAX_ROWS:
        out.append(f"| | | | …and {len(entries) - MAX_ROWS} more |")
    return out + [""]


Format = Callable[[float], str]
# (label, figure, format, worse when the increase is above both: fraction of the base, absolute)
_FIGURES: list[tuple[str, str, Format, float, float]] = [
    ("Build time", "build_seconds", lambda v: f"{v:.1f} s", 0.10, 2.0),
    ("Image size", "image_size_bytes", lambda v: f"{v / MIB:.1f} MiB", 0.02, 1 * MIB),
    ("Cold start", "cold_start_seconds", lambda v: f"{v:.1f} s", 0.10, 0.5),
    ("Peak memory", "peak_memory_bytes", lambda v: f"{v / MIB:.0f} MiB", 0.05, 4 * MIB),
    ("Zip size", "zip_bytes", lambda v: f"{v / MIB:.2f} MiB", 0.01, 16 * 1024),
]


def _figures(report: Report, base: Baseline | None, base_label: str) -> list[str]:
    head = figures_of(report)
    limit = head.get("memory_limit_bytes")
    header = ["| | This pull request |" + (f" `{text(base_label)}` | |" if base else ""),
              "|---|---|" + ("---|---|" if base else "")]
    rows = []
    for label, name, fmt, relative, absolute in _FIGURES:
        value = head.get(name)
        before = base.figures.get(name) if base else None
        if value is None and before is None:
            continue
        shown = fmt(value) if value is not None else "—"
        if name == "peak_memory_bytes" and value is not None and limit:
            shown += f" of {fmt(limit)} ({value / limit:.0%})"
        row = f"| {label} | {shown} |"
        if base:
            row += f" {fmt(before) if before is not None else '—'} | {_trend(value, before, fmt, relative, absolute)} |"
        rows.append(row)
    if not rows:
        return []
    return ["**Figures**", "", *header, *rows, ""]


def _trend(value: float | None, before: float | None, fmt: Format, relative: float, absolute: float) -> str:
    """An arrow for what got worse (every figure here is better smaller); noise is level."""
    if value is None or before is None:
        return ""
    delta = value - before
    sign = "+" if delta >= 0 else "−"
    amount = sign + fmt(abs(delta))
    if delta > absolute and delta > relative * before:
        return f"🔺 {amount} (worse)"
    if -delta > absolute and -delta > relative * before:
        return f"🔽 {amount}"
    return "≈"


def _outside(fixes: Sequence[OutsideFix], context: RenderContext) -> list[str]:
    if not fixes:
        return []
    out = [f"**Safe fixes outside this pull request's changed lines** ({len(fixes)}): "
           "`deploy-check --fix` applies them.", ""]
    for item in list(fixes)[:MAX_ROWS]:
        finding = item.finding
        what = finding.fix.message if finding.fix and finding.fix.message else finding.message
        out.append(f"- {_rule(finding.rule)} {_where(finding.path, finding.line, context)}: {text(what)}"
                   f" <sub>({text(item.reason)})</sub>")
    if len(fixes) > MAX_ROWS:
        out.append(f"- …and {len(fixes) - MAX_ROWS} more")
    return out + [""]
