"""gunicorn_bind: the bind decided from a hostile repository's config file, bounded."""
from __future__ import annotations

import pytest

from deploy_check.parsing import gunicorn_bind
from deploy_check.project import Project
from tests.rules.helpers import make_repo

DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PORT=5000\nCMD ["gunicorn", "app:app"]\n'


def _decide(tmp_path, conf: str, dockerfile: str = DOCKERFILE):
    make_repo(tmp_path, {"Dockerfile": dockerfile, "gunicorn.conf.py": conf})
    return gunicorn_bind.decide(Project(str(tmp_path)))


@pytest.mark.parametrize(
    "conf, binds",
    [
        ("bind = '0.0.0.0:5000'\n", ("0.0.0.0:5000",)),
        ("bind = ('0.0.0.0:5000', 'unix:/tmp/g.sock')\n", ("0.0.0.0:5000", "unix:/tmp/g.sock")),
        ("import os\nbind = '0.0.0.0:' + os.environ.get('PORT', '8000')\n", ("0.0.0.0:5000",)),
        ("import os\nbind = '0.0.0.0:' + str(os.environ['PORT'])\n", ("0.0.0.0:5000",)),
        # DATABASE_PATH is Niblit's too; an unknown variable takes its default
        ("import os\nbind = os.getenv('HOST', '127.0.0.1') + ':5000'\n", ("127.0.0.1:5000",)),
        ("bind: str = f'{\"0.0.0.0\"}:{5000}'\n", ("0.0.0.0:5000",)),
        # hostile shapes: left undecided, never built
        ("a = 'x' * 10\nbind = a\n", None),
        ("bind = '%999999999d' % 1\n", None),
        ("bind = '{:>999999999}'.format(1)\n", None),
        ("bind = f'{1:>999999999}'\n", None),
        ("a = '" + "x" * 600 + "'\n" + "".join(f"{n} = {p} + {p}\n" for p, n in zip("abcdefghijkl", "bcdefghijklm"))
         + "bind = m\n", None),
        ("bind = bind\n", None),
        # a name used a thousand times over is worked out once
        ("a = 'x'\n" + "".join(f"{n} = {p} + {p}\n" for p, n in zip("abcd", "bcde"))
         + "bind = [" + ", ".join(["e"] * 5000) + "]\n", ("x" * 16,) * 5000),
        ("a = b\nb = a\nbind = a\n", None),
    ],
)
def test_config_bind(tmp_path, conf, binds):
    decided = _decide(tmp_path, conf)
    assert decided is not None and decided.source == "config"
    assert (tuple(b.value for b in decided.binds) if decided.binds is not None else None) == binds


def test_the_default_follows_port(tmp_path):
    decided = _decide(tmp_path, "workers = 2\n")
    assert (decided.source, [b.value for b in decided.binds], decided.follows_port) == ("PORT", ["0.0.0.0:5000"], True)


def test_an_entrypoint_or_another_server_is_not_gunicorns(tmp_path):
    assert _decide(tmp_path, "", DOCKERFILE.replace('["gunicorn", "app:app"]', '["python", "app.py"]')) is None
    assert _decide(tmp_path, "", DOCKERFILE.replace("CMD", 'ENTRYPOINT ["sh"]\nCMD')) is None
