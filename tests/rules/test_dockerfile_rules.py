from __future__ import annotations

import pytest

from deploy_check import rules
from deploy_check.finding import Severity
from deploy_check.parsing import dockerfile
from deploy_check.parsing import reachability
from deploy_check.project import Project
from deploy_check.rules import app_missing
from deploy_check.rules import dockerfile_base_image
from deploy_check.rules import dockerfile_cmd
from deploy_check.rules import dockerfile_env
from deploy_check.rules import dockerfile_missing
from deploy_check.rules import dockerfile_port
from deploy_check.rules import dockerfile_template
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

TEMPLATE = """FROM python:3.12-slim

WORKDIR /app

# Install dependencies first (better caching)
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# Copy application code
COPY . .

# Create data directory for persistent storage
RUN mkdir -p /data

# Environment variables
ENV PORT=5000
ENV FLASK_ENV=production
ENV DATABASE_PATH=/data/app.db

EXPOSE 5000

# Run with gunicorn for production
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
"""
ALL = [dockerfile_base_image, dockerfile_cmd, dockerfile_env, dockerfile_missing, dockerfile_port, dockerfile_template]


def findings(tmp_path, text):
    make_repo(tmp_path, {"Dockerfile": text})
    result = []
    for module in ALL:
        result.extend(places(module, tmp_path))
    return sorted(result, key=lambda t: (t[2] or 0, t[0]))


def replaced(old: str, new: str) -> str:
    assert old in TEMPLATE
    return TEMPLATE.replace(old, new)


