"""Listening sockets from /proc/net/tcp*, and where a wrong bind is placed."""
from __future__ import annotations

import pytest

from deploy_check.finding import Location
from deploy_check.project import Project
from deploy_check.runtime import sockets
from deploy_check.parsing import tracebacks

# Real /proc/net/tcp and tcp6 lines: 127.0.0.1:8000 and 0.0.0.0:5000 listening, one connection
# established; [::1]:9000 and [::]:5002 and the v4-mapped 127.0.0.1:8001 listening.
PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 00000000:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0100007F:1388 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000001000000:2328 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 00000000000000000000000000000000:138A 00000000000000000000000000000000:0000 0A 00000000:00000000
   2: 0000000000000000FFFF00000100007F:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000
   9: garbage
"""


def test_listening_sockets_are_parsed():
    assert [str(item) for item in sockets.parse(PROC_NET_TCP)] == [
        "0.0.0.0:5000", "[::]:5002", "127.0.0.1:8000", "127.0.0.1:8001", "[::1]:9000"]


def test_every_address_at_5000_serves_niblit():
    assert sockets.serves_niblit(sockets.parse(PROC_NET_TCP))
    assert not sockets.serves_niblit([sockets.Listener(5000, "127.0.0.1"), sockets.Listener(8000, "0.0.0.0")])
    assert sockets.serves_niblit([sockets.Listener(5000, "::")])


def _project(tmp_path, dockerfile_cmd, app):
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD {dockerfile_cmd}\n")
    (tmp_path / "app.py").write_text(app)
    return Project(str(tmp_path))


APP = "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(port=8000)\n"


@pytest.mark.parametrize(
    "cmd, expected",
    [
        ('["gunicorn", "--bind", "127.0.0.1:8000", "app:app"]', Location("Dockerfile", 4)),
        ('["/usr/local/bin/gunicorn", "-b", ":8000", "app:app"]', Location("Dockerfile", 4)),
        ('["python", "app.py"]', Location("app.py", 4, 5)),
        ("python app.py", Location("app.py", 4, 5)),
    ],
)
def test_a_wrong_bind_is_placed_where_it_is_decided(tmp_path, cmd, expected):
    finding = sockets.wrong_bind(_project(tmp_path, cmd, APP), [sockets.Listener(8000, "127.0.0.1")])
    assert (finding.rule, finding.location) == ("smoke-boot", expected)
    assert "127.0.0.1:8000" in finding.message and "0.0.0.0:5000" in finding.message


@pytest.mark.parametrize(
    "env, files, expected",
    [
        # no --bind: gunicorn took it from ./gunicorn.conf.py, or GUNICORN_CMD_ARGS
        ("", {"gunicorn.conf.py": "workers = 2\nbind = '127.0.0.1:8000'\n"}, Location("gunicorn.conf.py", 2, 8, 2, 24)),
        ('ENV GUNICORN_CMD_ARGS="--bind 127.0.0.1:8000"\n', {}, Location("Dockerfile", 3, 31, 3, 45)),
        # a config file whose bind cannot be read statically: the file itself
        ("", {"gunicorn.conf.py": "import os\nbind = os.environ['BIND']\n"}, Location("gunicorn.conf.py")),
    ],
)
def test_a_bind_from_gunicorns_config_is_placed_there(tmp_path, env, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "Dockerfile").write_text(f'FROM python:3.12-slim\nWORKDIR /app\n{env}CMD ["gunicorn", "app:app"]\n')
    (tmp_path / "app.py").write_text(APP)
    finding = sockets.wrong_bind(Project(str(tmp_path)), [sockets.Listener(8000, "127.0.0.1")])
    assert (finding.rule, finding.location) == ("smoke-boot", expected)
    assert '"--bind", "0.0.0.0:5000"' in finding.hint


def test_no_app_run_falls_back_to_the_cmd(tmp_path):
    project = _project(tmp_path, '["python", "server.py"]', "x = 1\n")
    assert sockets.wrong_bind(project, [sockets.Listener(8000, "0.0.0.0")]).location == Location("Dockerfile", 4)


def test_nothing_to_say_when_it_binds_right_or_nothing(tmp_path):
    project = _project(tmp_path, '["python", "app.py"]', APP)
    assert sockets.wrong_bind(project, [sockets.Listener(5000, "0.0.0.0"), sockets.Listener(9000, "127.0.0.1")]) is None
    assert sockets.wrong_bind(project, []) is None
    assert sockets.wrong_bind(project, None) is None


def test_without_sockets_the_log_announcement_counts(tmp_path):
    project = _project(tmp_path, '["python", "app.py"]', APP)
    assert "127.0.0.1:8000" in sockets.wrong_bind(project, None, "127.0.0.1:8000").message
    assert "127.0.0.1:8000" in sockets.wrong_bind(project, None, "localhost:8000").message


@pytest.mark.parametrize(
    "log, expected",
    [
        (" * Running on http://127.0.0.1:8000\n", "127.0.0.1:8000"),
        ("[1] [INFO] Listening at: http://0.0.0.0:8000 (1)\n", "0.0.0.0:8000"),
        ("[1] [INFO] Listening at: http://0.0.0.0:5000 (1)\n", ""),
        (" * Running on http://127.0.0.1:9000\n[1] [INFO] Listening at: http://0.0.0.0:5000 (1)\n", ""),
        ("nothing yet\n", ""),
    ],
)
def test_where_the_server_says_it_listens(log, expected):
    assert tracebacks.listening_elsewhere(log) == expected
