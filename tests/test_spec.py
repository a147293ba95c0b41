"""spec.py holds the spec's text as the spec gives it."""
from __future__ import annotations

import pathlib
import re

from deploy_check import spec
from deploy_check.parsing.dockerfile import parse_text

SPEC = pathlib.Path("/work/shared/niblit-flask-spec.txt")


def test_the_template_parses_and_is_what_the_rules_accept(tmp_path):
    from deploy_check.engine import lint
    from deploy_check.project import Project

    assert parse_text(spec.DOCKERFILE).error is None
    (tmp_path / "Dockerfile").write_text(spec.DOCKERFILE)
    findings = [f for f in lint(Project(str(tmp_path))) if f.rule.startswith("dockerfile-")]
    assert findings == []


def test_the_template_is_the_spec_text_when_the_spec_is_here():
    if not SPEC.exists():
        return
    block = re.search(r"```dockerfile\n(.*?)```", SPEC.read_text(), re.S)
    assert block is not None and block.group(1) == spec.DOCKERFILE
