"""env-required: variables the app needs at start that Niblit never sets, on small repositories."""
from __future__ import annotations

import ast

import pytest

from deploy_check import Options
from deploy_check import rules
from deploy_check.engine import fix_plan
from deploy_check.project import Project
from deploy_check.rules import env_required
from deploy_check.rules.base import Settings
from tests.rules.helpers import make_repo

APP = "import os\nfrom flask import Flask\napp = Flask(__name__)\n"


def found(root, settings: Settings | None = None) -> list[tuple[str, str | None, int | None]]:
    project = Project(str(root))
    return sorted((f.severity.value, f.path, f.line) for f in rules.run(env_required, project, settings))


def messages(root, settings: Settings | None = None) -> list[str]:
    return [f.message for f in rules.run(env_required, Project(str(root)), settings)]


@pytest.mark.parametrize("files, expected", [
    # A KeyError at import, in the app and in a config class body it loads.
    ({"app.py": APP + 'X = os.environ["API_KEY"]\n'}, [("error", "app.py", 4)]),
    ({"app.py": APP + 'X = os.environ.__getitem__("API_KEY")\n'}, [("error", "app.py", 4)]),
    ({"app.py": "from os import environ\n" + APP + 'X = environ["API_KEY"]\n'}, [("error", "app.py", 5)]),
    ({"app.py": APP + 'app.config.from_object("config.Config")\n',
      "config.py": 'import os\nclass Config:\n    SECRET_KEY = os.environ["SECRET_KEY"]\n'},
     [("error", "config.py", 3)]),
    # The spec's three are set.
    ({"app.py": APP + 'P = int(os.environ["PORT"])\nD = os.environ["DATABASE_PATH"].split("/")\n'
                      'E = os.getenv("FLASK_ENV").lower()\n'}, []),
    # Guards: a membership test, a read in the test, a conditional expression, a try.
    ({"app.py": APP + 'if "API_KEY" in os.environ:\n    X = os.environ["API_KEY"]\n'}, []),
    ({"app.py": APP + 'if os.getenv("API_KEY"):\n    X = os.environ["API_KEY"]\n'}, []),
    ({"app.py": APP + 'X = os.environ["API_KEY"] if "API_KEY" in os.environ else None\n'}, []),
    ({"app.py": APP + 'try:\n    X = os.environ["API_KEY"]\nexcept KeyError:\n    X = None\n'}, []),
    ({"app.py": APP + 'try:\n    X = os.environ["API_KEY"]\nexcept ImportError:\n    X = None\n'},
     [("error", "app.py", 5)]),
    # Later, or never on Niblit: a route, a function nobody calls at start, the main guard.
    ({"app.py": APP + '@app.route("/")\ndef index():\n    return os.environ["API_KEY"]\n'}, []),
    ({"app.py": APP + 'def helper():\n    return os.environ["API_KEY"]\n'}, []),
    ({"app.py": APP + 'if __name__ == "__main__":\n    os.environ["API_KEY"]\n'}, []),
    ({"app.py": APP + 'class C:\n    def m(self):\n        return os.environ["API_KEY"]\n'}, []),
    # A script, seed or test the app never imports.
    ({"app.py": APP, "seed.py": 'import os\nX = os.environ["SEED_USER"]\n',
      "tests/test_app.py": 'import os\nX = os.environ["TEST_DB"]\n'}, []),
    # A read whose None fails at import.
    ({"app.py": APP + 'U = os.getenv("DATABASE_URL").replace("s://", "sql://", 1)\n'}, [("error", "app.py", 4)]),
    ({"app.py": APP + 'W = int(os.environ.get("WORKERS"))\n'}, [("error", "app.py", 4)]),
    ({"app.py": APP + 'import json\nW = json.loads(os.getenv("OPTIONS", None))\n'}, [("error", "app.py", 5)]),
    ({"app.py": APP + 'W = os.getenv("PREFIX") + "/api"\nV = os.getenv("HOSTS")[0]\n'},
     [("error", "app.py", 4), ("error", "app.py", 5)]),
    ({"app.py": APP + 'hosts = os.getenv("HOSTS")\nALLOWED = hosts.split(",")\n'}, [("error", "app.py", 4)]),
    # ...not with a default, nor once tested, nor where None is fine.
    ({"app.py": APP + 'U = os.getenv("DATABASE_URL", "sqlite:///x").replace("s://", "sql://")\n'}, []),
    ({"app.py": APP + 'hosts = os.getenv("HOSTS")\nif hosts:\n    ALLOWED = hosts.split(",")\n'}, []),
    ({"app.py": APP + 'U = os.getenv("DATABASE_URL")\nV = os.getenv("X") or "y"\n'}, []),
    # A None in the settings Flask needs: the app starts, then sessions or the database fail.
    ({"app.py": APP + 'app.secret_key = os.getenv("SECRET_KEY")\n'}, [("warning", "app.py", 4)]),
    ({"app.py": APP + 'app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL")\n'},
     [("warning", "app.py", 4)]),
    ({"app.py": APP + 'app.config.update(SECRET_KEY=os.getenv("SECRET_KEY"))\n'}, [("warning", "app.py", 4)]),
    # ...in a development or testing class, only when the app loads it by name (its KeyError counts anyway).
    ({"app.py": APP + 'class DevelopmentConfig:\n    SECRET_KEY = os.getenv("DEV_KEY")\n'
                      'class TestingConfig:\n    URL = os.environ["TEST_URL"]\n'}, [("error", "app.py", 7)]),
    ({"app.py": APP + 'class DevelopmentConfig:\n    SECRET_KEY = os.getenv("DEV_KEY")\n'
                      'app.config.from_object("app.DevelopmentConfig")\n'}, [("warning", "app.py", 5)]),
    # A plain name is a setting only in a config class or a settings module (not an S3 client's key).
    ({"app.py": APP + "import s3\n", "s3.py": 'import os\nSECRET_KEY = os.getenv("SECRET_KEY")\n'}, []),
    ({"app.py": APP + 'app.config.from_object("settings")\n',
      "settings.py": 'import os\nSECRET_KEY = os.getenv("SECRET_KEY")\n'}, [("warning", "settings.py", 2)]),
    # The class the app loads, or a base it inherits the setting from (not one it overrides).
    ({"app.py": APP + "from config import DevelopmentConfig\napp.config.from_object(DevelopmentConfig)\n",
      "config.py": 'import os\nclass Config:\n    SECRET_KEY = os.getenv("SECRET_KEY")\n'
                   'class DevelopmentConfig(Config):\n    DEBUG = True\n'
                   'class ProductionConfig(Config):\n    SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URL")\n'},
     [("warning", "config.py", 3)]),
    ({"app.py": APP + "from config import DevelopmentConfig\napp.config.from_object(DevelopmentConfig)\n",
      "config.py": 'import os\nclass Config:\n    SECRET_KEY = os.getenv("SECRET_KEY")\n'
                   'class DevelopmentConfig(Config):\n    SECRET_KEY = "x"\n'}, []),
    # A factory that runs at start: its body counts (not its routes).
    ({"wsgi.py": "from api import create_app\napp = create_app()\n",
      "api/__init__.py": "import os\ndef create_app():\n    key = os.environ['API_KEY']\n"
                         "    def view():\n        return os.environ['LATER']\n    return key\n"},
     [("error", "api/__init__.py", 3)]),
    # ...and what it calls, by name, in another module; a function only a route calls does not run.
    ({"wsgi.py": "from api import create_app\napp = create_app()\n",
      "api/__init__.py": "from api.ext import init_mail\ndef create_app():\n    init_mail()\n",
      "api/ext.py": "import os\ndef init_mail():\n    return os.environ['MAIL_KEY']\n"
                    "def send():\n    return os.environ['LATER']\n"}, [("error", "api/ext.py", 3)]),
    ({"Dockerfile": 'FROM python:3.12-slim\nCMD ["gunicorn", "hello.app:create_app()"]\n',
      "hello/__init__.py": "", "hello/app.py": "import os\ndef create_app():\n    return os.environ['API_KEY']\n"},
     [("error", "hello/app.py", 3)]),
])
def test_env_required(tmp_path, files, expected):
    make_repo(tmp_path, files)
    assert found(tmp_path) == expected


