"""Settings kept in TOML files the app loads (Dynaconf's settings.toml,
`app.config.from_file("config.toml", load=tomllib.load)`): each string setting
with its key, table and line.

Read line by line, each value parsed by tomllib: a key's line is known, and a file
that is not TOML at all gives nothing. Only simple `KEY = "string"` lines count.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator

from deploy_check.project import Project

# Tool configuration, never the app's settings.
_TOOL_FILES = frozenset({"pyproject.toml", "Pipfile", "poetry.lock", "uv.lock", "fly.toml", "netlify.toml",
                         "ruff.toml", ".ruff.toml", "Cargo.toml", "samconfig.toml", ".deploy-check.toml"})
_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"""^\s*(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1\s*=\s*(["'].*)$""")
_MAX_LINES = 5000


@dataclasses.dataclass(frozen=True)
class Setting:
    path: str
    line: int
    column: int  # 1-based, where the value starts
    table: str  # "" at the top level
    key: str
    value: str


def settings(project: Project) -> Iterator[Setting]:
    """String settings of every TOML file in the tree other than tool configuration."""
    for path in project.files_with_suffix(".toml"):
        if path.rsplit("/", 1)[-1] not in _TOOL_FILES:
            yield from _file_settings(project, path)


def _file_settings(project: Project, path: str) -> Iterator[Setting]:
    table = ""
    for number, line in enumerate(project.lines(path)[:_MAX_LINES], start=1):
        header = _TABLE.match(line)
        if header:
            table = header.group(1).strip("\"'")
            continue
        assignment = _ASSIGNMENT.match(line)
        if not assignment:
            continue
        try:
            value = tomllib.loads("value = " + assignment.group(3))["value"]
        except (tomllib.TOMLDecodeError, RecursionError):
            continue
        if isinstance(value, str):
            yield Setting(path, number, assignment.start(3) + 1, table, assignment.group(2), value)


def for_tests(setting: Setting) -> bool:
    """A table of the tests' settings (`[testing]`, `[test]`), as a TestingConfig class is."""
    return setting.table.rsplit(".", 1)[-1].lower().startswith("test")
