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

    def replace(self, **changes: object) -> Finding:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

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
        return data