@pytest.mark.parametrize("files, expected", [
    # Keyed by FLASK_ENV: Niblit runs production (tko22/flask-boilerplate's dev/prod/docker).
    ({"app.py": APP + 'from cfg import config\napp.config.from_object(config[os.getenv("FLASK_ENV")])\n',
      "cfg.py": 'config = {"dev": 1, "prod": 2}\n'}, [("error", "app.py", 5)]),
    ({"app.py": APP + 'from cfg import config\napp.config.from_object(config[os.getenv("FLASK_ENV", "dev")])\n',
      "cfg.py": 'config = {"dev": 1, "production": 2}\n'}, []),
    # Through a name, in the factory, with the mapping in a package module.
    ({"wsgi.py": "from api import create_app\napp = create_app()\n",
      "api/__init__.py": "import os\nfrom .config import config\ndef create_app():\n"
                         "    env = os.environ.get('FLASK_ENV', 'dev')\n    return config[env]\n",
      "api/config.py": 'config = {"dev": 1, "prod": 2, "docker": 3}\n'}, [("error", "api/__init__.py", 5)]),
    # Another variable: its default is the key; a development config is a warning.
    ({"app.py": APP + 'from cfg import by_name\nc = by_name[os.environ.get("APP_ENV", "development")]\n',
      "cfg.py": 'by_name = dict(development="DevelopmentConfig", production="ProductionConfig")\n'},
     [("warning", "app.py", 5)]),
    ({"app.py": APP + 'from cfg import by_name\nc = by_name[os.environ.get("APP_ENV", "prod")]\n',
      "cfg.py": 'by_name = {"dev": "DevelopmentConfig", "prod": "ProductionConfig"}\n'}, []),
    # .get(key, fallback) without the key: the fallback runs.
    ({"app.py": APP + 'config = {"dev": "Dev"}\nc = config.get(os.getenv("FLASK_ENV"), "Dev")\n'},
     [("warning", "app.py", 5)]),
    # A mapping that cannot be read: not judged.
    ({"app.py": APP + 'from somewhere import config\nc = config[os.getenv("FLASK_ENV")]\n'}, []),
])
def test_a_config_mapping_indexed_by_the_environment(tmp_path, files, expected):
    make_repo(tmp_path, files)
    assert found(tmp_path) == expected


