"""The base branch's last report, kept as a check run on its commit, to compare a pull request with.

Where it is kept, and why there: on a push (any branch that may become a base), the
action creates a check run named `deploy-check baseline` (`deploy-check baseline (<app>)`
for an app in a subfolder) on that commit, whose output holds the figures and the findings' fingerprints.
A pull request's run reads it back with one GET on the base commit, without a second build.

- A check run lives as long as its commit and needs no retention setting; an artifact
  expires (90 days at most) and is read back as a zip through a redirect to blob storage.
- It is read with the read-only token of a fork's pull request (checks: read is in every
  token); writing it needs `checks: write` on the push's workflow only.
- The Actions cache is evicted after 7 days unused, keys cannot be overwritten, and its
  service protocol is internal to the runner.
- A person sees it too: the commit's checks show the verdict and the figures.

The stored data is bounded (the output's 65,535 characters) and, on the way back, treated
as untrusted text: parsed with limits, rendered escaped.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from deploy_check.finding import Finding
from deploy_check.rest import Rest
from deploy_check.rest import RestError
from deploy_check.rest import as_object
from deploy_check.run_report import Report

MARKER = "<!-- deploy-check baseline v1"
END = "-->"
TEXT_LIMIT = 60_000  # a check run's output.text holds 65,535 characters
MAX_MESSAGE = 160
MAX_CANDIDATES = 10
FIGURES = ("build_seconds", "image_size_bytes", "cold_start_seconds", "peak_memory_bytes",
           "memory_limit_bytes", "zip_bytes")

SourceLine = Callable[[str, int], "str | None"]


@dataclasses.dataclass
class Entry:
    """A finding as the baseline keeps it: enough to match it again and to show it."""

    key: str
    rule: str
    severity: str
    path: str | None
    line: int | None
    message: str


@dataclasses.dataclass
class Baseline:
    sha: str
    passed: bool
    figures: dict[str, float | None]
    entries: list[Entry]
    counts: dict[str, int]
    truncated: bool = False


def check_run_name(app: str) -> str:
    return "deploy-check baseline" if app in ("", ".") else f"deploy-check baseline ({app})"


def finding_key(finding: Finding, source_line: SourceLine | None) -> str:
    """Stable across unrelated edits: the rule, the file and the text of the line (not its number)."""
    text = ""
    if finding.path and finding.line and source_line is not None:
        text = " ".join((source_line(finding.path, finding.line) or "").split())
    material = "\0".join([finding.rule, finding.path or "", text])
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def figures_of(report: Report) -> dict[str, float | None]:
    build, smoke, package = report.build, report.smoke, report.package
    limit = smoke.memory_limit_bytes or report.tier_limits.memory_bytes
    return {
        "build_seconds": build.seconds if build.status == "ok" else None,
        "image_size_bytes": build.image_size_bytes if build.status == "ok" else None,
        "cold_start_seconds": smoke.cold_start_seconds,
        "peak_memory_bytes": smoke.peak_memory_bytes,
        "memory_limit_bytes": limit,
        "zip_bytes": package.bytes if package.status == "ok" else None,
    }


def entries_of(findings: Iterable[Finding], source_line: SourceLine | None) -> list[Entry]:
    return [Entry(finding_key(f, source_line), f.rule, f.severity.value, f.path, f.line, f.message[:MAX_MESSAGE])
            for f in findings]


def from_report(report: Report, sha: str, passed: bool) -> Baseline:
    return Baseline(sha, passed, figures_of(report), entries_of(report.findings, report.source_line),
                    dict(report.counts))


def encode(baseline: Baseline) -> str:
    """The check run's output.text: a hidden HTML comment holding JSON, cut to fit."""
    entries: list[dict[str, Any]] = []
    data: dict[str, Any] = {"sha": baseline.sha, "passed": baseline.passed, "figures": baseline.figures,
                            "counts": baseline.counts, "truncated": False, "findings": entries}
    size = len(_dump(data))
    for entry in baseline.entries:
        item = dataclasses.asdict(entry)
        size += len(_dump(item)) + 1
        if size > TEXT_LIMIT:
            data["truncated"] = True
            break
        entries.append(item)
    return f"{MARKER}\n{_dump(data)}\n{END}\n"


def _dump(data: object) -> str:
    # ">" only occurs inside JSON strings, where \u003e means the same: no "-->" can end the comment early.
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace(">", "\\u003e")


