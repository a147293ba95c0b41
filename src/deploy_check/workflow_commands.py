"""GitHub Actions workflow commands and file commands, through actions-toolkit (a port of @actions/core).

Everything here returns strings or writes to a path it is given: no global
state, no reading of the environment. The toolkit formats and escapes every
command (`actions_toolkit.command.Command`) and file-command message
(`prepare_key_value_message`); its `core.*` functions are not called because
they print to sys.stdout and read os.environ, and `core.error(...)` writes
unset annotation properties as empty ones (`file=,line=`) where @actions/core
leaves them out. What it lacks stays here: the job summary, stop-commands
around untrusted text.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

from actions_toolkit.command import Command
from actions_toolkit.file_command import prepare_key_value_message

SUMMARY_LIMIT = 1024 * 1024  # the runner refuses step summaries above 1 MiB


def command(name: str, properties: Mapping[str, object | None] | None, message: object = "") -> str:
    """`::name key=value,...::message` with properties in the given order, unset ones left out
    (as @actions/core's Command.toString skips them)."""
    props = {key: value for key, value in (properties or {}).items() if value is not None and value != ""}
    return str(Command(name, props, message))  # type: ignore[arg-type]


def annotation(level: str, message: str, *, file: str | None = None, line: int | None = None,
               end_line: int | None = None, col: int | None = None, end_column: int | None = None,
               title: str | None = None) -> str:
    """An error/warning/notice annotation, with @actions/core's property names."""
    return command(level, {
        "title": title, "file": file, "line": line, "endLine": end_line, "col": col, "endColumn": end_column,
    }, message)


def add_mask(value: str) -> str:
    return command("add-mask", None, value)


def group(title: str) -> str:
    return command("group", None, title)


def end_group() -> str:
    return command("endgroup", None)


def neutralise(text: str) -> str:
    """Untrusted text that must never be read as a command, even outside stop-commands:
    `::` at a line start and the legacy `##[` form get a zero-width joiner."""
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("::"):
            line = line.replace("::", ":\u200d:", 1)
        lines.append(line.replace("##[", "#\u200d#["))
    return "\n".join(lines)


def untrusted_block(text: str) -> str:
    """Print untrusted text with command processing stopped around it (and neutralised inside)."""
    token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{neutralise(text)}\n::{token}::"


def set_output(path: str, name: str, value: object) -> None:
    """Append `name<<DELIMITER` ... to GITHUB_OUTPUT (or GITHUB_ENV, GITHUB_STATE: the same format)."""
    message = prepare_key_value_message(name, "" if value is None else str(value))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(message + os.linesep)


def append_summary(path: str, markdown: str) -> None:
    """Append to the step summary, cut so the file stays under the runner's 1 MiB."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    budget = SUMMARY_LIMIT - used - 1024
    data = markdown.encode("utf-8")
    if len(data) > budget:
        note = "\n\n…(summary cut at GitHub's 1 MiB limit)\n".encode()
        data = data[: max(0, budget - len(note))].decode("utf-8", "ignore").encode("utf-8") + note
    with open(path, "ab") as handle:
        handle.write(data)


def workspace_prefix(path: str, environ: dict[str, str] | None = None) -> str:
    """Inside GitHub Actions, annotation and SARIF paths are relative to the workspace: `app/` for `app`."""
    workspace = (os.environ if environ is None else environ).get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    root, target = os.path.realpath(workspace), os.path.realpath(path)
    if target == root or not target.startswith(root + os.sep):
        return ""
    return os.path.relpath(target, root).replace(os.sep, "/") + "/"
