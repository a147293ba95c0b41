"""The Python rules' fixes (libcst rewrites) on small trees written for the test: exact output,
line endings, tabs and BOMs kept, `import os` added once, unsafe ones only when asked, none
where the code does not show what to write, and a second --fix that changes nothing."""
from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from deploy_check import Options
from deploy_check import fixing
from deploy_check.engine import fix_plan
from deploy_check.engine import open_project

FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"


def tree(tmp_path, files: dict[str, str | bytes]):
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(tmp_path)


def fixed(path: str, unsafe: bool = False) -> dict[str, str]:
    plan = fix_plan(path, Options(unsafe_fixes=unsafe))
    return {name: new.decode() for name, (_, new) in plan.files.items()}


def rules_fixed(path: str, unsafe: bool = False) -> list[str]:
    return sorted(f.rule for f in fix_plan(path, Options(unsafe_fixes=unsafe)).applied)


def test_app_run_at_import_moves_under_the_main_guard(tmp_path):
    root = tree(tmp_path, {"app.py": FLASK + 'app.run(host="0.0.0.0")  # local\n\n@app.route("/")\ndef i():\n'
                                    '    return "x"\n', "requirements.txt": "flask\ngunicorn\n"})
    assert fixed(root)["app.py"] == (FLASK + '\n@app.route("/")\ndef i():\n    return "x"\n\n\n'
                                     'if __name__ == "__main__":\n    app.run(host="0.0.0.0")  # local\n')


def test_app_run_joins_an_existing_main_guard_and_keeps_crlf_and_tabs(tmp_path):
    source = "from flask import Flask\r\napp = Flask(__name__)\r\napp.run()\r\nif __name__ == '__main__':\r\n\tprint(1)\r\n"
    root = tree(tmp_path, {"app.py": source})
    assert fixed(root)["app.py"] == ("from flask import Flask\r\napp = Flask(__name__)\r\n"
                                     "if __name__ == '__main__':\r\n\tprint(1)\r\n\tapp.run()\r\n")


def test_app_run_inside_another_block_has_no_fix(tmp_path):
    root = tree(tmp_path, {"app.py": FLASK + "try:\n    app.run()\nexcept Exception:\n    pass\n"})
    assert "app-run-at-import" not in rules_fixed(root, unsafe=True)


@pytest.mark.parametrize("literal, expected", [
    ('"app.db"', 'os.environ.get("DATABASE_PATH", "/data/app.db")'),
    ("'sqlite:///site.db'", '"sqlite:///" + os.environ.get("DATABASE_PATH", "/data/app.db")'),
    ('"sqlite+pysqlite:///x.db"', '"sqlite+pysqlite:///" + os.environ.get("DATABASE_PATH", "/data/app.db")'),
])
def test_database_path_literals_read_database_path(tmp_path, literal, expected):
    key = "SQLALCHEMY_DATABASE_URI" if "sqlite" in literal else "DATABASE"
    root = tree(tmp_path, {"app.py": f'"""Doc."""\n{FLASK}app.config["{key}"] = {literal}\n'})
    assert fixed(root)["app.py"] == ('"""Doc."""\nfrom flask import Flask\nimport os\n\napp = Flask(__name__)\n'
                                     f'app.config["{key}"] = {expected}\n')


def test_two_database_fixes_in_one_file_add_one_import(tmp_path):
    source = ('import sqlite3\n\n\ndef a():\n    return sqlite3.connect("app.db")\n\n\n'
              'def b():\n    return sqlite3.connect("other.db")\n')
    root = tree(tmp_path, {"app.py": FLASK, "db.py": source})
    new = fixed(root)["db.py"]
    assert new.count("import os") == 1 and new.count('os.environ.get("DATABASE_PATH", "/data/app.db")') == 2
    ast.parse(new)


def test_a_computed_database_path_has_no_fix(tmp_path):
    root = tree(tmp_path, {"app.py": FLASK + 'import os, sqlite3\nDB = os.path.join("x", "app.db")\n'
                                    'conn = sqlite3.connect(DB)\n'})
    assert "database-path" not in rules_fixed(root, unsafe=True)


def test_upload_folder_goes_to_data_uploads_and_is_created(tmp_path):
    root = tree(tmp_path, {"app.py": "import os\n" + FLASK + 'app.config["UPLOAD_FOLDER"] = "static/uploads"\n'})
    assert fixed(root)["app.py"] == ("import os\n" + FLASK + 'app.config["UPLOAD_FOLDER"] = "/data/uploads"\n'
                                     'os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)\n')


