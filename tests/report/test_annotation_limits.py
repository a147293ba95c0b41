"""The runner keeps 10 errors, 10 warnings and 10 notices per step: which findings get them, and the rest."""
from __future__ import annotations

import re

from deploy_check import Options
from deploy_check import check
from deploy_check.finding import Edit
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Severity
from deploy_check.report import RenderContext
from deploy_check.report import render
from deploy_check.report.github import ordered
from deploy_check.run_report import Report

SAFE = Fix(safe=True, edits=(Edit("Dockerfile", 1, 1, 1, 5, "FROM"),), message="rewrite")
UNSAFE = Fix(safe=False, edits=(Edit("app.py", 1, 1, 1, 1, "x"),), message="needs a look")
ANNOTATION = re.compile(r"^::(error|warning|notice) title=([^,:]+)")


def annotations(text: str) -> list[tuple[str, str]]:
    return [match.groups() for line in text.splitlines() if (match := ANNOTATION.match(line))]  # type: ignore[misc]


def error(rule: str, path: str | None = "Dockerfile", line: int | None = 1, fix: Fix | None = None) -> Finding:
    return Finding(rule, Severity.ERROR, f"{rule} at {line}", path=path, line=line, fix=fix)


def report_of(findings: list[Finding], unsafe_fixes: bool = False) -> Report:
    return Report(path="app", findings=sorted(findings, key=Finding.sort_key), unsafe_fixes=unsafe_fixes)


def test_unfixable_before_fixable_and_one_per_rule_and_file_before_repeats():
    findings = [
        *(error("dockerfile-template", line=n, fix=SAFE) for n in range(2, 11)),  # nine fixable lines
        error("dockerfile-base-image", line=1, fix=SAFE),
        error("build-failed", line=7),
        error("app-missing", path="app.py", line=None),
        error("database-external", path="db.py", line=4),
        error("database-external", path="db.py", line=9),
        error("requirements-external-db", path="requirements.txt", line=2),
        error("hardcoded-secret", path="app.py", line=3, fix=UNSAFE),
    ]
    rules = [f"{f.rule}:{f.line}" for f in ordered(findings, report_of(findings).fixable)]
    assert rules == [
        "build-failed:7", "hardcoded-secret:3", "database-external:4", "requirements-external-db:2",  # unfixable
        "app-missing:None",                       # unplaced after placed
        "database-external:9",                    # a repeat of rule and file
        "dockerfile-base-image:1", "dockerfile-template:2",   # fixable: first of each
        *(f"dockerfile-template:{n}" for n in range(3, 11)),  # then their repeats
    ]
    # With --unsafe-fixes the unsafe fix counts as fixable too.
    unsafe = [f.rule for f in ordered(findings, report_of(findings, unsafe_fixes=True).fixable)]
    assert unsafe == ["build-failed", "database-external", "requirements-external-db", "app-missing",
                      "database-external", "dockerfile-base-image", "dockerfile-template", "hardcoded-secret",
                      *["dockerfile-template"] * 8]


def test_past_the_limit_plain_lines_then_one_closing_notice():
    findings = [error("dockerfile-template", line=n, fix=SAFE) for n in range(1, 14)]       # 13 errors
    findings += [Finding("app-port", Severity.WARNING, "port", path="app.py", line=n) for n in range(1, 4)]
    findings += [Finding("smoke-cold-start", Severity.NOTICE, f"slow {n}", path="app.py", line=n) for n in range(1, 11)]
    text = render("github", report_of(findings), RenderContext(path_prefix="svc/"))
    kinds = annotations(text)
    assert [level for level, _ in kinds].count("error") == 10
    assert [level for level, _ in kinds].count("warning") == 3
    # Eight findings' notices: two places stay for deploy-check's own (this closing one, the action's).
    assert [level for level, _ in kinds].count("notice") == 8 + 1
    lines = text.splitlines()
    assert lines[-1].startswith("::notice title=deploy-check::5 more findings (3 errors, 2 notices) not shown")
    assert "job summary" in lines[-1] and "SARIF and JSON" in lines[-1]
    plain = [line for line in lines if line.startswith(("error: ", "notice: "))]
    assert plain == [
        "error: svc/Dockerfile:11: dockerfile-template at 11 [dockerfile-template]",
        "error: svc/Dockerfile:12: dockerfile-template at 12 [dockerfile-template]",
        "error: svc/Dockerfile:13: dockerfile-template at 13 [dockerfile-template]",
        "notice: svc/app.py:9: slow 9 [smoke-cold-start]",
        "notice: svc/app.py:10: slow 10 [smoke-cold-start]",
    ]


def test_within_the_limits_no_closing_notice():
    findings = [error("dockerfile-template", line=n) for n in range(1, 11)]
    findings += [Finding("smoke-cold-start", Severity.NOTICE, f"slow {n}", path="app.py", line=n) for n in range(1, 9)]
    findings += [Finding("app-port", Severity.WARNING, "port", path="app.py", line=n) for n in range(1, 11)]
    text = render("github", report_of(findings))
    assert len(annotations(text)) == 28 and "deploy-check::" not in text and "not shown" not in text


def test_dropped_lines_cannot_inject_commands():
    findings = [error("python-syntax", path=f"m{n}.py", line=1) for n in range(10)]
    findings.append(Finding("python-syntax", Severity.ERROR, "x\n::error::injected\n##[error]y", path="z.py", line=1))
    text = render("github", report_of(findings))
    body = text.splitlines()[:-1]
    assert not any(line.startswith("::error::") for line in body)
    assert "error: z.py:1: x ::error::injected ##[error]y [python-syntax]" in [line.replace(":\u200d:", "::").replace(
        "#\u200d#", "##") for line in body]


def test_a_drifted_dockerfile_leaves_room_for_the_other_blockers(tmp_path):
    """The issue's case: nine Dockerfile lines used to take the ten error annotations."""
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.9\nWORKDIR /srv\nCOPY . /srv\nRUN pip install -r requirements.txt\nENV PORT=8000\n"
        "EXPOSE 8000\nUSER nobody\nRUN apt-get update\nCMD python main.py\n")
    (tmp_path / "requirements.txt").write_text("flask\ngunicorn\npsycopg2-binary\n")
    (tmp_path / "main.py").write_text(
        "import psycopg2\nfrom flask import Flask\napp = Flask(__name__)\n"
        "conn = psycopg2.connect('postgres://u:p@db/app')\n")
    report = check(str(tmp_path), Options(skip_build=True))
    assert report.counts["error"] > 10
    errors = [rule for level, rule in annotations(render("github", report)) if level == "error"]
    first_errors = set(errors[:10])   # what the runner keeps
    # app-missing has a fix (an app.py importing main's app), so it may come after these.
    assert {"database-external", "requirements-external-db"} <= first_errors
