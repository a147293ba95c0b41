from __future__ import annotations

import pytest

from deploy_check.rules import debug_enabled
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

APP = "from flask import Flask\napp = Flask(__name__)\n"
FLASKY = {
    "config.py": "class Config:\n    DEBUG = False\nclass DevelopmentConfig(Config):\n    DEBUG = True\n"
                 "class ProductionConfig(Config):\n    pass\n"
                 "config = {'development': DevelopmentConfig, 'dev': DevelopmentConfig,\n"
                 "          'production': ProductionConfig, 'prod': ProductionConfig, 'default': DevelopmentConfig}\n",
    "app/__init__.py": "from flask import Flask\nfrom config import config\ndef create_app(config_name):\n"
                       "    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    return app\n",
}


@pytest.mark.parametrize(
    "files, expected",
    [
        # Off by default, and on only locally: nothing to say.
        ({"app.py": APP}, []),
        ({"app.py": APP + 'if __name__ == "__main__":\n    app.run(debug=True)\n'}, []),
        ({"app.py": APP + "app.debug = False\napp.run(debug=False)\n"}, []),
        # On when gunicorn imports the module.
        ({"app.py": APP + "app.debug = True\n"}, [("app.py", 3)]),
        ({"app.py": APP + "app.run(debug=True)\n"}, [("app.py", 3)]),
        ({"app.py": APP + 'app.config["DEBUG"] = True\n'}, [("app.py", 3)]),
        ({"app.py": APP + "app.config.update(\n    SECRET_KEY=None,\n    DEBUG=True,\n)\n"}, [("app.py", 5)]),
        ({"app.py": APP + "app.config.update(dict(\n    DEBUG=True,\n))\n"}, [("app.py", 4)]),
        ({"app.py": APP + "app.config.update({'DEBUG': True})\n"}, [("app.py", 3)]),
        ({"app.py": "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n"
                    "    app.debug = True\n    return app\n"}, [("app.py", 5)]),
        # An environment default Niblit never overrides (it does not set FLASK_DEBUG).
        ({"app.py": APP + 'import os\napp.debug = os.environ.get("FLASK_DEBUG", True)\n'}, [("app.py", 4)]),
        ({"app.py": APP + 'import os\napp.debug = os.environ.get("FLASK_DEBUG", False)\n'}, []),
        # Config classes: the production one and a base it inherits count; dev/test ones do not.
        ({"config.py": "class Config:\n    DEBUG = True\n"}, [("config.py", 2)]),
        ({"config.py": "class Config:\n    DEBUG = True\nclass ProductionConfig(Config):\n    DEBUG = False\n"}, []),
        ({"config.py": "class Config:\n    DEBUG = False\nclass DevelopmentConfig(Config):\n    DEBUG = True\n"
                       "class TestingConfig(Config):\n    DEBUG = True\n"}, []),
        ({"config.py": "class Config:\n    DEBUG = False\nclass ProductionConfig(Config):\n    DEBUG = True\n"},
         [("config.py", 4)]),
        # A settings module's DEBUG, or one the app loads from itself.
        ({"settings.py": "DEBUG = True\n"}, [("settings.py", 1)]),
        ({"helpers.py": "DEBUG = True\n"}, []),
        ({"app.py": "DEBUG = True\n" + APP + "app.config.from_object(__name__)\n"}, [("app.py", 1)]),
        # Tests never run on Niblit.
        ({"tests/test_app.py": APP + "app.debug = True\n"}, []),
        # The image's environment and committed env files.
        ({"Dockerfile": "FROM python:3.12-slim\nENV FLASK_DEBUG=1\n"}, [("Dockerfile", 2)]),
        ({"Dockerfile": "FROM python:3.12-slim\nENV FLASK_DEBUG=0\n"}, []),
        ({".env": "SECRET=x\nFLASK_DEBUG=1\n"}, [(".env", 2)]),
        ({".env": "export FLASK_DEBUG='true'  # local\n"}, [(".env", 1)]),
        ({".env.example": "FLASK_DEBUG=1\n"}, []),
        ({".flaskenv": "FLASK_DEBUG=1\n"}, []),  # read by `flask run` only, never by gunicorn
        # Env files by other names are read only where code names them (rykelly82/DevOps-Course-Starter).
        ({".env.test": "FLASK_DEBUG=true\n", ".env.j2": "FLASK_DEBUG=true\n"}, []),
    ],
)
def test_debug_enabled(tmp_path, files, expected):
    make_repo(tmp_path, files)
    assert [(path, line) for rule, path, line in places(debug_enabled, tmp_path)] == expected
    assert all(rule == "debug-enabled" for rule, _, _ in places(debug_enabled, tmp_path))