@pytest.mark.parametrize(
    "text",
    [
        TEMPLATE,
        "\ufeff" + TEMPLATE,
        TEMPLATE.replace("\n", "\r\n"),
        replaced("RUN pip install --no-cache-dir -r requirements.txt", "RUN pip install \\\n    --no-cache-dir \\\n    -r requirements.txt"),
        replaced("ENV PORT=5000\nENV FLASK_ENV=production\nENV DATABASE_PATH=/data/app.db", "ENV PORT=5000 FLASK_ENV=production DATABASE_PATH=/data/app.db"),
        replaced("ENV PORT=5000", "ENV PORT 5000"),
        replaced('ENV FLASK_ENV=production', 'ENV FLASK_ENV="production"'),
        replaced("COPY . .", "COPY . /app"),
        replaced("COPY . .", "COPY ./ ./"),
        replaced("WORKDIR /app", "workdir /app/"),
        replaced("WORKDIR /app", 'WORKDIR "/app"'),  # Docker removes the quotes
        replaced("COPY requirements.txt .", "COPY 'requirements.txt' \"./\""),
        replaced("RUN pip install --no-cache-dir -r requirements.txt", 'RUN pip install --no-cache-dir -r "requirements.txt"'),
        replaced("EXPOSE 5000", "EXPOSE 5000/tcp"),
        replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000"', 'CMD [ "gunicorn" , "--bind" , "0.0.0.0:5000"'),
    ],
)
def test_template_variants_are_clean(tmp_path, text):
    assert findings(tmp_path, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (replaced("FROM python:3.12-slim", "FROM python:3.11-slim"), [("dockerfile-base-image", 1)]),
        (replaced("FROM python:3.12-slim", "FROM --platform=linux/amd64 python:3.12-slim"), [("dockerfile-base-image", 1)]),
        (replaced("EXPOSE 5000", "EXPOSE 8000"), [("dockerfile-port", 20)]),
        (replaced("EXPOSE 5000\n", ""), [("dockerfile-port", 22)]),
        (replaced("EXPOSE 5000", "EXPOSE $PORT"), []),  # ENV PORT=5000 is above it
        (replaced("EXPOSE 5000", "EXPOSE ${PORT}/tcp"), []),
        (replaced("ENV PORT=5000", "ENV PORT=8000").replace("EXPOSE 5000", "EXPOSE $PORT"),
         [("dockerfile-env", 16), ("dockerfile-port", 20)]),
        (replaced('"0.0.0.0:5000"', '"127.0.0.1:5000"'), [("dockerfile-port", 23)]),
        (replaced('"--bind", "0.0.0.0:5000", ', ""), [("dockerfile-cmd", 23)]),  # PORT=5000: 0.0.0.0:5000, drift only
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]', "CMD gunicorn --bind 0.0.0.0:$PORT --workers 2 app:app"), [("dockerfile-cmd", 23)]),
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]', "CMD gunicorn --bind 0.0.0.0:8080 --workers 2 app:app"), [("dockerfile-cmd", 23), ("dockerfile-port", 23)]),
        (replaced('"app:app"', '"wsgi:app"'), [("dockerfile-cmd", 23)]),
        # gunicorn behind a launcher binds what gunicorn binds (raceconditionrunning/pantograph: uv run).
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000"', 'CMD ["uv", "run", "gunicorn", "--bind", "0.0.0.0:5001"'),
         [("dockerfile-cmd", 23), ("dockerfile-port", 23)]),
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000"', 'CMD ["python", "-m", "gunicorn", "--bind", "0.0.0.0:5000"'),
         [("dockerfile-cmd", 23)]),
        (replaced('"2"', '"4"'), [("dockerfile-cmd", 23)]),
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]', 'CMD ["python", "app.py"]'), [("dockerfile-cmd", 23)]),
        # Shell form and another program or other arguments: one finding that says both.
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]', "CMD python app.py"), [("dockerfile-cmd", 23)]),
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]', "CMD gunicorn -w 4 -b 0.0.0.0:5000 app:app"), [("dockerfile-cmd", 23)]),
        (replaced("EXPOSE 5000\n", 'EXPOSE 5000\nENTRYPOINT ["sh", "-c"]\n'), [("dockerfile-cmd", 21)]),
        # An ENTRYPOINT and no CMD: one finding, on the ENTRYPOINT (it does start something).
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]',
                  'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]'),
         [("dockerfile-cmd", 23)]),
        (replaced('WORKDIR /app', 'WORKDIR "/app"').replace("RUN pip install --no-cache-dir", "RUN pip install"),
         [("dockerfile-template", 7)]),
        # Multi-stage: the final stage is the image that runs, and the one FROM judged.
        ("FROM node:20 AS assets\nRUN true\n" + TEMPLATE,
         [("dockerfile-template", 2), ("dockerfile-template", 3)]),
        (TEMPLATE.replace("FROM python:3.12-slim", "FROM python:3.12-slim AS build") + "FROM python:3.9-alpine\n",
         [("dockerfile-base-image", 24), ("dockerfile-template", 24)]),
        # FROM <an earlier stage>: the image is the one that stage names, reported where it is written.
        (TEMPLATE.replace("FROM python:3.12-slim", "FROM python:3.9-alpine AS Base") + "FROM base AS dev\n",
         [("dockerfile-base-image", 1), ("dockerfile-template", 24)]),
        (TEMPLATE.replace("FROM python:3.12-slim", "FROM python:3.12-slim AS base") + "FROM base AS dev\n",
         [("dockerfile-template", 24)]),
        (replaced('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]\n', ""), [("dockerfile-cmd", 20)]),
        (replaced("ENV DATABASE_PATH=/data/app.db", "ENV DATABASE_PATH=./app.db"), [("dockerfile-env", 18)]),
        (replaced("ENV FLASK_ENV=production\n", ""), [("dockerfile-env", 19)]),
        (replaced("RUN mkdir -p /data\n", ""), [("dockerfile-template", 15)]),
        (replaced("RUN pip install --no-cache-dir -r requirements.txt", "RUN pip install -r requirements.txt"), [("dockerfile-template", 7)]),
        (replaced("WORKDIR /app", "WORKDIR /src"), [("dockerfile-template", 3)]),
        (replaced("RUN mkdir -p /data", "RUN mkdir -p /data\nRUN apt-get update"), [("dockerfile-template", 14)]),
        (replaced("ENV PORT=5000", "ENV PORT=5000 SECRET_KEY=abc"), [("dockerfile-template", 16)]),
        ("FROM python:3.12-slim AS build\nRUN true\n" + TEMPLATE, [("dockerfile-template", 2), ("dockerfile-template", 3)]),
    ],
)
def test_each_drift_is_reported_once_on_its_line(tmp_path, text, expected):
    assert [(rule, line) for rule, _, line in findings(tmp_path, text)] == expected


def test_extra_instruction_is_a_warning_missing_is_an_error(tmp_path):
    make_repo(tmp_path, {"Dockerfile": replaced("RUN mkdir -p /data", "USER nobody")})
    severities = sorted(f.severity for f in dockerfile_template.check(Project(str(tmp_path))))
    assert severities == sorted([Severity.ERROR, Severity.WARNING])


