"""The one record every check yields: a finding, placed in the repository."""
from __future__ import annotations

import dataclasses
import enum


class Severity(str, enum.Enum):
    """How bad a finding is; ordered error > warning > notice."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.NOTICE: 1}


@dataclasses.dataclass(frozen=True)
class Location:
    """A place in the repository: a `/`-separated relative path and 1-based positions.

    `line` is None for findings about a whole (or missing) file.
    """

    path: str | None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


@dataclasses.dataclass(frozen=True)
class Edit:
    """Replace the text of `path` from (line, column) up to, not including, (end_line, end_column)
    with `content`. 1-based; columns count characters (str indices + 1) of the line as decoded
    (a BOM is not part of line 1). Lines end at \\n, \\r\\n or \\r; (last line + 1, 1) is the
    end of the file. A new file: the path does not exist and line = column = end_line =
    end_column = 1."""

    path: str  # repo-relative, '/'-separated
    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


@dataclasses.dataclass(frozen=True)
class Fix:
    """What would resolve a finding: edits applied together or not at all.

    `safe` fixes are applied by --fix; the others only with --unsafe-fixes."""

    safe: bool
    edits: tuple[Edit, ...]
    message: str = ""  # one line: what the fix does ("write the spec's template Dockerfile")

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"safe": self.safe, "edits": [edit.to_dict() for edit in self.edits]}
        if self.message:
            data["message"] = self.message
        return data


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem found. Immutable, repo-relative, 1-based; `log` holds untrusted
    excerpts (build output, app logs) that renderers must treat as data."""

    rule: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    hint: str | None = None
    log: str | None = None
    fix: Fix | None = None  # not part of sort_key

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column, self.end_line, self.end_column)

    def sort_key(self) -> tuple:
        return (
            self.path is not None,
            self.path or "",
            self.line or 0,
            self.column or 0,
            -self.severity.rank,
            self.rule,
            self.message,
        )

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "hint": self.hint,
        }
        if self.log is not None:
            data["log"] = self.log
        if self.fix is not None:
            data["fix"] = self.fix.to_dict()
        return data
