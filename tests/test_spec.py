"""spec.py holds the spec's text as the spec gives it."""
from __future__ import annotations

import pathlib
import re

import pytest

from deploy_check import spec
from deploy_check.parsing.dockerfile import parse_text

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The spec's template, vendored (a plain clone has no ../shared); checked against the spec where it is.
TEMPLATE = ROOT / "tests" / "data" / "template.Dockerfile"
SPEC_PLACES = (ROOT.parent / "shared" / "niblit-flask-spec.txt", ROOT.parent.parent / "shared" / "niblit-flask-spec.txt")


def test_the_template_parses_and_is_what_the_rules_accept(tmp_path):
    from deploy_check.engine import lint
    from deploy_check.project import Project

    assert parse_text(spec.DOCKERFILE).error is None
    (tmp_path / "Dockerfile").write_text(spec.DOCKERFILE)
    findings = [f for f in lint(Project(str(tmp_path))) if f.rule.startswith("dockerfile-")]
    assert findings == []


def test_the_template_is_the_spec_s():
    assert spec.DOCKERFILE == TEMPLATE.read_text(encoding="utf-8")


def test_the_vendored_template_is_the_spec_text():
    text = next((p for p in SPEC_PLACES if p.exists()), None)
    if text is None:
        pytest.skip("no ../shared/niblit-flask-spec.txt beside this checkout: the vendored copy stands in")
    block = re.search(r"```dockerfile\n(.*?)```", text.read_text(), re.S)
    assert block is not None and block.group(1) == TEMPLATE.read_text(encoding="utf-8")