def test_reordered_copy_is_reported(tmp_path):
    text = replaced(
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n\n# Copy application code\nCOPY . .",
        "COPY . .\nRUN pip install --no-cache-dir -r requirements.txt",
    )
    result = findings(tmp_path, text)
    assert result and {rule for rule, _, _ in result} == {"dockerfile-template"}


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n", "FROM\n", "RUN <<EOF\nx\nEOF\n", "\x00\x01binary"])
def test_degenerate_dockerfiles_never_crash(tmp_path, text):
    result = findings(tmp_path, text)
    assert all(rule.startswith("dockerfile-") for rule, _, _ in result)


def test_empty_dockerfile_is_a_template_error(tmp_path):
    assert ("dockerfile-template", "Dockerfile", 1) in findings(tmp_path, "# nothing\n")


def test_missing_dockerfile(tmp_path):
    make_repo(tmp_path, {"app.py": "", "docker/Dockerfile.prod": TEMPLATE})
    assert places(dockerfile_missing, tmp_path) == [("dockerfile-missing", "Dockerfile", None)]
    hint = next(dockerfile_missing.check(Project(str(tmp_path)))).hint
    assert "docker/Dockerfile.prod" in hint


def test_base_image_column_points_at_the_image(tmp_path):
    make_repo(tmp_path, {"Dockerfile": replaced("FROM python:3.12-slim", "FROM  python:3.9")})
    finding = next(dockerfile_base_image.check(Project(str(tmp_path))))
    assert (finding.line, finding.column, finding.end_column) == (1, 7, 17)


def template_places(tmp_path, text):
    make_repo(tmp_path, {"Dockerfile": text})
    return sorted((f.line, f.severity.value) for f in dockerfile_template.check(Project(str(tmp_path))))


