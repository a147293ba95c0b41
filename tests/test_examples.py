"""The bundled apps: example/ is clean; each examples/broken/<app> gives exactly
the findings listed in its expected.txt (`rule path:line`, `-` for no line)."""
from __future__ import annotations

import pathlib

import pytest

from deploy_check import Options
from deploy_check import check
from tests.conftest import BROKEN
from tests.conftest import EXAMPLE

BROKEN_APPS = sorted(p for p in BROKEN.iterdir() if (p / "expected.txt").exists())


def lint(path: pathlib.Path) -> list[str]:
    report = check(str(path), Options(skip_build=True))
    return sorted(f"{f.rule} {f.path or '-'}:{f.line or '-'}" for f in report.findings)


def test_example_is_clean():
    assert lint(EXAMPLE) == []


def test_there_are_broken_apps():
    assert len(BROKEN_APPS) >= 4


@pytest.mark.parametrize("app", BROKEN_APPS, ids=lambda p: p.name)
def test_broken_app_gives_exactly_its_findings(app):
    expected = sorted(
        line.strip()
        for line in (app / "expected.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert lint(app) == expected
