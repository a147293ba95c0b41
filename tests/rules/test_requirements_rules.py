from __future__ import annotations

import pytest

from deploy_check.project import Project
from deploy_check.rules import import_not_in_requirements
from deploy_check.rules import python_version
from deploy_check.rules import requirements_external_db
from deploy_check.rules import requirements_flask
from deploy_check.rules import requirements_gunicorn
from deploy_check.rules import requirements_include
from deploy_check.rules import requirements_missing
from deploy_check.rules import requirements_syntax
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

REQUIREMENT_RULES = [
    requirements_external_db, requirements_flask, requirements_gunicorn,
    requirements_include, requirements_missing, requirements_syntax,
]
OK = "flask==3.0.3\ngunicorn==22.0.0\n"


def run(tmp_path, files, modules=REQUIREMENT_RULES):
    make_repo(tmp_path, files)
    result = []
    for module in modules:
        result.extend(places(module, tmp_path))
    return sorted(result, key=lambda t: (t[1] or "", t[2] or 0, t[0]))


@pytest.mark.parametrize(
    "text",
    [
        OK,
        "Flask\nGunicorn\n",
        "FLASK==3.0\r\ngunicorn\r\n",
        "\ufeffflask\ngunicorn\n",
        "flask[async]>=3 ; python_version >= '3.8'\ngunicorn  # the server\n",
        "# comment\n\n--index-url https://pypi.org/simple\nflask \\\n  ==3.0.3\ngunicorn --hash=sha256:abcd\n",
        "-e git+https://github.com/pallets/flask.git#egg=flask\ngunicorn @ https://example.com/gunicorn-22.0.0-py3-none-any.whl\n",
        "flask\ngunicorn\n./wheels/mine-1.0-py3-none-any.whl\n",
        # gunicorn from 21 on needs no pkg_resources; an old one does, and setuptools brings it
        "flask\ngunicorn>=19\n", "flask\ngunicorn~=21.2\n", "flask\ngunicorn==20.0.4\nsetuptools\n",
        # an old Flask with its dependencies bounded (pinned, or ranges below Flask's bounds), or a new enough one
        "Flask==1.1.2\nWerkzeug==1.0.1\nJinja2~=2.11\nitsdangerous<2\nclick==7.1.2\nMarkupSafe==2.0.1\ngunicorn\n",
        "flask==2.0.3\nwerkzeug<2.3\ngunicorn\n", "flask==2.2.5\ngunicorn\n", "flask>=1.0\ngunicorn\n",
        # Flask 0.10 does not require click (from 0.11 on it does)
        "Flask==0.10.1\nitsdangerous==0.24\nJinja2==2.8\nMarkupSafe==0.23\nWerkzeug==0.10.4\ngunicorn\n",
    ],
)
def test_valid_requirements_are_clean(tmp_path, text):
    assert run(tmp_path, {"requirements.txt": text}) == []


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"app.py": ""}, [("requirements-missing", "requirements.txt", None)]),
        ({"requirements.txt": "gunicorn\n"}, [("requirements-flask", "requirements.txt", None)]),
        ({"requirements.txt": "flask\n"}, [("requirements-gunicorn", "requirements.txt", None)]),
        ({"requirements.txt": "flask\ngunicorn; sys_platform == 'win32'\n"}, [("requirements-gunicorn", "requirements.txt", 2)]),
        # seen on a real repository: gunicorn 20 imports pkg_resources, which python:3.12-slim lacks
        ({"requirements.txt": "flask\ngunicorn==20.0.4\n"}, [("requirements-gunicorn", "requirements.txt", 2)]),
        ({"requirements.txt": "flask\ngunicorn<21\n"}, [("requirements-gunicorn", "requirements.txt", 2)]),
        # seen on real repositories: an old Flask beside today's Werkzeug/Jinja2 fails to import
        ({"requirements.txt": "gunicorn\nFlask==1.1.2\n"}, [("requirements-flask", "requirements.txt", 2)]),
        ({"requirements.txt": "gunicorn\nflask<2\nWerkzeug==1.0.1\n"}, [("requirements-flask", "requirements.txt", 2)]),
        ({"requirements.txt": "gunicorn\nflask~=2.1.0\nWerkzeug>=2.0\n"}, [("requirements-flask", "requirements.txt", 2)]),
        ({"requirements.txt": "flask\ngunicorn\nfla sk\n"}, [("requirements-syntax", "requirements.txt", 3)]),
        ({"requirements.txt": "flask ==\ngunicorn\n"}, [("requirements-syntax", "requirements.txt", 1)]),
        ({"requirements.txt": "flask\ngunicorn\n--frobnicate\n"}, [("requirements-syntax", "requirements.txt", 3)]),
        ({"requirements.txt": "flask\ngunicorn\npsycopg2-binary==2.9\n"}, [("requirements-external-db", "requirements.txt", 3)]),
        ({"requirements.txt": "flask\ngunicorn\nPyMySQL\nmysqlclient\n"}, [("requirements-external-db", "requirements.txt", 3), ("requirements-external-db", "requirements.txt", 4)]),
        (
            {"requirements.txt": "-r base.txt\ngunicorn\n", "base.txt": "# base\n\nflask\npsycopg2\n"},
            [("requirements-external-db", "base.txt", 4), ("requirements-include", "requirements.txt", 1)],
        ),
        ({"requirements.txt": "flask\ngunicorn\n-r missing.txt\n"}, [("requirements-include", "requirements.txt", 3), ("requirements-syntax", "requirements.txt", 3)]),
        (
            {"requirements.txt": "-r a.txt\n", "a.txt": "-r b.txt\nflask\n", "b.txt": "-r a.txt\ngunicorn\n"},
            [("requirements-syntax", "b.txt", 1), ("requirements-include", "requirements.txt", 1)],
        ),
        ({"requirements.txt": "-c ../outside.txt\nflask\ngunicorn\n"}, [("requirements-include", "requirements.txt", 1), ("requirements-syntax", "requirements.txt", 1)]),
        ({"requirements.txt": b"\xff\xfe\x00binary"}, [("requirements-syntax", "requirements.txt", 1)]),
        # Saved as UTF-16 (Windows' "Unicode"): pip reads it by its byte-order mark, and so do we.
        ({"requirements.txt": "\ufeffflask\r\ngunicorn\r\npymongo==4.6\r\n".encode("utf-16-le")},
         [("requirements-external-db", "requirements.txt", 3)]),
        ({"requirements.txt": "flask\ngunicorn\n".encode("utf-16")}, []),
        # Clients of other datastores (a warning each).
        ({"requirements.txt": "flask\ngunicorn\nredis==5.0\nrq\nelasticsearch\n"},
         [("requirements-external-db", "requirements.txt", 3), ("requirements-external-db", "requirements.txt", 4),
          ("requirements-external-db", "requirements.txt", 5)]),
    ],
)
def test_requirement_findings(tmp_path, files, expected):
    key = lambda t: (t[1] or "", t[2] or 0, t[0])  # noqa: E731
    assert run(tmp_path, files) == sorted(expected, key=key)


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"app.py": "import flask\nimport werkzeug\nimport os, json\nfrom jinja2 import Template\n"}, []),
        ({"app.py": "import requests\n"}, [("app.py", 1)]),
        ({"app.py": "import os\n\nfrom yaml import safe_load\n"}, [("app.py", 3)]),
        ({"app.py": "import yaml\n", "requirements.txt": OK + "PyYAML\n"}, []),
        ({"app.py": "from sassutils.wsgi import SassMiddleware\nimport sass\n", "requirements.txt": OK + "libsass==0.20.0\n"}, []),
        ({"app.py": "from PIL import Image\nimport dotenv\nimport jwt\nimport bs4\n", "requirements.txt": OK + "Pillow\npython-dotenv\nPyJWT\nbeautifulsoup4\n"}, []),
        ({"app.py": "from flask_sqlalchemy import SQLAlchemy\nimport sqlalchemy\n", "requirements.txt": OK + "Flask-SQLAlchemy==3.1\n"}, []),
        ({"app.py": "import helpers\nfrom models.user import User\nfrom . import x\n", "helpers.py": "", "models/user.py": ""}, []),
        ({"app.py": "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"}, []),
        ({"app.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import mypy_extensions\n"}, []),
        ({"app.py": "def f():\n    import numpy\n"}, [("app.py", 2)]),
        ({"app.py": "import flask\n", "tests/test_app.py": "import pytest\n"}, []),
        ({"app.py": "import requests\nimport requests\n"}, [("app.py", 1)]),
        ({"app.py": "import custom\n", "requirements.txt": OK + "https://example.com/custom.tar.gz\n"}, []),
        # modules a distribution brings besides its own name (seen on a real repository: pymongo's bson, gridfs)
        ({"app.py": "import gridfs\nfrom bson import ObjectId\nimport attr\nimport dns.resolver\n",
          "requirements.txt": OK + "pymongo\nattrs\ndnspython\n"}, []),
        # A Flask extension installs Flask (postrational/rest_api_demo lists only flask-restplus and
        # Flask-SQLAlchemy): flask and its dependencies import; requirements-flask still says the spec wants it.
        ({"app.py": "from flask import Flask\nimport werkzeug\nfrom flask_restplus import Api\n",
          "requirements.txt": "flask-restplus==0.9.2\ngunicorn\n"}, []),
        ({"app.py": "import jinja2\n", "requirements.txt": "Bootstrap-Flask\ngunicorn\n"}, []),
        # ... and what a dependency brings in turn: flask-migrate -> Flask-SQLAlchemy -> SQLAlchemy -> greenlet.
        ({"app.py": "import greenlet\n", "requirements.txt": OK + "Flask-Migrate\n"}, []),
        # Without an extension, flask is still not there.
        ({"app.py": "import flask\n", "requirements.txt": "gunicorn\nflaskr-tools\n"}, [("app.py", 1)]),
    ],
)
def test_import_not_in_requirements(tmp_path, files, expected):
    files = {"requirements.txt": OK, **files}
    result = run(tmp_path, files, [import_not_in_requirements])
    assert [(path, line) for _, path, line in result] == expected


