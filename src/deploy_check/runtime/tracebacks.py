"""Python tracebacks in container logs, mapped to the repository's files and lines."""
from __future__ import annotations

import dataclasses
import re

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
APP_ROOT = "/app/"


@dataclasses.dataclass(frozen=True)
class Frame:
    path: str  # repo-relative
    line: int


@dataclasses.dataclass(frozen=True)
class Crash:
    frame: Frame | None  # innermost frame inside the repository
    error: str  # the exception line, e.g. "ModuleNotFoundError: No module named 'x'"


def last_crash(log: str) -> Crash | None:
    """The last traceback in a log: its innermost repository frame and its exception line."""
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("Traceback (most recent call last)")]
    syntax = [i for i, line in enumerate(lines) if _FRAME.match(line)]
    if not starts and not syntax:
        return None
    begin = starts[-1] if starts else syntax[0]
    frame: Frame | None = None
    error = ""
    for line in lines[begin + 1:]:
        match = _FRAME.match(line)
        if match:
            path = match.group("file")
            if path.startswith(APP_ROOT) and "/site-packages/" not in path:
                frame = Frame(path[len(APP_ROOT):], int(match.group("line")))
            continue
        stripped = line.strip()
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b", stripped) or stripped.startswith(
            ("SyntaxError", "ModuleNotFoundError", "ImportError")
        ):
            error = stripped
            break
    return Crash(frame, error)


def tail(log: str, lines: int = 20) -> str:
    return "\n".join(log.splitlines()[-lines:])
