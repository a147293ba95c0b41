"""Workflow-command escaping, checked against @actions/core itself."""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import pytest

from deploy_check import workflow_commands
from tests.conftest import IN_CI

JS = pathlib.Path(__file__).resolve().parent / "js"
HOSTILE = [
    "plain",
    "100% sure",
    "a:b,c",
    "line1\nline2",
    "cr\rlf\r\n",
    "::error::injected",
    "%0A already encoded %25",
    "naïve — ünïcödé ✓ 🚀",
    "##[error]legacy",
    "trailing newline\n",
    "",
]


def reference(cases: list[dict]) -> list[str]:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "@actions" / "core").exists():
        message = "node and tests/js/node_modules are needed (scripts/ensure-npm)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([node, str(JS / "escape.js")], input=json.dumps(cases), capture_output=True,
                            text=True, check=True, timeout=60)
    return json.loads(result.stdout)


@pytest.mark.parametrize("level", ["error", "warning", "notice"])
def test_annotations_match_actions_core(level):
    cases, ours = [], []
    for message in HOSTILE:
        for file in ["app.py", "dir, with: comma.py", "new\nline.py", "100%.py", "ü/ß.py"]:
            props = {"title": "rule-id", "file": file, "startLine": 3, "endLine": 4, "startColumn": 1, "endColumn": 9}
            cases.append({"level": level, "message": message, "properties": props})
            ours.append(workflow_commands.annotation(level, message, file=file, line=3, end_line=4, col=1, end_column=9, title="rule-id"))
    assert ours == reference(cases)


def test_add_mask_and_group_match_actions_core():
    cases = [{"level": "add-mask", "message": m} for m in HOSTILE] + [{"level": "group", "message": m} for m in HOSTILE]
    ours = [workflow_commands.add_mask(m) for m in HOSTILE] + [workflow_commands.group(m) for m in HOSTILE]
    assert ours + [workflow_commands.end_group()] == reference(cases + [{"level": "endgroup"}])


def test_annotations_without_some_properties_match_actions_core():
    """Unset properties are left out, as @actions/core does (actions-toolkit's core.error writes them empty)."""
    shapes = [{}, {"title": "t"}, {"file": "a.py", "startLine": 3}, {"file": "a.py", "startLine": 3, "endLine": 7}]
    cases = [{"level": "warning", "message": "m", "properties": props} for props in shapes]
    names = {"startLine": "line", "endLine": "end_line"}
    ours = [workflow_commands.annotation("warning", "m", **{names.get(k, k): v for k, v in props.items()}) for props in shapes]
    assert ours == reference(cases)


def _delimited(text: str) -> tuple[str, str]:
    """(name, value) of one `name<<DELIMITER\nvalue\nDELIMITER\n` file command, checking its shape."""
    name, rest = text.split("<<", 1)
    delimiter, rest = rest.split("\n", 1)
    assert delimiter.startswith("ghadelimiter_") and rest.endswith(f"\n{delimiter}\n")
    return name, rest[: -len(delimiter) - 2]


@pytest.mark.parametrize("value", HOSTILE)
def test_outputs_match_actions_core(tmp_path, value):
    ours = tmp_path / "out"
    workflow_commands.set_output(str(ours), "zip-path", value)
    [theirs] = reference([{"level": "output", "name": "zip-path", "value": value}])
    assert _delimited(ours.read_bytes().decode()) == _delimited(theirs) == ("zip-path", value)


def test_input_names_match_actions_core():
    """Inputs stay read from the mapping the action is given (actions-toolkit's get_input reads only
    os.environ): the same variable names and trimming as @actions/core's getInput."""
    from deploy_check.action import read_input

    cases = []
    for name, value in [("fail-on", " warning \n"), ("smoke paths", "/,/health"), ("artifact-name", "x"),
                        ("list-apps", "true")]:
        env = {"INPUT_" + name.replace(" ", "_").upper(): value}
        cases.append(({"level": "input", "name": name, "env": env}, read_input(env, name)))
    assert [ours for _, ours in cases] == reference([case for case, _ in cases])


def test_untrusted_block_stops_commands_and_neutralises():
    block = workflow_commands.untrusted_block("::error::x\n  ::set-output name=a::b\nok ##[warning]y")
    first, *body, last = block.splitlines()
    token = first.split("::")[2]
    assert first == f"::stop-commands::{token}" and last == f"::{token}::" and len(token) == 32
    assert not any(line.lstrip().startswith("::") for line in body)
    assert "##[" not in "\n".join(body)


def test_outputs_use_a_fresh_delimiter(tmp_path):
    path = tmp_path / "out"
    workflow_commands.set_output(str(path), "zip-path", "a\nghadelimiter_x\nb")
    text = path.read_text()
    name, rest = text.split("<<", 1)
    delimiter = rest.split("\n", 1)[0]
    assert name == "zip-path" and text == f"zip-path<<{delimiter}\na\nghadelimiter_x\nb\n{delimiter}\n"


def test_summary_is_capped(tmp_path):
    path = tmp_path / "summary.md"
    workflow_commands.append_summary(str(path), "x" * (3 * 1024 * 1024))
    assert path.stat().st_size < workflow_commands.SUMMARY_LIMIT