def decode(text: object) -> Baseline | None:
    """The baseline in a check run's output.text, or None when it holds none (or garbage)."""
    if not isinstance(text, str) or len(text) > 2 * TEXT_LIMIT:
        return None
    start = text.find(MARKER)
    end = text.find(END, start + len(MARKER))
    if start < 0 or end < 0:
        return None
    try:
        data = json.loads(text[start + len(MARKER) : end])
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        return None
    figures = as_object(data.get("figures"))
    counts = as_object(data.get("counts"))
    entries = [entry for entry in (_entry(item) for item in data["findings"]) if entry is not None]
    return Baseline(
        sha=str(data.get("sha", ""))[:64],
        passed=data.get("passed") is True,
        figures={name: _number(figures.get(name)) for name in FIGURES},
        entries=entries,
        counts={name: int(_number(counts.get(name)) or 0) for name in ("error", "warning", "notice")},
        truncated=data.get("truncated") is True,
    )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _entry(item: object) -> Entry | None:
    if not isinstance(item, dict):
        return None
    key, rule = item.get("key"), item.get("rule")
    if not isinstance(key, str) or not isinstance(rule, str):
        return None
    path, line, message = item.get("path"), item.get("line"), item.get("message")
    severity = item.get("severity") if item.get("severity") in ("error", "warning", "notice") else "notice"
    return Entry(key[:64], rule[:100], str(severity), path[:1000] if isinstance(path, str) else None,
                 line if isinstance(line, int) and not isinstance(line, bool) else None,
                 message[:MAX_MESSAGE] if isinstance(message, str) else "")


@dataclasses.dataclass
class Comparison:
    new: list[Finding]
    fixed: list[Entry]


def compare(findings: list[Finding], source_line: SourceLine | None, base: Baseline) -> Comparison:
    """New findings (not in the base) and fixed ones (in the base, gone), matched by key as a
    multiset: a second copy of a finding the base had once is new."""
    remaining: dict[str, list[Entry]] = {}
    for entry in base.entries:
        remaining.setdefault(entry.key, []).append(entry)
    new = []
    for finding in findings:
        matches = remaining.get(finding_key(finding, source_line))
        if matches:
            matches.pop(0)
        else:
            new.append(finding)
    fixed = sorted((entry for group in remaining.values() for entry in group),
                   key=lambda e: (e.path or "", e.line or 0, e.rule))
    return Comparison(new, [] if base.truncated else fixed)  # a cut baseline cannot tell what is gone


# -- where it is kept ----------------------------------------------------------------


def store(rest: Rest, repository: str, sha: str, app: str, baseline: Baseline, title: str, summary: str) -> str:
    """Create the check run on `sha`; returns its id."""
    body = {
        "name": check_run_name(app),
        "head_sha": sha,
        "status": "completed",
        "conclusion": "success" if baseline.passed else "failure",
        "output": {"title": title[:250], "summary": summary[:60_000], "text": encode(baseline)},
    }
    created = rest.post(f"/repos/{repository}/check-runs", body)
    return str(created.get("id", "")) if isinstance(created, dict) else ""


def load(rest: Rest, repository: str, app: str, base_sha: str, base_ref: str) -> Baseline | None:
    """The baseline on the base commit, else on the newest of the base branch's last commits
    that has one; None when none does."""
    candidates = [base_sha] if base_sha else []
    found = _on_commit(rest, repository, app, base_sha) if base_sha else None
    if found is not None or not base_ref:
        return found
    try:
        commits = rest.get(f"/repos/{repository}/commits", {"sha": base_ref, "per_page": MAX_CANDIDATES})
    except RestError:
        return None
    for commit in commits if isinstance(commits, list) else []:
        sha = commit.get("sha") if isinstance(commit, Mapping) else None
        if not isinstance(sha, str) or sha in candidates:
            continue
        candidates.append(sha)
        found = _on_commit(rest, repository, app, sha)
        if found is not None or len(candidates) >= MAX_CANDIDATES:
            return found
    return None


def _on_commit(rest: Rest, repository: str, app: str, sha: str) -> Baseline | None:
    try:
        answer = rest.get(f"/repos/{repository}/commits/{sha}/check-runs",
                          {"check_name": check_run_name(app), "filter": "all"})
    except RestError as error:
        if error.status == 422:  # the commit is not in the repository
            return None
        raise
    runs = answer.get("check_runs") if isinstance(answer, dict) else None
    for run in runs if isinstance(runs, list) else []:  # newest first; a job of the same name has no baseline
        if not isinstance(run, dict) or run.get("status") != "completed":
            continue
        found = decode(as_object(run.get("output")).get("text"))
        if found is not None:
            found.sha = sha
            return found
    return None
