"""Python tracebacks in container logs, mapped to the repository's files and lines."""
from __future__ import annotations

import dataclasses
import re

from deploy_check import spec
from deploy_check.finding import Location
from deploy_check.project import Project

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
APP_ROOT = spec.APP_DIR + "/"


@dataclasses.dataclass(frozen=True)
class Frame:
    path: str  # repo-relative
    line: int


@dataclasses.dataclass(frozen=True)
class Crash:
    frame: Frame | None  # innermost frame inside the repository
    error: str  # the exception line, e.g. "ModuleNotFoundError: No module named 'x'"


def last_crash(log: str) -> Crash | None:
    """The last traceback that passes through the repository (else the last one at all):
    its innermost repository frame and its exception line."""
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("Traceback (most recent call last)")]
    if not starts:
        starts = [i - 1 for i, line in enumerate(lines) if _FRAME.match(line)][:1]
    crashes = [_crash(lines[start + 1:]) for start in starts]
    if not crashes:
        return None
    placed = [crash for crash in crashes if crash.frame is not None]
    return placed[-1] if placed else crashes[-1]


def request_crash(log: str, path: str) -> Crash | None:
    """The traceback Flask logged for a request to `path` ("Exception on /x [GET]"), or None."""
    record = _request_record(log, path)
    if record is None:
        return None
    # A chained exception prints its cause first, each part after a "Traceback" line: the place
    # is the first part through the repository's code (SQLAlchemy's cause is all library frames;
    # the view that ran the query is in the next part), the error that part's.
    parts: list[list[str]] = [[]]
    for line in record[1:]:
        if line.lstrip().startswith("Traceback (most recent call last)"):
            parts.append([])
        else:
            parts[-1].append(line)
    crashes = [_crash(part) for part in parts if part]
    if not crashes:
        return _crash([])
    return next((crash for crash in crashes if crash.frame is not None), crashes[0])


# A new record in the log, as Flask's and gunicorn's default formats start one ("[2026-12-01 ..."),
# or logging's report of a handler that failed.
_RECORD = re.compile(r"^(\[\d{4}-\d\d-\d\d[ T]|--- Logging error ---$)")
REQUEST_LOG_LINES = 60


def request_log(log: str, path: str) -> str | None:
    """The log record of the last request to `path` that raised, its first line and last
    REQUEST_LOG_LINES - 1 lines (where the exception is); None without one."""
    record = _request_record(log, path)
    if record is None:
        return None
    record = _own_frames(record)
    if len(record) > REQUEST_LOG_LINES:
        record = [record[0], *record[len(record) - REQUEST_LOG_LINES + 1:]]
    return "\n".join(record)


def _own_frames(lines: list[str]) -> list[str]:
    """A traceback with the frames outside the repository (Flask's, SQLAlchemy's) left out and
    counted: what is left is the app's own frames with their code, and the exceptions."""
    out: list[str] = []
    skipping = False
    left_out = 0
    for line in lines:
        match = _FRAME.match(line)
        if match:
            name = match.group("file")
            skipping = not name.startswith(APP_ROOT) or "/site-packages/" in name or "/dist-packages/" in name
            left_out += skipping
            if skipping:
                continue
        elif skipping and line.startswith("    "):
            continue  # the left-out frame's code and carets
        else:
            skipping = False
        out.append(line)
    if left_out:
        at = next((i + 1 for i, line in enumerate(out) if line.lstrip().startswith("Traceback (")), 1)
        out.insert(at, f"  ({left_out} frame{'s' if left_out != 1 else ''} of libraries left out)")
    return out


def _request_record(log: str, path: str) -> list[str] | None:
    """The lines of the last "Exception on <path> [" record, up to the next record."""
    lines = log.splitlines()
    # Not quoted: logging's own "--- Logging error ---" report of a handler that failed (an
    # SMTPHandler with no server) repeats the message as "Message: 'Exception on /x [GET]'".
    marker = re.compile(r"(?<!['\"])\bException on " + re.escape(path) + r" \[")
    for index in range(len(lines) - 1, -1, -1):
        if marker.search(lines[index]):
            end = index + 1
            while end < len(lines) and not _RECORD.match(lines[end]):
                end += 1
            return lines[index:end]
    return None


def _crash(lines: list[str]) -> Crash:
    frame: Frame | None = None
    error = ""
    for line in lines:
        match = _FRAME.match(line)
        if match:
            path = match.group("file")
            if path.startswith(APP_ROOT) and "/site-packages/" not in path and "/dist-packages/" not in path:
                frame = Frame(path[len(APP_ROOT):], int(match.group("line")))
            continue
        stripped = line.strip()
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning|Server)\b", stripped):
            error = stripped
            break
    return Crash(frame, error)


# Why the app could not load, in the log's own words where no traceback is printed, and
# how to say it: {0} is the matched text.
_LOAD_FAILURES = (
    (re.compile(r"Failed to find attribute '[^']*' in '[^']*'\."), "gunicorn: {0}"),
    (re.compile(r"Address already in use"),
     "a second server wants port 5000, which gunicorn holds: app.run() at import time?"),
    (re.compile(r"Failed to parse '[^']*' as an attribute name or function call\."), "gunicorn: {0}"),
    (re.compile(r"Application object must be callable\."), "gunicorn: {0}"),
)


def gunicorn_reason(log: str) -> str:
    """Why gunicorn could not load the app, when it says so without a traceback; else ""."""
    for pattern, message in _LOAD_FAILURES:
        found = pattern.findall(log)
        if found:
            return message.format(found[-1])
    return ""


# A server that says it listens on the container's loopback only (Flask's own server by
# default, `gunicorn -b 127.0.0.1:5000`): nothing outside the container reaches it.
_LOOPBACK = re.compile(r"(?:Running on|Listening at:) (http://(?:127\.0\.0\.1|localhost|\[::1\]):\d+)")


_EVERYWHERE = re.compile(r"(?:Running on|Listening at:) http://(?:0\.0\.0\.0|\[::\]):\d+")


def loopback_only(log: str) -> str:
    """The loopback address the app listens on, if it listens on nothing else; else ""."""
    if "Running on all addresses" in log or _EVERYWHERE.search(log):
        return ""
    found = _LOOPBACK.search(log)
    return found.group(1) if found else ""


_ANNOUNCED = re.compile(r"(?:Running on|Listening at:) http://(\[[0-9a-f:.]+\]|[\w.-]+):(\d+)")


def listening_elsewhere(log: str) -> str:
    """Where the server said it listens (`127.0.0.1:8000`), when it named no address at port
    5000; else ""."""
    found = _ANNOUNCED.findall(log)
    if not found or any(int(port) == spec.PORT for _, port in found):
        return ""
    host, port = found[0]
    return f"{host}:{port}"


def tail(log: str, lines: int = 20) -> str:
    return "\n".join(log.splitlines()[-lines:])


def crash_location(project: Project, log: str) -> tuple[Location, str]:
    """Where the log's last crash happened in the repository (Location(None) when not in one
    of its files), and its exception line ("" without a traceback)."""
    crash = last_crash(log)
    if crash is None:
        return Location(None), ""
    frame = crash.frame
    return (Location(frame.path, frame.line) if frame and project.has(frame.path) else Location(None)), crash.error