@pytest.mark.parametrize("files, expected", [
    # Stopping on purpose when it is unset: raise, exit, assert; through a name; a helper that raises.
    ({"app.py": APP + 'if not os.getenv("API_KEY"):\n    raise RuntimeError("set API_KEY")\n'},
     [("error", "app.py", 4)]),
    ({"app.py": APP + 'import sys\nif "API_KEY" not in os.environ:\n    sys.exit("set API_KEY")\n'},
     [("error", "app.py", 5)]),
    ({"app.py": APP + 'assert "API_KEY" in os.environ, "API_KEY not set"\n'}, [("error", "app.py", 4)]),
    ({"app.py": APP + 'key = os.environ.get("API_KEY")\nif key is None:\n    raise ValueError("no key")\n'},
     [("error", "app.py", 5)]),
    ({"app.py": APP + 'if not os.getenv("API_KEY"):\n    print("no key: uploads are off")\n'}, []),
    ({"app.py": APP + 'def get_secret(name):\n    value = os.getenv(name.upper())\n    if value:\n'
                      '        return value\n    raise RuntimeError(name)\n'
                      'class Config:\n    SECRET_KEY = get_secret("secret_key")\n'}, [("error", "app.py", 10)]),
    # A config object made in the factory: its __init__ runs at start (rykelly82/DevOps-Course-Starter).
    ({"app.py": "from flask import Flask\nfrom cfg import Config\ndef create_app():\n"
                "    app = Flask(__name__)\n    app.config.from_object(Config())\n    return app\napp = create_app()\n",
      "cfg.py": "import os\nclass Config:\n    def __init__(self):\n        self.SECRET_KEY = os.environ.get('SECRET_KEY')\n"
                "        if not self.SECRET_KEY:\n            raise ValueError('No SECRET_KEY set')\n"},
     [("error", "cfg.py", 5)]),
])
def test_an_app_that_stops_on_purpose_when_a_variable_is_unset(tmp_path, files, expected):
    make_repo(tmp_path, files)
    assert found(tmp_path) == expected


def test_the_message_says_why_the_dockerfile_and_env_do_not_help(tmp_path):
    make_repo(tmp_path, {"app.py": APP + 'X = os.environ["API_KEY"]\n',
                         "Dockerfile": "FROM python:3.12-slim\nENV API_KEY=abc\n"})
    [message] = messages(tmp_path)
    assert message.startswith('os.environ["API_KEY"] runs at import: KeyError at start: Niblit sets only PORT, '
                              "DATABASE_PATH and FLASK_ENV")
    assert "the Dockerfile's ENV API_KEY does not survive" in message
    [with_env] = messages(tmp_path, Settings(smoke_env_names=frozenset({"API_KEY"})))
    assert with_env.endswith("; --env API_KEY sets it for the smoke test only")
    assert found(tmp_path, Settings(smoke_env_names=frozenset({"API_KEY"}))) == [("error", "app.py", 4)]


def test_a_secret_key_read_gets_the_persistent_key_fix(tmp_path):
    make_repo(tmp_path, {"app.py": APP + 'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n'
                                         'class Config:\n    SECRET_KEY = os.getenv("SECRET_KEY")\n'})
    plan = fix_plan(str(tmp_path), Options())
    new = plan.files["app.py"][1].decode()
    assert new.count('os.environ.get("SECRET_KEY") or persistent_secret_key()') == 2
    assert new.count("def persistent_secret_key(") == 1 and "import secrets\n" in new
    ast.parse(new)
    assert [f.rule for f in plan.applied].count("env-required") == 2
    # Another variable's read is not rewritten: only the hint says what to do.
    make_repo(tmp_path, {"app.py": APP + 'app.config["SECRET_KEY"] = os.environ["FLASK_SECRET"]\n'})
    assert "app.py" not in fix_plan(str(tmp_path), Options()).files
