"""dockerfile-pip-install: what the Dockerfile installs besides requirements.txt's chain."""
from __future__ import annotations

import os

import pytest

from deploy_check.cli import main
from deploy_check.finding import Severity
from deploy_check.parsing import pip_installs
from deploy_check.project import Project
from deploy_check.rules import dockerfile_pip_install
from deploy_check.rules import import_not_in_requirements
from deploy_check.rules import requirements_gunicorn
from tests.rules.helpers import make_repo

OK = "flask==3.0.3\ngunicorn==22.0.0\n"
APP = "from flask import Flask\napp = Flask(__name__)\n"
HEAD = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"


def found(tmp_path, files):
    make_repo(tmp_path, {"requirements.txt": OK, "app.py": APP, **files})
    return [(f.path, f.line, f.column, f.severity.value, f.message.split(" beside ")[0].split(" adds ")[1])
            for f in dockerfile_pip_install.check(Project(str(tmp_path)))]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # Bare packages, in shell and exec form, joined commands, python -m pip.
        ({"Dockerfile": HEAD + "RUN pip install --upgrade pip && pip install psutil 'requests>=2'\n"},
         [("Dockerfile", 5, 46, "warning", "`psutil`, `requests`")]),
        ({"Dockerfile": HEAD + 'RUN ["python3", "-m", "pip", "install", "-U", "psutil"]\n'},
         [("Dockerfile", 5, 48, "warning", "`psutil`")]),
        # A -r file outside the chain, through COPY . . and WORKDIR; its lines' names.
        ({"Dockerfile": HEAD + "COPY . .\nRUN pip install -r requirements/prod.txt\n",
          "requirements/prod.txt": "flask\npsutil==5.9.8 --hash=sha256:abc\n"},
         [("Dockerfile", 6, 20, "warning", "`psutil` (from requirements/prod.txt)")]),
        # ... copied to another name, and reached through ARG/ENV variables.
        ({"Dockerfile": "FROM python:3.12-slim\nARG HOME=/srv\nENV PROJECT=${HOME}/site\n"
                        "COPY deploy/reqs.txt ${PROJECT}/r.txt\nRUN pip install -r ${PROJECT}/r.txt\n",
          "deploy/reqs.txt": "psutil\n"},
         [("Dockerfile", 5, 20, "warning", "`psutil` (from deploy/reqs.txt)")]),
        # Needed by the app: an error (the served code imports it, or the CMD names it).
        ({"Dockerfile": HEAD + "RUN pip install requests\n", "app.py": APP + "import requests\n"},
         [("Dockerfile", 5, 17, "error", "`requests`")]),
        ({"Dockerfile": HEAD + "RUN pip install gevent\nCMD gunicorn -k gevent app:app\n"},
         [("Dockerfile", 5, 17, "error", "`gevent`")]),
        # Said by the stand-in for ./Dockerfile too.
        ({"Dockerfile.prod": HEAD + "RUN pip install psutil\n"}, [("Dockerfile.prod", 5, 17, "warning", "`psutil`")]),
        # Nothing: what requirements.txt's chain has, pip's own tools, flask and gunicorn (their own rules),
        # a local path, a URL, a variable, an unknown -r file, other commands.
        ({"Dockerfile": HEAD + "RUN pip install -r requirements.txt -r requirements.txt flask gunicorn[gevent]\n"}, []),
        ({"Dockerfile": HEAD + "RUN pip install -U pip setuptools wheel pipenv && pip install -e . ./pkg "
                               "https://x/y.whl $EXTRA\n"}, []),
        ({"Dockerfile": HEAD + "RUN pip install -r missing.txt && echo pip install psutil && pip download psutil\n"},
         []),
        ({"Dockerfile": HEAD + "# RUN pip install psutil\n"}, []),
    ],
)
def test_what_only_the_dockerfile_installs(tmp_path, files, expected):
    assert found(tmp_path, files) == expected


def test_quiet_without_a_readable_requirements_txt(tmp_path):
    make_repo(tmp_path, {"Dockerfile": HEAD + "RUN pip install psutil\n", "app.py": APP})
    assert list(dockerfile_pip_install.check(Project(str(tmp_path)))) == []
    (tmp_path / "requirements.txt").write_text(OK + "flask ===\n")
    assert list(dockerfile_pip_install.check(Project(str(tmp_path)))) == []


def test_each_package_is_said_once(tmp_path):
    assert [f[1] for f in found(tmp_path, {"Dockerfile": HEAD + "RUN pip install psutil\nRUN pip install psutil\n"})] \
        == [5]


def test_the_other_rules_name_the_dockerfile_line(tmp_path):
    make_repo(tmp_path, {"requirements.txt": "flask\n", "app.py": APP + "import psutil\n",
                         "Dockerfile": HEAD + "RUN pip install gunicorn psutil\n"})
    project = Project(str(tmp_path))
    (gunicorn,) = requirements_gunicorn.check(project)
    assert "Dockerfile line 5 installs it, but Niblit installs only requirements.txt" in gunicorn.message
    (imported,) = import_not_in_requirements.check(project)
    assert "installed by Dockerfile line 5" in imported.message and imported.fix is None
    (extra,) = dockerfile_pip_install.check(project)
    assert extra.severity is Severity.ERROR and "`psutil`" in extra.message and "gunicorn" not in extra.message
    assert pip_installs.installed_by(project, "psutil", "psutil") is not None


def test_fix_appends_the_lines_once(tmp_path):
    make_repo(tmp_path, {"requirements.txt": OK, "app.py": APP, "Dockerfile": HEAD + "COPY . .\n"
                         "RUN pip install -r requirements/prod.txt 'requests[socks]>=2; python_version>\"3\"'\n",
                         "requirements/prod.txt": "psutil==5.9.8 --hash=sha256:abc\n-e .\n"})
    args = [str(tmp_path), "--skip-build", "--fix", "--format", "json", "--output", os.devnull]
    main(args)
    after = (tmp_path / "requirements.txt").read_text()
    assert after == OK + ("# installed by Dockerfile line 6\npsutil==5.9.8\n"
                          "requests[socks]>=2; python_version>\"3\"\n")
    main(args)
    assert (tmp_path / "requirements.txt").read_text() == after
    assert list(dockerfile_pip_install.check(Project(str(tmp_path)))) == []


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, "# installed by Dockerfile lines 2, 4\nflask\nrequests>=2\npsutil==5.9.8\ngunicorn\n"),
    ({"Pipfile": '[packages]\nflask = "==3.0.3"\nrequests = "*"\n'},
     "# from Pipfile\nflask==3.0.3\nrequests\n# installed by Dockerfile line 4\npsutil==5.9.8\ngunicorn\n"),
])
def test_a_missing_requirements_txt_is_written_with_what_the_dockerfile_installs(tmp_path, extra, expected):
    make_repo(tmp_path, {"app.py": APP, "requirements/prod.txt": "psutil==5.9.8\n", **extra,
                         "Dockerfile": "FROM python:3.12-slim\nRUN pip install -U pip flask 'requests>=2'\n"
                                       "COPY . .\nRUN pip install -r requirements/prod.txt\n"})
    main([str(tmp_path), "--skip-build", "--fix", "--format", "json", "--output", os.devnull])
    assert (tmp_path / "requirements.txt").read_text() == expected