def test_flask_secret_key_is_generated_once_into_data(tmp_path):
    source = FLASK + 'app.secret_key = "dev"\n\n\nclass Config:\n    SECRET_KEY = os.environ.get("SECRET_KEY", "x")\n'
    root = tree(tmp_path, {"app.py": "import os\n" + source})
    new = fixed(root)["app.py"]
    assert new.count("def persistent_secret_key(") == 1 and "import secrets\n" in new
    assert new.count('os.environ.get("SECRET_KEY") or persistent_secret_key()') == 2
    assert '"dev"' not in new and '"x"' not in new
    ast.parse(new)


def test_other_secrets_come_from_the_environment_only_as_unsafe_fixes(tmp_path):
    key = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    root = tree(tmp_path, {"app.py": FLASK + f'STRIPE_KEY = "{key}"\nURL = "https://u:{key}@example.com"\n'})
    assert "app.py" not in fixed(root)
    new = fixed(root, unsafe=True)["app.py"]
    assert 'STRIPE_KEY = os.environ.get("STRIPE_KEY")' in new  # .get: a KeyError at import stops the app
    assert f'URL = "https://u:{key}@example.com"' in new  # a secret inside a longer string: left alone


def test_an_api_key_read_from_the_environment_does_not_stop_the_app_at_start(tmp_path):
    # Niblit sets none of the app's own variables: os.environ["STRIPE_KEY"] at import would be a
    # KeyError at start (env-required); the unsafe fix's .get leaves only the feature without its key.
    from deploy_check import check

    root = tree(tmp_path, {"app.py": FLASK + 'STRIPE_KEY = "sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc"\n'})
    (tmp_path / "app.py").write_text(fixed(root, unsafe=True)["app.py"])
    rules = {f.rule for f in check(root, Options(skip_build=True)).findings}
    assert "hardcoded-secret" not in rules and "env-required" not in rules


@pytest.mark.parametrize("files, content, safe", [
    ({"wsgi.py": FLASK}, "from wsgi import app  # noqa: F401\n", True),
    ({"src/app.py": FLASK}, "from src.app import app  # noqa: F401\n", True),
    ({"src/app.py": "import views\n" + FLASK, "src/views.py": ""}, "from src.app import app  # noqa: F401\n", False),
    ({"src/app.py": "from . import views\nimport socket\n" + FLASK, "src/views.py": ""},
     "from src.app import app  # noqa: F401\n", True),
    ({"sayhello/__init__.py": FLASK}, "from sayhello import app  # noqa: F401\n", True),
    # Named by .flaskenv (greyli/sayhello): the package, never `sayhello.__init__`, a second copy
    # of the module whose app the views never register on (every route a 404).
    ({"sayhello/__init__.py": FLASK, ".flaskenv": "FLASK_APP=sayhello\n"}, "from sayhello import app  # noqa: F401\n",
     True),
    ({"rest-server.py": FLASK}, 'import importlib\n\napp = importlib.import_module("rest-server").app\n', True),
    ({"my-shop.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n"},
     'import importlib\n\napp = importlib.import_module("my-shop").create_app()\n', True),
    ({"flaskr/__init__.py": "from flask import Flask\n\ndef create_app(test_config=None):\n    return Flask(__name__)\n"},
     "from flaskr import create_app\n\napp = create_app()\n", True),
    ({"blog/__init__.py": "def create_app(config_name='development'):\n    return CONFIGS[config_name]\n",
      "blog/config.py": "CONFIGS = {'development': 1, 'production': 2}\n"},
     'from blog import create_app\n\napp = create_app("production")\n', True),
    ({"shop/__init__.py": "def create_app(settings, db):\n    pass\n"},
     "from shop import create_app\n\napp = create_app()\n", False),
])
def test_a_missing_app_py_gets_a_shim(tmp_path, files, content, safe):
    root = tree(tmp_path, {**files, "requirements.txt": "flask\ngunicorn\n"})
    assert fixed(root, unsafe=True).get("app.py") == content
    assert ("app.py" in fixed(root)) is safe


def test_a_package_named_app_gets_no_shim_but_the_names_to_change(tmp_path):
    root = tree(tmp_path, {"app/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
                           "run.py": "from app import create_app\napp = create_app()\n"})
    assert "app.py" not in fixed(root, unsafe=True)
    root2 = tree(tmp_path / "two", {"app.py": "from app import create_app\n", "app/__init__.py": "",
                                    "app/views.py": "from app.models import x\n"})
    from deploy_check import Options as Opts
    from deploy_check import check

    (shadowed,) = [f for f in check(root2, Opts(skip_build=True)).findings if f.rule == "app-shadowed"]
    assert "app/ to webapp/" in shadowed.hint and "app.py, app/views.py" in shadowed.hint


