from __future__ import annotations

import dataclasses
import pathlib

import pytest

from deploy_check import rules
from deploy_check import spec
from deploy_check.finding import Severity
from deploy_check.project import Project
from deploy_check.rules import upload_size
from deploy_check.rules.base import Settings
from deploy_check.upload_set import excluded_reason

R = "upload-size"
MB = 1024**2


def _sparse(path: pathlib.Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)  # sparse: no disk used


@pytest.mark.parametrize(
    ("sizes", "limit", "expected"),
    [
        ({"static/big.mp4": 90 * MB}, 100 * MB, [("static/big.mp4", Severity.WARNING)]),
        ({"static/big.mp4": 60 * MB, "a.zip": 50 * MB}, 100 * MB, [("static/big.mp4", Severity.ERROR)]),
        ({"static/big.mp4": 70 * MB}, 100 * MB, []),
        ({"dump.sql": 500 * MB}, 100 * MB, []),  # text compresses: cannot decide
        ({"data/big.mp4": 500 * MB}, 100 * MB, []),  # data/ is left out of the zip
        ({".git-big.zip": 500 * MB}, 100 * MB, []),  # *.git* is left out too
    ],
)
def test_upload_size(tmp_path: pathlib.Path, sizes: dict[str, int], limit: int, expected: list) -> None:
    for name, size in sizes.items():
        _sparse(tmp_path / name, size)
    project = Project(str(tmp_path))
    settings = Settings(dataclasses.replace(spec.tier("free"), storage_bytes=limit))
    got = [(f.path, f.severity) for f in upload_size.check(project, settings)]
    assert got == expected
    assert all(f.rule == R and f.line is None for f in upload_size.check(project, settings))


def test_default_limit_is_free_tier(tmp_path: pathlib.Path) -> None:
    _sparse(tmp_path / "x.mp4", 900 * MB)
    project = Project(str(tmp_path))
    assert Settings().tier.storage_bytes == 1024**3
    findings = list(rules.run(upload_size, project))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "MB" in findings[0].message


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("app.py", None),
        (".gitignore", "*.git*"),
        (".github/workflows/ci.yml", "*.git*"),
        ("pkg/m.pyc", "*.pyc"),
        (".env", ".env"),
        ("config/.env", None),  # the spec's command keeps it; secret-file reports it
        ("data/app.db", "data/*"),
        ("sub/data/x", None),
        ("venv/bin/python", "venv/*"),
        ("pkg/__pycache__/x.txt", "__pycache__/*"),
        ("node_modules/a/b.js", "node_modules/*"),
        ("templates/index.html", None),
    ],
)
def test_upload_set(path: str, reason: str | None) -> None:
    assert excluded_reason(path) == reason


@pytest.mark.parametrize(("size", "tier", "expected"), [
    (100 * MB, "free", []),
    (900 * MB, "free", [Severity.WARNING]),
    (1100 * MB, "free", [Severity.ERROR]),
    (1100 * MB, "team", []),
])
def test_the_zip_as_written_against_the_tier(size: int, tier: str, expected: list) -> None:
    assert [f.severity for f in upload_size.judge_zip(size, spec.tier(tier))] == expected