COMPOSE_STYLE = """FROM python:3.9
RUN pip install pipenv
ADD . /flask-deploy
WORKDIR /flask-deploy
RUN pipenv install --system --skip-lock
RUN pip install gunicorn[gevent]
EXPOSE 8888
CMD python app.py
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        # Most of it drifts: one finding on line 1, whatever the number of lines.
        (COMPOSE_STYLE, [(1, "error")]),
        ("FROM python:3.10-slim\nWORKDIR /code\nCOPY requirements.txt requirements.txt\n"
         "RUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n", [(1, "error")]),
        ("# nothing\n", [(1, "error")]),
        # One extra RUN early is one warning: the template's lines after it still line up.
        (replaced("WORKDIR /app", "RUN apt-get update && apt-get install -y gcc\nWORKDIR /app"), [(3, "warning")]),
        (replaced("RUN pip install --no-cache-dir -r requirements.txt",
                  "RUN apt-get update\nRUN pip install --no-cache-dir -r requirements.txt"), [(7, "warning")]),
        # A RUN that resembles the template's is that line altered; one that does not is extra.
        (replaced("RUN mkdir -p /data", "RUN chmod 755 /srv"), [(13, "error"), (13, "warning")]),
        (replaced("RUN mkdir -p /data", "RUN mkdir -p /data/uploads"), [(13, "error")]),
        # The same file copied under its own name is the template's COPY.
        (replaced("COPY requirements.txt .", "COPY requirements.txt requirements.txt"), []),
    ],
)
def test_drift_is_aligned_and_said_once_when_most_of_it_drifts(tmp_path, text, expected):
    assert template_places(tmp_path, text) == expected


def test_most_drift_hint_names_the_fix(tmp_path):
    make_repo(tmp_path, {"Dockerfile": COMPOSE_STYLE})
    (finding,) = dockerfile_template.check(Project(str(tmp_path)))
    assert "--fix" in (finding.hint or "") and "template" in finding.message


# -- Without ./Dockerfile: the file that stands in for it ------------------------------------

@pytest.mark.parametrize(
    ("files", "expected", "named"),
    [
        # The Dockerfile but for case: the Dockerfile rules check it on its own lines.
        ({"dockerfile": TEMPLATE}, [("dockerfile-missing", "Dockerfile", None)], "found dockerfile"),
        ({"DockerFile": replaced("FROM python:3.12-slim", "FROM python:3.8")},
         [("dockerfile-missing", "Dockerfile", None), ("dockerfile-base-image", "DockerFile", 1)], "found DockerFile"),
        ({"dockerfile": replaced("EXPOSE 5000", "EXPOSE 8000")},
         [("dockerfile-missing", "Dockerfile", None), ("dockerfile-port", "dockerfile", 20)], "found dockerfile"),
        # Another name: named, with what it does differently; the Dockerfile rules stay quiet.
        ({"Dockerfile.prod": replaced("EXPOSE 5000", "EXPOSE 8000")}, [("dockerfile-missing", "Dockerfile", None)],
         "found Dockerfile.prod (it exposes 8000;"),
        ({"Dockerfile.dev": TEMPLATE, "Dockerfile.prod": TEMPLATE, "Dockerfile-alpine": TEMPLATE},
         [("dockerfile-missing", "Dockerfile", None)], "found Dockerfile.prod"),
        ({"docker/Dockerfile": replaced('"app:app"]', '"wsgi:app"]'), "web.dockerfile": TEMPLATE},
         [("dockerfile-missing", "Dockerfile", None)], "found web.dockerfile"),
        ({"docker/Dockerfile": replaced('"app:app"]', '"wsgi:app"]')},
         [("dockerfile-missing", "Dockerfile", None)], "its CMD runs `gunicorn --bind 0.0.0.0:5000 --workers 2 wsgi:app`"),
        # Another app's folder: named, its facts not used.
        ({"api/Dockerfile": replaced("EXPOSE 5000", "EXPOSE 8000")}, [("dockerfile-missing", "Dockerfile", None)],
         "found api/Dockerfile\n"),
        # Not Dockerfiles at all.
        ({"Dockerfile.dockerignore": "*.pyc\n", "dockerfile.md": "# notes\n"},
         [("dockerfile-missing", "Dockerfile", None)], "Niblit cannot build the app"),
    ],
)
def test_a_file_standing_in_for_the_dockerfile(tmp_path, files, expected, named):
    make_repo(tmp_path, files)
    project = Project(str(tmp_path))
    found = sorted(((f.rule, f.path, f.line) for module in ALL for f in rules.run(module, project)),
                   key=lambda t: (t[0] != "dockerfile-missing", t))
    assert found == expected
    (missing,) = [f for f in dockerfile_missing.check(project)]
    assert named.rstrip("\n") in missing.message
    if named.endswith("\n"):
        assert missing.message.endswith(named.rstrip("\n"))
    assert missing.fix is not None and [e.path for e in missing.fix.edits] == ["Dockerfile"]


def test_the_stand_in_s_cmd_names_the_served_entry(tmp_path):
    make_repo(tmp_path, {"Dockerfile.prod": 'FROM python:3.12-slim\nCMD ["gunicorn", "wsgi:app"]\n',
                         "wsgi.py": "from site_app import app\n", "site_app.py": "import flask\napp = 1\n",
                         "main.py": "x = 1\n"})
    assert reachability.entries(Project(str(tmp_path))) == ["wsgi.py"]
    assert "site_app.py" in (reachability.reachable(Project(str(tmp_path))) or ())


@pytest.mark.parametrize(("files", "module"), [
    ({}, "main"),
    ({"Dockerfile.prod": 'FROM python:3.12-slim\nCMD ["gunicorn", "wsgi:app"]\n'}, "wsgi"),
    ({"dockerfile": 'FROM python:3.12-slim\nCMD gunicorn -b 0.0.0.0:5000 wsgi:app\n'}, "wsgi"),
])
def test_app_missing_names_the_module_the_stand_in_serves(tmp_path, files, module):
    flask_app = "from flask import Flask\napp = Flask(__name__)\n"
    make_repo(tmp_path, {"main.py": flask_app, "wsgi.py": flask_app, **files})
    (finding,) = app_missing.check(Project(str(tmp_path)))
    assert f"`from {module} import app`" in (finding.hint or "")
    assert finding.fix is not None and f"from {module} import app" in finding.fix.edits[0].content


def test_the_dockerfile_compose_builds_the_app_with_stands_in_first(tmp_path):
    make_repo(tmp_path, {
        "Dockerfile.prod": TEMPLATE, "docker/web.Dockerfile": replaced("ENV PORT=5000", "ENV PORT=8000"),
        "docker-compose.yml": "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/web.Dockerfile\n"})
    project = Project(str(tmp_path))
    assert dockerfile.stand_ins(project) == ["docker/web.Dockerfile", "Dockerfile.prod"]
    (missing,) = dockerfile_missing.check(project)
    assert "found docker/web.Dockerfile (it sets PORT=8000;" in missing.message
