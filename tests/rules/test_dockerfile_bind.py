"""gunicorn's bind as gunicorn decides it: the CMD's --bind, else GUNICORN_CMD_ARGS, else
the config file's `bind`, else 0.0.0.0:$PORT with Niblit's PORT=5000. A wrong bind is
dockerfile-port on the line that decides it; a right one decided outside the CMD is
template drift (dockerfile-cmd), never a port error."""
from __future__ import annotations

import pytest

from deploy_check.rules import dockerfile_cmd
from deploy_check.rules import dockerfile_port
from tests.rules.helpers import make_repo
from tests.rules.helpers import places
from tests.rules.test_dockerfile_rules import TEMPLATE

CMD = 'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]'
NO_BIND = 'CMD ["gunicorn", "--workers", "2", "app:app"]'


def dockerfile(cmd: str = NO_BIND, port: str = "ENV PORT=5000", extra: str = "") -> str:
    """The template with its CMD (line 23) and ENV PORT (line 16) replaced; `extra` goes
    on the line after the CMD (24)."""
    text = TEMPLATE.replace(CMD, cmd).replace("ENV PORT=5000", port)
    return text + extra + ("\n" if extra else "")


CONF = "gunicorn.conf.py"
P, C = "dockerfile-port", "dockerfile-cmd"