def test_an_unparsable_module_gets_no_fix(tmp_path):
    root = tree(tmp_path, {"app.py": FLASK + 'app.config["DATABASE"] = "app.db"\napp.run(\n'})
    assert "app.py" not in fixed(root, unsafe=True)


SOURCE = ('"""App."""\nimport sqlite3\nfrom flask import Flask\n\napp = Flask(__name__)\n'
          'app.secret_key = "dev"\napp.config["UPLOAD_FOLDER"] = "uploads"\n'
          'app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"\n\n\n'
          '@app.route("/")\ndef home():\n    if True:\n        return str(sqlite3.connect("x.db"))\n\n'
          'app.run(port=5000)\n')


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(newline=st.sampled_from(["\n", "\r\n"]), indent=st.sampled_from(["    ", "\t", "  "]), bom=st.booleans(),
       final_newline=st.booleans())
def test_fixing_twice_changes_nothing_the_second_time(tmp_path_factory, newline, indent, bom, final_newline):
    text = SOURCE.replace("    ", indent).replace("\n", newline)
    if not final_newline:
        text = text[: -len(newline)]
    data = ("\ufeff" if bom else "").encode() + text.encode()
    root = tree(tmp_path_factory.mktemp("idem"), {"app.py": data})
    plan = fix_plan(root, Options())
    assert {f.rule for f in plan.applied} >= {"app-run-at-import", "database-path", "upload-path", "hardcoded-secret"}
    fixing.write(open_project(root), plan)
    new = (tmp_path_factory.getbasetemp() / root / "app.py").read_bytes()
    assert new.startswith("\ufeff".encode()) is bom
    body = new.decode("utf-8-sig")
    ast.parse(body)
    if newline == "\r\n":
        assert "\n" not in body.replace("\r\n", "")  # no line ending of another kind crept in
    assert fix_plan(root, Options()).files == {}


# -- app-config-main-only ---------------------------------------------------------------------

GUARDED = FLASK + '\n\nif __name__ == "__main__":\n'


def test_config_only_under_the_main_guard_moves_above_it(tmp_path):
    root = tree(tmp_path, {"app.py": GUARDED + '    # where uploads go\n    app.config["UPLOAD_FOLDER"] = "/data/uploads"\n'
                                   '    app.config["DEBUG"] = True\n    app.secret_key = "k" + "x"\n    app.run()\n',
                           "requirements.txt": "flask\ngunicorn\n"})
    assert fixed(root)["app.py"] == (FLASK + '\n\n# where uploads go\napp.config["UPLOAD_FOLDER"] = "/data/uploads"\n'
                                     'app.secret_key = "k" + "x"\n\nif __name__ == "__main__":\n'
                                     '    app.config["DEBUG"] = True\n    app.run()\n')


def test_a_guard_of_config_alone_goes_and_crlf_is_kept(tmp_path):
    source = (FLASK + '\nif __name__ == "__main__":\n    app.config.from_object("config.Prod")\n').replace("\n", "\r\n")
    root = tree(tmp_path, {"app.py": source, "requirements.txt": "flask\ngunicorn\n"})
    assert fixed(root)["app.py"] == (FLASK + '\napp.config.from_object("config.Prod")\n').replace("\n", "\r\n")


def test_config_that_reads_what_the_guard_binds_stays_and_is_named(tmp_path):
    root = tree(tmp_path, {"app.py": GUARDED + '    port = 8080\n    app.config["PORT"] = port\n    app.run(port=port)\n',
                           "requirements.txt": "flask\ngunicorn\n"})
    assert "app.py" not in fixed(root, unsafe=True)
    from deploy_check.engine import lint

    (finding,) = [f for f in lint(open_project(root)) if f.rule == "app-config-main-only"]
    assert finding.line == 8 and finding.fix is None and "app.config['PORT'] (reads port" in (finding.hint or "")


def test_config_that_reads_what_the_guard_changes_moves_only_as_unsafe(tmp_path):
    source = GUARDED + '    tempfile.tempdir = "/x"\n    app.config["UPLOAD_FOLDER"] = tempfile.gettempdir()\n'
    root = tree(tmp_path, {"app.py": "import tempfile\n" + source, "requirements.txt": "flask\ngunicorn\n"})
    assert "app-config-main-only" not in rules_fixed(root)
    assert fixed(root, unsafe=True)["app.py"] == (
        "import tempfile\n" + FLASK + '\n\napp.config["UPLOAD_FOLDER"] = tempfile.gettempdir()\n\n'
        'if __name__ == "__main__":\n    tempfile.tempdir = "/x"\n')
