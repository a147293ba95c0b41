"""Where a failed build's cause lies: the Dockerfile instruction or the requirements.txt line."""
from __future__ import annotations

import dataclasses
import re

from packaging.utils import canonicalize_name

_STEP = re.compile(r"^Step (\d+)/(\d+) : ")
_PIP_PATTERNS = (
    re.compile(r"No matching distribution found for ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Could not find a version that satisfies the requirement ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Failed building wheel for ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Failed to build ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"ResolutionImpossible.*?([A-Za-z0-9][A-Za-z0-9._-]*)"),
)
_COLLECTING = re.compile(r"^Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)")
_REQUESTED = re.compile(r"The user requested ([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(\S*)")
_DEPENDS = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*) (\S+) depends on (\S.*)$")
# Terminal escapes (the classic builder colours pip's stderr red): noise in a report.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


@dataclasses.dataclass(frozen=True)
class Conflict:
    """pip's ResolutionImpossible: a pin of the requirements that another package rules out."""

    requested: str  # canonical name of the pinned package
    pin: str  # as the log gives it, e.g. "markupsafe==1.1.1"
    reason: str  # e.g. "jinja2 3.1.3 depends on MarkupSafe>=2.0"


def without_escapes(line: str) -> str:
    return _ANSI.sub("", line).replace("\x1b", "")


def conflict(log_lines: list[str]) -> Conflict | None:
    """The pin pip could not satisfy together with the rest, and why, if the log says."""
    if not any("ResolutionImpossible" in line or "conflicting dependencies" in line for line in log_lines):
        return None
    requested = [m for m in map(_REQUESTED.search, log_lines) if m]
    depends = [m for m in map(_DEPENDS.match, log_lines) if m]
    for wanted in requested:
        name = canonicalize_name(wanted.group(1))
        for depend in depends:
            needed = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", depend.group(3))
            if needed and canonicalize_name(needed.group(0)) == name:
                pin = f"{wanted.group(1)}{wanted.group(3)}"
                return Conflict(name, pin, " ".join(depend.group(0).split()))
    if requested:
        wanted = requested[-1]
        return Conflict(canonicalize_name(wanted.group(1)), f"{wanted.group(1)}{wanted.group(3)}", "")
    return None


def failed_step(log_lines: list[str]) -> int | None:
    """The 1-based index of the last `Step N/M` the classic builder started."""
    step = None
    for line in log_lines:
        match = _STEP.match(line)
        if match:
            step = int(match.group(1))
    return step


def failing_requirement(log_lines: list[str]) -> str | None:
    """The canonical name of the package pip could not install, if the log says."""
    for pattern in _PIP_PATTERNS[:4]:
        for line in reversed(log_lines):
            match = pattern.search(line)
            if match:
                return canonicalize_name(match.group(1))
    if any("subprocess-exited-with-error" in line for line in log_lines):
        for line in reversed(log_lines):
            match = _COLLECTING.match(line.strip())
            if match:
                return canonicalize_name(match.group(1))
    return None


def relevant_tail(log_lines: list[str], count: int = 20) -> str:
    """The last lines worth showing: errors and what led to them, without progress bars."""
    kept = [line for line in log_lines if line.strip() and not re.match(r"^\s*(━|-{3,}|\|)", line.strip())]
    return "\n".join(kept[-count:])
