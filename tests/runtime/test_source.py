"""Which Dockerfile and tree the build runs on, and why nothing can be built (no engine needed)."""
from __future__ import annotations

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.project import Project
from deploy_check.runtime import source
from deploy_check.spec import DOCKERFILE as DOCKERFILE_TEMPLATE
from tests.conftest import EXAMPLE

APP = 'from flask import Flask\n\napp = Flask(__name__)\n'


def _tree(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return Project(str(tmp_path))


@pytest.mark.parametrize(
    "dockerfile, mode, expected",
    [
        (DOCKERFILE_TEMPLATE, "auto", "repository"),
        (DOCKERFILE_TEMPLATE.replace("# Copy application code\n", ""), "auto", "repository"),  # comments aside
        (DOCKERFILE_TEMPLATE.replace("--workers\", \"2", "--workers\", \"4"), "auto", "template"),
        (DOCKERFILE_TEMPLATE + "RUN apt-get install -y ffmpeg\n", "auto", "template"),  # an extra line too
        (None, "auto", "template"),
        (DOCKERFILE_TEMPLATE.replace("3.12", "3.9"), "repository", "repository"),
        (DOCKERFILE_TEMPLATE, "template", "template"),
    ],
)
def test_choose(tmp_path, dockerfile, mode, expected):
    files = {"app.py": APP, "requirements.txt": "flask\ngunicorn\n"}
    if dockerfile is not None:
        files["Dockerfile"] = dockerfile
    assert source.choose(_tree(tmp_path, files), mode) == expected


def test_the_template_is_the_specs_exact_text():
    spec = (EXAMPLE.parent / "example" / "Dockerfile").read_text()
    assert DOCKERFILE_TEMPLATE == spec


@pytest.mark.parametrize(
    "files, mode, reason",
    [
        # A folder where requirements.txt belongs: the fix that would write one is refused.
        ({"app.py": APP, "requirements.txt/README": "a folder\n"}, "auto",
         "no requirements.txt, and no fix can write one"),
        ({"requirements.txt": "flask\ngunicorn\n"}, "auto", "no app.py"),
        ({"app.py": APP, "requirements.txt": "flask\ngunicorn\n"}, "repository", "no Dockerfile at the root"),
    ],
)
def test_what_cannot_be_built_says_why_in_every_report(tmp_path, files, mode, reason):
    from deploy_check.report import render
    from deploy_check.report import summary
    from deploy_check.report import RenderContext

    # Blocked before any engine is asked: this runs without Docker.
    report = check(str(_tree(tmp_path, files).root), Options(build_dockerfile=mode, skip_smoke=True))
    assert report.build.status == "skipped" and report.build.reason.startswith(reason)
    assert report.build.note is None and "note" not in report.build.to_dict()
    assert f"build:   skipped: {reason}" in render("text", report)
    assert reason in summary.render(report, RenderContext())
    assert f"::notice title=deploy-check build::{reason}" in render("github", report)
    assert reason in render("sarif", report)
    assert not (tmp_path / "Dockerfile").exists()
