"""Where a failed build's cause lies: the Dockerfile instruction or the requirements.txt line."""
from __future__ import annotations

import dataclasses
import re

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion
from packaging.version import Version

_STEP = re.compile(r"^Step (\d+)/(\d+) : ")
_PIP_PATTERNS = (
    re.compile(r"No matching distribution found for ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Could not find a version that satisfies the requirement ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Failed building wheel for ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Failed to build ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"ResolutionImpossible.*?([A-Za-z0-9][A-Za-z0-9._-]*)"),
)
_COLLECTING = re.compile(r"^Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)")
_CAUSED_BY = "The conflict is caused by:"
_REQUESTED = re.compile(r"The user requested (?:\(constraint\) )?([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(\S*)")
_DEPENDS = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*) (\S+) depends on (\S.*)$")
# Terminal escapes (the classic builder colours pip's stderr red): noise in a report.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


@dataclasses.dataclass(frozen=True)
class Conflict:
    """pip's ResolutionImpossible: a pin of the requirements that another package rules out."""

    requested: str  # canonical name of the pinned package
    pin: str  # as the log gives it, e.g. "markupsafe==1.1.1"
    reason: str  # e.g. "jinja2 3.1.3 depends on MarkupSafe>=2.0"
    by: tuple[str, ...] = ()  # canonical names of the packages whose needs rule the pin out


def without_escapes(line: str) -> str:
    return _ANSI.sub("", line).replace("\x1b", "")


def conflict(log_lines: list[str]) -> Conflict | None:
    """The pin pip could not satisfy together with the rest, and why, if the log says.

    pip lists, under "The conflict is caused by:", every need on the package in conflict,
    the ones the pin meets too (`jinja2 3.0.3 depends on MarkupSafe>=2.0` beside
    `MarkupSafe==2.0.1`): the reason quoted is the needs the pinned version does not meet."""
    if not any("ResolutionImpossible" in line or "conflicting dependencies" in line for line in log_lines):
        return None
    block = _caused_by(log_lines)
    requested = [m for m in map(_REQUESTED.search, block) if m]
    depends = [m for m in map(_DEPENDS.match, block) if m]
    fallback: Conflict | None = None
    for wanted in requested:
        name = canonicalize_name(wanted.group(1))
        pin = f"{wanted.group(1)}{wanted.group(3)}"
        on_it = [depend for depend in depends if _needed_name(depend.group(3)) == name]
        against = [depend for depend in on_it if _rules_out(depend.group(3), wanted.group(3))]
        if against:
            return Conflict(name, pin, "; ".join(" ".join(d.group(0).split()) for d in against),
                            tuple(canonicalize_name(d.group(1)) for d in against))
        if on_it and fallback is None and _exact(wanted.group(3)) is None:  # a range: pip knows why
            fallback = Conflict(name, pin, " ".join(on_it[0].group(0).split()), (canonicalize_name(on_it[0].group(1)),))
    if fallback is not None:
        return fallback
    if requested:
        wanted = requested[-1]
        return Conflict(canonicalize_name(wanted.group(1)), f"{wanted.group(1)}{wanted.group(3)}", "")
    return None


def _caused_by(log_lines: list[str]) -> list[str]:
    """The lines of pip's "The conflict is caused by:" list (all lines when the log has none)."""
    for index, line in enumerate(log_lines):
        if line.strip() == _CAUSED_BY:
            block: list[str] = []
            for item in log_lines[index + 1:]:
                if not item.strip() or not item.startswith((" ", "\t")):
                    break
                block.append(item)
            return block
    return log_lines


def _needed_name(requirement: str) -> str | None:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    return canonicalize_name(match.group(0)) if match else None


def _exact(specifier: str) -> Version | None:
    """The version an `==V` pin names (None for a range, a wildcard or no pin)."""
    match = re.fullmatch(r"===?\s*([^\s*,;]+)", specifier.strip())
    if not match:
        return None
    try:
        return Version(match.group(1))
    except InvalidVersion:
        return None


def _rules_out(need: str, pin: str) -> bool:
    """Whether the need (`MarkupSafe>=2.1.1`, markers aside) excludes the pinned version."""
    version = _exact(pin)
    if version is None:
        return False
    try:
        specifier = Requirement(need.split(";", 1)[0].strip()).specifier
    except InvalidRequirement:
        return False
    return not specifier.contains(version, prereleases=True)


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
