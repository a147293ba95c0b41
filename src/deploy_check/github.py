"""GitHub Actions workflow commands and file commands, escaped as @actions/core does.

Everything here returns strings or writes to a path it is given: no global
state, no reading of the environment.
"""
from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping

SUMMARY_LIMIT = 1024 * 1024  # the runner refuses step summaries above 1 MiB


def escape_data(value: object) -> str:
    """@actions/core command.ts escapeData: % CR LF."""
    return str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: object) -> str:
    """@actions/core command.ts escapeProperty: % CR LF : ,"""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, object | None] | None, message: object = "") -> str:
    """`::name key=value,...::message` with properties in the given order, None skipped."""
    line = f"::{name}"
    props = [(k, v) for k, v in (properties or {}).items() if v is not None and v != ""]
    if props:
        line += " " + ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"{line}::{escape_data(message)}"


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
    return "::endgroup::"


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


def key_value_message(name: str, value: str) -> str:
    """`name<<DELIM\\nvalue\\nDELIM\\n` for GITHUB_OUTPUT/GITHUB_ENV, as prepareKeyValueMessage does."""
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in name or delimiter in value:  # pragma: no cover - astronomically unlikely
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def set_output(path: str, name: str, value: object) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(key_value_message(name, "" if value is None else str(value)))


def append_summary(path: str, markdown: str) -> None:
    """Append to the step summary, cut so the file stays under the runner's 1 MiB."""
    try:
        import os

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