@pytest.mark.parametrize(
    "files, expected",
    [
        # A development class the factory loads by name, in another module, is what production runs.
        ({"src/app.py": "from flask import Flask\ndef create_app():\n    app = Flask(__name__)\n"
                        "    app.config.from_object(obj='src.config.DevelopmentConfig')\n    return app\n",
          "src/config.py": "class Config:\n    DEBUG = False\nclass DevelopmentConfig(Config):\n    DEBUG = True\n"},
         [("src/config.py", 4)]),
        # Loaded by a variable or only in tests: not judged.
        ({"src/app.py": "import os\ndef create_app(app):\n    app.config.from_object(os.environ['APP_SETTINGS'])\n",
          "src/config.py": "class DevelopmentConfig:\n    DEBUG = True\n"}, []),
        ({"tests/conftest.py": "def app(a):\n    a.config.from_object('config.DevelopmentConfig')\n",
          "config.py": "class DevelopmentConfig:\n    DEBUG = True\n"}, []),
        # The class itself handed to from_object, unless which one depends on a condition.
        ({"app/__init__.py": "from flask import Flask\nfrom config import DevelopmentConfig\napp = Flask(__name__)\n"
                             "app.config.from_object(DevelopmentConfig)\n",
          "config.py": FLASKY["config.py"]}, [("config.py", 4)]),
        ({"app/__init__.py": "import os\nfrom flask import Flask\nimport config\napp = Flask(__name__)\n"
                             "if os.getenv('FLASK_ENV') == 'production':\n    app.config.from_object(config.ProductionConfig)\n"
                             "else:\n    app.config.from_object(config.DevelopmentConfig)\n",
          "config.py": FLASKY["config.py"]}, []),
        # A dict of config classes (Flasky): the key the factory gets on Niblit picks the class.
        (FLASKY | {"run.py": "import os\nfrom app import create_app\napp = create_app(os.getenv('FLASK_CONFIG') or 'default')\n"},
         [("config.py", 4)]),
        (FLASKY | {"run.py": "import os\nfrom app import create_app\napp = create_app(os.environ.get('CONFIG', 'default'))\n"},
         [("config.py", 4)]),
        (FLASKY | {"run.py": "from app import create_app\napp = create_app('production')\n"}, []),
        (FLASKY | {"run.py": "import os\nfrom app import create_app\napp = create_app(os.getenv('FLASK_ENV', 'default'))\n"},
         []),  # FLASK_ENV is "production" on Niblit
        (FLASKY | {"run.py": "from app import create_app\napp = create_app(config_name='development')\n"},
         [("config.py", 4)]),
        (FLASKY, [("config.py", 4)]),  # a factory never called with a known key loads "default"
        (FLASKY | {"server.py": "import os\nfrom app import create_app\nenv_type = os.environ.get('FLASK_ENV', default='dev')\n"
                                "app = create_app(config_name=env_type)\n"}, []),  # through a module constant: production
        (FLASKY | {"server.py": "import os\nfrom app import create_app\nenv_type = os.environ.get('APP_ENV', default='dev')\n"
                                "app = create_app(config_name=env_type)\n"}, [("config.py", 4)]),
        ({"app.py": "import os\nfrom flask import Flask\nfrom config import config\napp = Flask(__name__)\n"
                    "app.config.from_object(config[os.environ.get('APP_ENV', 'prod')])\n",
          "config.py": FLASKY["config.py"]}, []),
        ({"app.py": "import os\nfrom flask import Flask\nfrom config import config\napp = Flask(__name__)\n"
                    "app.config.from_object(config[os.environ.get('APP_ENV', 'dev')])\n",
          "config.py": FLASKY["config.py"]}, [("config.py", 4)]),
    ],
)
def test_a_class_loaded_by_name_counts_whatever_its_name(tmp_path, files, expected):
    make_repo(tmp_path, files)
    assert [(path, line) for rule, path, line in places(debug_enabled, tmp_path)] == expected
