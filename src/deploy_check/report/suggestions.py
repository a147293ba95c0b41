"""The safe fixes as GitHub suggestion blocks, on the lines a pull request changed.

Each fix is diffed line by line (the fix engine's plan of that fix alone against the
checked tree); each changed run of lines becomes one review comment whose ```suggestion
block replaces exactly those lines. A fix becomes suggestions only when every line it
replaces is a line the pull request added, with the same text the pull request shows
(so a checkout of the merge commit that differs from the head is never suggested
against); otherwise, or when it creates a file, it is listed in the comment instead.
A fix is one unit: all its suggestions or none.
"""
from __future__ import annotations

import dataclasses
import difflib
import re

from deploy_check import fixing
from deploy_check.changed_lines import ChangedLines
from deploy_check.finding import Finding
from deploy_check.fixing.text import split_lines
from deploy_check.project import Project
from deploy_check.report.comment import OutsideFix
from deploy_check.report.comment import marker
from deploy_check.report.comment import text

NOT_CHANGED = "not on lines this pull request changed"
NEW_FILE = "creates a file"
MAX_SUGGESTIONS = 50


@dataclasses.dataclass(frozen=True)
class Suggestion:
    """One review comment: lines start_line..line of `path` (workspace-relative) replaced."""

    path: str
    start_line: int
    line: int
    replacement: tuple[str, ...]
    rule: str
    message: str

    def body(self) -> str:
        content = "\n".join(self.replacement)
        longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"**{text(self.rule)}**: {text(self.message)}\n\n{fence}suggestion\n{content}\n{fence}"

    def to_api(self) -> dict[str, object]:
        comment: dict[str, object] = {"path": self.path, "line": self.line, "side": "RIGHT", "body": self.body()}
        if self.start_line < self.line:
            comment.update(start_line=self.start_line, start_side="RIGHT")
        return comment


def suggest(project: Project, findings: list[Finding], changed: ChangedLines,
            prefix: str = "") -> tuple[list[Suggestion], list[OutsideFix]]:
    """Suggestions for the safe fixes on changed lines, and the safe fixes that are not."""
    whole = fixing.plan(project, findings)
    outside = [OutsideFix(finding, reason) for finding, reason in whole.dropped]
    suggestions: list[Suggestion] = []
    seen: set[object] = set()
    for finding in whole.applied:
        assert finding.fix is not None
        if finding.fix.edits in seen:  # the same fix proposed by several rules: once
            continue
        seen.add(finding.fix.edits)
        own = fixing.plan(project, [finding])
        made, reason = _hunks(own, finding, changed, prefix)
        if reason is not None or len(suggestions) + len(made) > MAX_SUGGESTIONS:
            outside.append(OutsideFix(finding, reason or "too many suggestions for one review"))
        else:
            suggestions.extend(made)
    return suggestions, outside


def _hunks(plan: fixing.FixPlan, finding: Finding, changed: ChangedLines,
           prefix: str) -> tuple[list[Suggestion], str | None]:
    made = []
    message = finding.fix.message if finding.fix and finding.fix.message else finding.message
    for path, (old, new) in sorted(plan.files.items()):
        if old is None:
            return [], NEW_FILE
        before = split_lines(old.decode("utf-8", "replace"))
        after = split_lines(new.decode("utf-8", "replace"))
        where = prefix + path
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if i1 < i2:
                first, last, replacement = i1 + 1, i2, after[j1:j2]
            elif i1 >= 1:  # a pure insertion: anchored on the line before it
                first = last = i1
                replacement = [before[i1 - 1], *after[j1:j2]]
            elif before:  # inserted before the first line
                first = last = 1
                replacement = [*after[j1:j2], before[0]]
            else:
                return [], NEW_FILE
            if not changed.covers(where, first, last) or any(
                    changed.text(where, number) != before[number - 1] for number in range(first, last + 1)):
                return [], NOT_CHANGED
            made.append(Suggestion(where, first, last, tuple(replacement), finding.rule, message))
    return made, None


def review_body(app: str, suggestions: list[Suggestion]) -> str:
    return (f"{marker('review', app)}\n**deploy-check**: {len(suggestions)} safe fix(es) on the lines this "
            "pull request changed. *Commit suggestion* applies one; the next run replaces this review.\n")


SUPERSEDED = "*deploy-check: superseded by the next run's review.*"
