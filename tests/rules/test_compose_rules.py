"""compose-port and compose-env: the set-up a compose file gives the app, against Niblit's."""
from __future__ import annotations

import re

import pytest

from deploy_check.finding import Severity
from deploy_check.parsing import compose
from deploy_check.project import Project
from deploy_check.rules import compose_env
from deploy_check.rules import compose_port
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

APP = "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
TEMPLATE_CMD = 'FROM python:3.12-slim\nEXPOSE 5000\nCMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]\n'


def web(lines: str, head: str = "    build: .\n") -> str:
    return "services:\n  web:\n" + head + lines


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # Only compose shows the port: a notice on the ports entry.
        ({"docker-compose.yml": web('    ports:\n      - "8000:8000"\n')}, [("docker-compose.yml", 5)]),
        ({"docker-compose.yml": web("    ports: [5001]\n")}, [("docker-compose.yml", 4)]),
        ({"compose.yaml": web("    expose:\n      - 8000\n")}, [("compose.yaml", 5)]),
        ({"docker-compose.yml": web("    ports:\n      - target: 8000\n        published: 80\n")},
         [("docker-compose.yml", 5)]),
        ({"docker-compose.yml": web('    ports: ["127.0.0.1:${WEB_PORT:-8001}:${APP_PORT:-8001}"]\n')},
         [("docker-compose.yml", 4)]),
        ({"docker-compose.yml": web("    build:\n      context: ./\n    ports: ['9000:9000']\n", head="")},
         [("docker-compose.yml", 5)]),
        # A service with no build that runs the app from a mounted tree.
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n    command: gunicorn -b 0.0.0.0:8000 app:app\n",
                                    head="    image: python:3.12\n")}, [("docker-compose.yml", 4)]),
        # Version-1 layout: services at the top level.
        ({"docker-compose.yml": "web:\n  build: .\n  ports:\n    - '8080:8080'\n"}, [("docker-compose.yml", 4)]),
        # Fine: 5000 inside the container, whatever the host side.
        ({"docker-compose.yml": web('    ports: ["8000:5000"]\n')}, []),
        ({"docker-compose.yml": web('    ports: ["5000", "5678:5678"]\n')}, []),
        # Not this repository's app: another folder's build, a datastore, a worker.
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n", head="    build: ./api\n")}, []),
        ({"docker-compose.yml": "services:\n  db:\n    image: postgres\n    ports: ['5432:5432']\n"}, []),
        ({"docker-compose.yml": web("    command: celery -A tasks worker\n    ports: ['5555:5555']\n")}, []),
        # Unknowable: a range or an unset variable.
        ({"docker-compose.yml": web("    ports: ['8000-8005:8000-8005', '${PORT}:${PORT}']\n")}, []),
        # Said once: the Dockerfile's EXPOSE / bind / ENV PORT or app.run(port=) is the line that must change.
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n"), "Dockerfile": "FROM python:3.12-slim\nEXPOSE 8000\n"},
         []),
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n"),
          "Dockerfile": 'FROM python:3.12-slim\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'}, []),
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n"), "Dockerfile": "FROM x\nENV PORT=8000\n"}, []),
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n"),
          "app.py": APP + "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=8000)\n"}, []),
        # ...but a template Dockerfile and a port only compose shows: the notice stays.
        ({"docker-compose.yml": web("    ports: ['8000:8000']\n"), "Dockerfile": TEMPLATE_CMD, "app.py": APP},
         [("docker-compose.yml", 4)]),
    ],
)
def test_compose_port(tmp_path, files, expected):
    make_repo(tmp_path, files)
    found = list(compose_port.check(Project(str(tmp_path))))
    assert [(f.path, f.line) for f in found] == expected
    assert all(f.severity is Severity.NOTICE for f in found)


def variable(message: str) -> str:
    return re.search(r"(?:sets|loads from \S+) (\w+)", message).group(1)


ENV_APP = APP + ("DB = os.environ.get('DATABASE_URL', 'sqlite:////data/app.db')\n"
                 "KEY = os.environ['SECRET_KEY']\n")


@pytest.mark.parametrize(
    ("compose_text", "expected"),
    [
        (web("    environment:\n      - DATABASE_URL=postgres://u:hunter2@db/app\n      - UNUSED=1\n"),
         [("docker-compose.yml", 5, "DATABASE_URL", True)]),
        (web("    environment:\n      SECRET_KEY: hunter2\n      PORT: 8000\n      FLASK_ENV: development\n"),
         [("docker-compose.yml", 5, "SECRET_KEY", False)]),
        (web("    environment:\n      - SECRET_KEY\n"), [("docker-compose.yml", 5, "SECRET_KEY", False)]),
        # A worker's environment is not the app's.
        ("services:\n  worker:\n    build: .\n    command: celery -A app.celery worker\n"
         "    environment:\n      - DATABASE_URL=postgres://db/app\n", []),
    ],
)
def test_compose_env(tmp_path, compose_text, expected):
    make_repo(tmp_path, {"docker-compose.yml": compose_text, "app.py": ENV_APP})
    found = list(compose_env.check(Project(str(tmp_path))))
    assert [(f.path, f.line, variable(f.message), "postgres://" in f.message) for f in found] == expected
    assert all(f.severity is Severity.NOTICE and "hunter2" not in f.message + (f.hint or "") for f in found)


def test_compose_env_only_for_what_the_served_app_reads(tmp_path):
    make_repo(tmp_path, {"docker-compose.yml": web("    environment:\n      - REDIS_URL=redis://cache\n"),
                         "app.py": APP, "scripts/seed.py": "import os\nos.getenv('REDIS_URL')\n"})
    assert places(compose_env, tmp_path) == []
    (tmp_path / "app.py").write_text(APP + "from decouple import config\nURL = config('REDIS_URL')\n")
    assert places(compose_env, tmp_path) == [("compose-env", "docker-compose.yml", 5)]


def test_services_carry_what_the_rules_read(tmp_path):
    make_repo(tmp_path, {"docker-compose.yml": web(
        "    command: ['gunicorn', '-b', '0.0.0.0:8000', 'app:app']\n    ports:\n      - 8000:8000/tcp\n"
        "    environment:\n      A: '1'\n      B:\n")})
    (service,) = compose.services(Project(str(tmp_path)))
    assert service.builds_root and service.command == ("gunicorn", "-b", "0.0.0.0:8000", "app:app")
    assert [(p.container, p.line, p.column) for p in service.ports] == [(8000, 6, 9)]
    assert [(v.name, v.value, v.line) for v in service.environment] == [("A", "1", 8), ("B", None, 9)]


def test_compose_env_reads_the_service_s_env_files(tmp_path):
    make_repo(tmp_path, {"deploy/docker-compose.yml": "", "docker-compose.yml": web(
        "    env_file:\n      - .env\n      - path: config/missing.env\n      - ../outside.env\n"),
        ".env": "# local\nexport SECRET_KEY='hunter2'\nDATABASE_URL=mysql://u:p@db/app\nPORT=8000\nOTHER=1\n",
        "app.py": ENV_APP})
    found = list(compose_env.check(Project(str(tmp_path))))
    assert [(f.path, f.line, f.column, variable(f.message)) for f in found] == [
        (".env", 2, 8, "SECRET_KEY"), (".env", 3, 1, "DATABASE_URL")]
    assert "mysql://" in found[1].message and all("hunter2" not in f.message for f in found)
