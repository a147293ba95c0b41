"""The text report, for a person at a terminal."""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.report import probes
from deploy_check.run_report import Report

if TYPE_CHECKING:
    from deploy_check.report.context import RenderContext

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTICE: "36"}
_MAX_SOURCE = 120


def printable(text: str) -> str:
    """Escape control characters so hostile text cannot move the cursor or inject escapes."""
    out = []
    for char in text:
        code = ord(char)
        if char == "\t":
            out.append("    ")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or char in "\u2028\u2029\u202e\u202d\u2066\u2067\u2068\u2069":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def render(report: Report, context: RenderContext) -> str:
    paint = _painter(context.color)
    lines: list[str] = []
    key = lambda f: f.path or ""  # noqa: E731
    shown_fixes: set[str] = set()  # a fix several findings share is described once
    for path, group in itertools.groupby(report.findings, key=key):
        lines.append(paint("1", printable(path) if path else "repository"))
        for finding in group:
            lines.extend(_finding(finding, context, paint, report.fixable(finding)))
            if finding.fix is not None and finding.fix.message and finding.fix.message not in shown_fixes:
                shown_fixes.add(finding.fix.message)
                safety = "" if finding.fix.safe else " (unsafe: --unsafe-fixes)"
                lines.append(f"      fix: {printable(finding.fix.message)}{safety}")
        lines.append("")
    lines.extend(_stages(report))
    lines.extend(_fixed(report))
    lines.append(summary_line(report, paint))
    lines.extend(_fixable(report))
    return "\n".join(lines) + "\n"


def _finding(finding: Finding, context: RenderContext, paint, fixable: bool) -> list[str]:  # type: ignore[no-untyped-def]
    place = printable(finding.path or "")
    if finding.line:
        place += f":{finding.line}"
        if finding.column:
            place += f":{finding.column}"
    severity = paint(_COLORS[finding.severity], finding.severity.value)
    mark = "[*] " if fixable else ""
    head = f"  {place + ': ' if place else ''}{severity} {paint('2', finding.rule)} {mark}{printable(finding.message)}"
    out = [head]
    source = None
    if finding.path and finding.line and context.source_line is not None:
        source = context.source_line(finding.path, finding.line)
    if source is not None:
        out.extend(_quoted(source, finding))
    if finding.hint:
        out.append(f"      hint: {printable(finding.hint)}")
    if finding.log:
        out.append("      log:")
        out.extend(f"        | {printable(line)}" for line in finding.log.splitlines()[-30:])
    return out


def _quoted(source: str, finding: Finding) -> list[str]:
    """The source line (cut around the column if long) with a caret under the column."""
    text = source.replace("\t", "    ")
    column = (finding.column or 0) - 1
    start = 0
    if len(text) > _MAX_SOURCE:
        start = max(0, min(column - 20, len(text) - _MAX_SOURCE)) if column >= 0 else 0
        text = text[start : start + _MAX_SOURCE]
    shown = printable(text)
    lines = [f"      {finding.line:>4} | {shown}"]
    if finding.column and len(printable(text[: max(0, column - start)])) <= len(shown):
        width = 1
        if finding.end_column and (finding.end_line in (None, finding.line)) and finding.end_column > finding.column:
            width = finding.end_column - finding.column
        offset = len(printable(text[: column - start]))
        width = max(1, min(width, len(shown) - offset))
        lines.append(f"      {'':>4} | {' ' * offset}{'^' * width}")
    return lines


def _stages(report: Report) -> list[str]:
    out = []
    build, smoke, package = report.build, report.smoke, report.package
    if build.status == "error":
        out.append(f"build:   could not finish: {printable(str(build.reason))}")
    elif build.ran:
        facts = build.describe()
        out.append(f"build:   {build.status}" + (f" in {facts['seconds']}" if "seconds" in facts else "")
                   + (f", image {facts['image']}" if "image" in facts else ""))
    for note in report.build_notes:
        out.append(("         " if build.ran else "build:   skipped: ") + printable(note))
    if smoke.status == "error":
        out.append(f"smoke:   could not finish: {printable(str(smoke.reason))}")
    elif smoke.ran:
        facts = smoke.describe()
        parts = [f"smoke:   {smoke.status}"]
        if "cold start" in facts:
            parts.append(f"cold start {facts['cold start']}")
        if "peak memory" in facts:
            parts.append(f"peak memory {facts['peak memory']}"
                         + (f" of {facts['memory limit']}" if "memory limit" in facts else ""))
        parts.append(f"restart {facts['restart']}")
        out.append(", ".join(parts))
        probed = probes.of(smoke)
        if probed is not None:
            for index, line in enumerate(probes.lines(probed)):
                out.append(("routes:  " if index == 0 else "         ") + printable(line))
    if package.ran:
        facts = package.describe()
        if facts:
            out.append(f"zip:     {printable(str(package.path))} ({facts['size']}, {facts['files']})")
            out.append(f"         sha256 {facts['sha256']}")
        else:
            out.append(f"zip:     {package.status}")
    return out + ([""] if out else [])


def _fixed(report: Report) -> list[str]:
    """What --fix did, and each fix it left out with the reason."""
    if report.fixed is None:
        return []
    files = report.fixed["files"]
    out = [f"fixed:   {_plural(report.fixed['applied'], 'finding')} in {_plural(len(files), 'file')}"
           + (f" ({', '.join(printable(path) for path in files)})" if files else "")]
    for message in report.fixed.get("fixes", []):
        out.append(f"         {printable(message)}")
    for dropped in report.fixed["dropped"]:
        out.append(f"         not fixed: {dropped['rule']}: {printable(dropped['reason'])}")
    if not report.fixed.get("settled", True):
        out.append("         the fixes did not settle: run --fix again, or report this")
    return out + [""]


def _fixable(report: Report) -> list[str]:
    """ruff's footer: how many findings --fix would fix, and how many more --unsafe-fixes would."""
    safe = sum(1 for f in report.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in report.findings if f.fix is not None and not f.fix.safe)
    if report.unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
    if not safe and not unsafe:
        return []
    flags = "--fix --unsafe-fixes" if report.unsafe_fixes else "--fix"
    if not safe:
        return [f"{unsafe} fixable with --fix --unsafe-fixes (none with --fix alone); --diff shows them first."]
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    return [f"[*] {safe} fixable with {flags}{more}; --diff shows them first."]


def summary_line(report: Report, paint=lambda code, text: text) -> str:  # type: ignore[no-untyped-def]
    counts = report.counts
    if not report.findings:
        return paint("32", "No problems found.")
    parts = [
        _plural(counts["error"], "error"),
        _plural(counts["warning"], "warning"),
        _plural(counts["notice"], "notice"),
    ]
    color = "31" if counts["error"] else "33"
    return paint(color, ", ".join(parts) + ".")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _painter(color: bool):  # type: ignore[no-untyped-def]
    if not color:
        return lambda code, text: text
    return lambda code, text: f"\x1b[{code}m{text}\x1b[0m"