@pytest.mark.parametrize(
    "files, expected",
    [
        ({".python-version": "3.12\n"}, []),
        ({".python-version": "3.11.7\n"}, []),
        ({".python-version": "3.9.18\n"}, [(".python-version", 1)]),
        ({".python-version": "pypy3.9\n"}, [(".python-version", 1)]),
        ({"runtime.txt": "python-3.8.10\n"}, [("runtime.txt", 1)]),
        ({"runtime.txt": "python-3.12.1\n"}, []),
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8"\n'}, []),
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = "<3.10"\n'}, [("pyproject.toml", 3)]),
        ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.13"\n'}, [("pyproject.toml", 3)]),
        ({"pyproject.toml": '[project]\nrequires-python = "not a spec"\n'}, []),
        ({"pyproject.toml": "not toml ["}, []),
        ({".python-version": "system\n"}, []),
    ],
)
def test_python_version(tmp_path, files, expected):
    result = run(tmp_path, files, [python_version])
    assert [(path, line) for _, path, line in result] == expected


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"app.py": "import imp\n"}, [("app.py", 1)]),
        ({"app.py": "from distutils.util import strtobool\n"}, [("app.py", 1)]),
        ({"app.py": "from distutils.util import strtobool\n", "requirements.txt": OK + "setuptools\n"}, []),
    ],
)
def test_modules_removed_in_python_312(tmp_path, files, expected):
    files = {"requirements.txt": OK, **files}
    result = run(tmp_path, files, [import_not_in_requirements])
    assert [(path, line) for _, path, line in result] == expected