CASES = [
    ("template", {"Dockerfile": TEMPLATE}, []),
    # no --bind, PORT=5000 (the image's ENV and Niblit's): 0.0.0.0:5000, the missing --bind is drift
    ("no bind, PORT=5000", {"Dockerfile": dockerfile()}, [(C, "Dockerfile", 23)]),
    # no ENV PORT at all: Niblit still sets it (dockerfile-env says the line is missing)
    ("no bind, no ENV PORT", {"Dockerfile": dockerfile(port="ENV UNRELATED=1")}, [(C, "Dockerfile", 23)]),
    # PORT=8000 in the image: said on the ENV line (and the drift on the CMD)
    ("no bind, PORT=8000", {"Dockerfile": dockerfile(port="ENV PORT=8000")},
     [(P, "Dockerfile", 16), (C, "Dockerfile", 23)]),
    ("shell $PORT, PORT=8000", {"Dockerfile": dockerfile(cmd="CMD gunicorn --bind 0.0.0.0:$PORT --workers 2 app:app",
                                                         port="ENV PORT=8000")},
     [(P, "Dockerfile", 16), (C, "Dockerfile", 23)]),
    # exec form passes "$PORT" to gunicorn unexpanded
    ("exec $PORT", {"Dockerfile": dockerfile(cmd='CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "--workers", "2", "app:app"]')},
     [(P, "Dockerfile", 23)]),
    ("explicit wrong bind", {"Dockerfile": dockerfile(cmd=CMD.replace("0.0.0.0:5000", "127.0.0.1:5000"))},
     [(P, "Dockerfile", 23)]),
    # every address at port 5000 by another spelling, or with an extra bind: drift, not a port error
    ("bind :5000", {"Dockerfile": dockerfile(cmd=CMD.replace("0.0.0.0:5000", ":5000"))}, [(C, "Dockerfile", 23)]),
    ("bind [::]:5000", {"Dockerfile": dockerfile(cmd=CMD.replace("0.0.0.0:5000", "[::]:5000"))}, [(C, "Dockerfile", 23)]),
    ("bind tcp://", {"Dockerfile": dockerfile(cmd=CMD.replace("0.0.0.0:5000", "tcp://0.0.0.0:5000"))},
     [(C, "Dockerfile", 23)]),
    ("extra bind", {"Dockerfile": dockerfile(cmd=CMD.replace('"--workers"', '"-b", "127.0.0.1:9000", "--workers"'))},
     [(C, "Dockerfile", 23)]),
    # no port is gunicorn's 8000; two wrong binds are two errors
    ("bind host only", {"Dockerfile": dockerfile(cmd=CMD.replace("0.0.0.0:5000", "0.0.0.0"))}, [(P, "Dockerfile", 23)]),
    ("two wrong binds", {"Dockerfile": dockerfile(cmd=CMD.replace('"--workers"', '"-b", "127.0.0.1:9000", "--workers"')
                                                  .replace("0.0.0.0:5000", "127.0.0.1:5000"))},
     [(P, "Dockerfile", 23), (P, "Dockerfile", 23)]),
    ("unix socket", {"Dockerfile": dockerfile(cmd=CMD.replace("0.0.0.0:5000", "unix:/tmp/g.sock"))},
     [(P, "Dockerfile", 23)]),
    # GUNICORN_CMD_ARGS decides, placed on its ENV line; expanded from the ENV above it at build time
    ("cmd args right", {"Dockerfile": dockerfile(extra='ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:5000"')},
     [(C, "Dockerfile", 23)]),
    ("cmd args wrong", {"Dockerfile": dockerfile(extra='ENV GUNICORN_CMD_ARGS="--bind=127.0.0.1:8000 --workers 2"')},
     [(P, "Dockerfile", 24)]),
    ("cmd args $PORT", {"Dockerfile": dockerfile(port="ENV PORT=8000", extra="ENV GUNICORN_CMD_ARGS=\"-b 0.0.0.0:$PORT\"")},
     [(P, "Dockerfile", 24)]),
    # the command line's --bind wins over GUNICORN_CMD_ARGS and the config file
    ("cmd wins", {"Dockerfile": dockerfile(cmd=CMD, extra='ENV GUNICORN_CMD_ARGS="--bind 127.0.0.1:1"'),
                  CONF: "bind = '127.0.0.1:2'\n"}, []),
    # ./gunicorn.conf.py is read by default; `-c` names another
    ("conf right", {"Dockerfile": dockerfile(), CONF: "bind = '0.0.0.0:5000'\nworkers = 2\n"}, [(C, "Dockerfile", 23)]),
    ("conf wrong", {"Dockerfile": dockerfile(), CONF: "workers = 2\nbind = ['127.0.0.1:8000']\n"}, [(P, CONF, 2)]),
    ("conf env", {"Dockerfile": dockerfile(), CONF: "import os\nbind = f\"0.0.0.0:{os.environ.get('PORT', '8000')}\"\n"},
     [(C, "Dockerfile", 23)]),
    ("conf env other", {"Dockerfile": dockerfile(), CONF: "import os\nbind = os.getenv('BIND', '0.0.0.0:9000')\n"},
     [(P, CONF, 2)]),
    ("conf name", {"Dockerfile": dockerfile(), CONF: "import os\nport = int(os.environ.get('PORT', 8000))\n"
                                                        "host = '0.0.0.0'\nbind = '%s:%d' % (host, port)\n"},
     [(C, "Dockerfile", 23)]),
    ("conf format", {"Dockerfile": dockerfile(), CONF: "bind = '{}:{}'.format('127.0.0.1', 5000)\n"}, [(P, CONF, 1)]),
    ("conf without bind", {"Dockerfile": dockerfile(), CONF: "workers = 3\n"}, [(C, "Dockerfile", 23)]),
    ("-c conf", {"Dockerfile": dockerfile(cmd='CMD ["gunicorn", "-c", "deploy/gun.py", "app:app", "--workers", "2"]'),
                 "deploy/gun.py": "bind = '0.0.0.0:8080'\n"}, [(C, "Dockerfile", 23), (P, "deploy/gun.py", 1)]),
    ("--config=python:", {"Dockerfile": dockerfile(cmd='CMD ["gunicorn", "--config=python:deploy.gun", "--workers", "2", "app:app"]'),
                          "deploy/gun.py": "bind = '127.0.0.1:5000'\n"}, [(C, "Dockerfile", 23), (P, "deploy/gun.py", 1)]),
    ("-c /app/...", {"Dockerfile": dockerfile(cmd='CMD ["gunicorn", "--workers", "2", "-c", "/app/gun.py", "app:app"]'),
                     "gun.py": "bind = '0.0.0.0:5000'\n"}, [(C, "Dockerfile", 23)]),
    # what cannot be told statically is not a port error: only the drift
    ("conf undecided", {"Dockerfile": dockerfile(), CONF: "import os\nbind = os.environ['BIND']\n"}, [(C, "Dockerfile", 23)]),
    ("conf branches", {"Dockerfile": dockerfile(), CONF: "import os\nif os.environ.get('X'):\n    bind = '127.0.0.1:1'\n"
                                                            "else:\n    bind = '0.0.0.0:5000'\n"}, [(C, "Dockerfile", 23)]),
    ("conf not parsing", {"Dockerfile": dockerfile(), CONF: "bind = (\n"}, [(C, "Dockerfile", 23)]),
    ("-c outside", {"Dockerfile": dockerfile(cmd='CMD ["gunicorn", "-c", "/etc/gun.py", "--workers", "2", "app:app"]')},
     [(C, "Dockerfile", 23)]),
    ("-c missing", {"Dockerfile": dockerfile(cmd='CMD ["gunicorn", "-c", "gun.py", "--workers", "2", "app:app"]')},
     [(C, "Dockerfile", 23)]),
    # the -c given in GUNICORN_CMD_ARGS counts too
    ("cmd args -c", {"Dockerfile": dockerfile(extra='ENV GUNICORN_CMD_ARGS="-c gun.py"'), "gun.py": "bind = '0.0.0.0:1'\n"},
     [(P, "gun.py", 1)]),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bind_is_decided_as_gunicorn_decides_it(tmp_path, files, expected):
    make_repo(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n", **files})
    found = places(dockerfile_port, tmp_path) + places(dockerfile_cmd, tmp_path)
    assert sorted(found) == sorted(expected)
