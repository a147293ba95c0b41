"""Where a failed build's cause lies: the Dockerfile instruction or the requirements.txt line."""
from __future__ import annotations

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