def test_service_clients_are_warnings_database_drivers_errors(tmp_path):
    make_repo(tmp_path, {"requirements.txt": "flask\ngunicorn\nredis\npsycopg2\n"})
    found = {f.line: f.severity.value for f in requirements_external_db.check(Project(str(tmp_path)))}
    assert found == {3: "warning", 4: "error"}


def test_cloud_database_clients_are_errors(tmp_path):
    make_repo(tmp_path, {"requirements.txt": "flask\ngunicorn\ngoogle-cloud-ndb==1.11\nGoogle_Cloud_Datastore\n"
                                             "azure-cosmos\ngoogle-cloud-storage\nedgedb==2.2.0\n"})
    found = {f.line: f.severity.value for f in requirements_external_db.check(Project(str(tmp_path)))}
    assert found == {3: "error", 4: "error", 5: "error", 7: "error"}


def _severities(tmp_path, files):
    make_repo(tmp_path, {"requirements.txt": OK, **files})
    return sorted((f.path, f.line, f.severity.value) for f in import_not_in_requirements.check(Project(str(tmp_path))))


@pytest.mark.parametrize(
    "files, expected",
    [
        # Only what the served app imports can fail it; a script nothing imports is a notice.
        ({"app.py": "import flask\nimport helpers\n", "helpers.py": "import requests\n",
          "scripts/seed.py": "import faker\n"},
         [("helpers.py", 1, "warning"), ("scripts/seed.py", 1, "notice")]),
        # Package-relative imports, imports inside the factory and from_object strings are followed.
        ({"app.py": "from pkg import create_app\napp = create_app()\n",
          "pkg/__init__.py": "def create_app():\n    from .views import bp\n    app.config.from_object('pkg.settings.Config')\n",
          "pkg/views.py": "import markdown\n", "pkg/settings.py": "import yaml\n", "pkg/unused.py": "import boto3\n"},
         [("pkg/settings.py", 1, "warning"), ("pkg/unused.py", 1, "notice"), ("pkg/views.py", 1, "warning")]),
        # The entry named by the Dockerfile, the Procfile or FLASK_APP, else wsgi.py.
        ({"Dockerfile": 'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "wsgi:app"]\n', "wsgi.py": "import a\n",
          "a.py": "import requests\n", "b.py": "import boto3\n"},
         [("a.py", 1, "warning"), ("b.py", 1, "notice")]),
        ({"Procfile": "web: gunicorn 'flaskr:create_app()'\n", "flaskr/__init__.py": "import markdown\n",
          "manage.py": "import click_extra\n"},
         [("flaskr/__init__.py", 1, "warning"), ("manage.py", 1, "notice")]),
        ({".flaskenv": "FLASK_APP=run.py\n", "run.py": "import requests\n", "migrations/env.py": "import alembic\n"},
         [("migrations/env.py", 1, "notice"), ("run.py", 1, "warning")]),
        ({"wsgi.py": "import requests\n", "logger.py": "import loguru\n"},
         [("logger.py", 1, "notice"), ("wsgi.py", 1, "warning")]),
        # No entry at all: every deployed module counts, as before.
        ({"tool/x.py": "import requests\n"}, [("tool/x.py", 1, "warning")]),
        # Under a guard Niblit's environment never satisfies: not required there.
        ({"app.py": "import os\nif os.environ.get('FLASK_COVERAGE'):\n    import coverage\n"
                    "if 'SENTRY_DSN' in os.environ:\n    import sentry_sdk\n"
                    "if os.getenv('PORT'):\n    import requests\n"}, [("app.py", 7, "warning")]),
        # Flask-Bootstrap4 is imported as flask_bootstrap.
        ({"app.py": "from flask_bootstrap import Bootstrap\n", "requirements.txt": OK + "Flask-Bootstrap4==4.0.2\n"}, []),
    ],
)
def test_imports_count_where_the_served_app_runs_them(tmp_path, files, expected):
    assert _severities(tmp_path, files) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Every line form pip accepts that names flask and gunicorn (PEP 508 direct references, hashes,
        # markers, extras, per-requirement options, archives named after their project).
        "flask @ https://example.com/flask-3.0.0.tar.gz\ngunicorn @ https://example.com/g-22.0.0.zip\n",
        "flask@https://example.com/f.tar.gz\nGunicorn[gevent] @ https://example.com/g.whl ; python_version >= '3.8'\n",
        "flask==3.0.3 \\\n    --hash=sha256:aaaa \\\n    --hash sha256:bbbb\ngunicorn --config-settings=x=y\n",
        "flask @ file:///wheels/flask-3.0.0-py3-none-any.whl\n./vendor/gunicorn-22.0.0.tar.gz\n",
    ],
)
def test_pip_line_forms_name_their_project(tmp_path, text):
    assert run(tmp_path, {"requirements.txt": text}) == []


def test_a_direct_reference_excluded_by_its_marker_does_not_count(tmp_path):
    text = "flask\ngunicorn @ https://example.com/g.whl ; sys_platform == 'win32'\n"
    assert run(tmp_path, {"requirements.txt": text}) == [("requirements-gunicorn", "requirements.txt", 2)]


@pytest.mark.parametrize(
    "pipfile, expected",
    [
        ('[packages]\nflask = "*"\n\n[requires]\npython_version = "3.9"\n', [("python-version", "Pipfile", 5)]),
        ('[requires]\npython_full_version = "3.8.10"\n', [("python-version", "Pipfile", 2)]),
        ('[requires]\npython_version = "3.12"\n', []),
        ('[requires\nbroken', []),
    ],
)
def test_pipfile_python_version(tmp_path, pipfile, expected):
    assert run(tmp_path, {"Pipfile": pipfile, "requirements.txt": OK}, [python_version]) == expected
