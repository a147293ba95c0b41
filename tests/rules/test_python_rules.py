from __future__ import annotations

import pytest

from deploy_check.project import Project
from deploy_check.rules import app_config_main_only
from deploy_check.rules import app_instance
from deploy_check.rules import app_missing
from deploy_check.rules import app_port
from deploy_check.rules import app_run_at_import
from deploy_check.rules import app_shadowed
from deploy_check.rules import database_external
from deploy_check.rules import database_path
from deploy_check.rules import python_syntax
from deploy_check.rules import upload_path
from tests.rules.helpers import make_repo
from tests.rules.helpers import places

SPEC_APP = '''import os
import sqlite3

from flask import Flask

app = Flask(__name__)
DATABASE_PATH = os.environ.get('DATABASE_PATH', '/data/app.db')
UPLOAD_FOLDER = '/data/uploads'
os.makedirs(UPLOAD_FOLDER, exist_ok=True)


def get_db():
    conn = sqlite3.connect(DATABASE_PATH)
    conn.row_factory = sqlite3.Row
    return conn


@app.route('/')
def home():
    return 'Hello from Niblit.ai!'


if __name__ == '__main__':
    app.run()
'''
ALL = [app_config_main_only, app_instance, app_missing, app_port, app_run_at_import, app_shadowed, database_external, database_path, python_syntax, upload_path]


def lines_of(module, tmp_path, files):
    make_repo(tmp_path, files)
    return [(path, line) for _, path, line in places(module, tmp_path)]


def test_spec_example_app_is_clean(tmp_path):
    make_repo(tmp_path, {"app.py": SPEC_APP})
    assert [f for m in ALL for f in places(m, tmp_path)] == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from flask import Flask\napp = Flask(__name__)\n", []),
        ("from flask import Flask as F\napp = F(__name__)\n", []),
        ("import flask\napp = flask.Flask(__name__)\n", []),
        ("import flask as fl\napp: fl.Flask = fl.Flask(__name__)\n", []),
        ("from flask import Flask\ndef create_app():\n    return Flask(__name__)\napp = create_app()\n", []),
        ("from myproject import create_app\napp = create_app()\n", []),
        ("from myproject.web import app\n", []),
        ("from flask import *\n", []),
        ("from flask import Flask\ntry:\n    app = Flask(__name__)\nexcept Exception:\n    raise\n", []),
        ("from flask import Flask\ndef create_app():\n    return Flask(__name__)\n", [("app.py", 2)]),
        ("from flask import Flask\nif __name__ == '__main__':\n    app = Flask(__name__)\n    app.run()\n", [("app.py", 3)]),
        ("from flask import Flask\napplication = Flask(__name__)\n", [("app.py", 2)]),
        ("from fastapi import FastAPI\napp = FastAPI()\n", [("app.py", 2)]),
        ("print('hello')\n", [("app.py", None)]),
        ("def broken(:\n", []),
    ],
)
def test_app_instance(tmp_path, source, expected):
    assert lines_of(app_instance, tmp_path, {"app.py": source}) == expected


def test_app_missing_hints_at_the_entry_point(tmp_path):
    assert lines_of(app_missing, tmp_path, {"main.py": "from flask import Flask\napp = Flask(__name__)\n"}) == [("app.py", None)]


@pytest.mark.parametrize(
    "files, hint",
    [
        ({"main.py": "from flask import Flask\napp = Flask(__name__)\n"}, "`from main import app` (or move main.py"),
        # any root-level module that binds `app`, tests aside
        ({"microblog.py": "from blog import create_app\napp = create_app()\n",
          "test_app.py": "from microblog import app\n"}, "`from microblog import app`"),
        ({"serve.py": "try:\n    from prod import app\nexcept ImportError:\n    app = None\n"}, "`from serve import app`"),
        ({"notes.txt": "nothing"}, "`app = Flask(__name__)`"),
        # a hyphen: no import statement can name the module
        ({"rest-server.py": "from flask import Flask\napp = Flask(__name__)\n"},
         '`app = importlib.import_module("rest-server").app` (or move rest-server.py'),
        # a package app/ is what `import app` finds: it has to move out of the way
        ({"app/__init__.py": "def create_app():\n    pass\n", "wsgi.py": "from app import create_app\napp = create_app()\n"},
         "rename the package app/ (and its imports), which would shadow an app.py, then add app.py at the root "
         "with `from wsgi import app`"),
    ],
)
def test_app_missing_hint_names_the_real_entry_point(tmp_path, files, hint):
    make_repo(tmp_path, files)
    (finding,) = list(app_missing.check(Project(str(tmp_path))))
    assert hint in finding.hint


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from flask import Flask\napp = Flask(__name__)\napp.run(port=5000)\n", [("app.py", 3)]),
        ("import os\nif os.environ.get('X'):\n    app.run()\n", [("app.py", 3)]),
        ("socketio.run(app)\n", [("app.py", 1)]),
        # under the main guard, either way round, or inside a function: fine
        ("if __name__ == '__main__':\n    app.run(debug=True)\n", []),
        ("if '__main__' == __name__:\n    app.run()\n", []),
        ("def main():\n    app.run()\n", []),
        ("runner.run()\n", []),
    ],
)
def test_app_run_at_import(tmp_path, source, expected):
    assert lines_of(app_run_at_import, tmp_path, {"app.py": source}) == expected


def test_app_shadowed(tmp_path):
    assert lines_of(app_shadowed, tmp_path, {"app.py": "", "app/__init__.py": ""}) == [("app/__init__.py", None)]
    assert lines_of(app_shadowed, tmp_path / "x", {"app.py": "", "app/static/x.css": ""}) == []


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"app.py": "x = (\n"}, [("app.py", 1)]),
        ({"app.py": "ok = 1\n", "pkg/mod.py": "def f():\n    print 'py2'\n"}, [("pkg/mod.py", 2)]),
        ({"app.py": b"x = '\xe9'\n"}, [("app.py", 1)]),
        ({"app.py": b"# -*- coding: latin-1 -*-\nx = '\xe9'\n"}, []),
        ({"app.py": "x = " + "(" * 300 + ")" * 300 + "\n"}, [("app.py", 1)]),
    ],
)
def test_python_syntax(tmp_path, files, expected):
    assert lines_of(python_syntax, tmp_path, files) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("app.run(port=8000)\n", [("app.py", 1)]),
        ("app.run('0.0.0.0', 8080)\n", [("app.py", 1)]),
        ("app.run(port=5000)\n", []),
        ("import os\napp.run(port=int(os.environ.get('PORT', 8000)))\n", []),
        ("socketio.run(app, port=3000)\n", [("app.py", 1)]),
        ("server.run(port=8000)\n", []),
        ("from flask import Flask\nweb = Flask(__name__)\nweb.run(debug=True, port='8000')\n", [("app.py", 3)]),
    ],
)
def test_app_port(tmp_path, source, expected):
    assert lines_of(app_port, tmp_path, {"app.py": source}) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import sqlite3\nsqlite3.connect('app.db')\n", [("app.py", 2)]),
        ("import sqlite3\nsqlite3.connect('/data/app.db')\n", []),
        ("import sqlite3\nsqlite3.connect(':memory:')\n", []),
        ("import os, sqlite3\nsqlite3.connect(os.environ.get('DATABASE_PATH', 'app.db'))\n", []),
        ("import os, sqlite3\nsqlite3.connect(os.environ['DATABASE_PATH'])\n", []),
        ("import os, sqlite3\nBASE = os.path.abspath(os.path.dirname(__file__))\nsqlite3.connect(os.path.join(BASE, 'app.db'))\n", [("app.py", 3)]),
        ("from sqlite3 import connect\nDB = 'data.sqlite'\nconnect(DB)\n", [("app.py", 3)]),
        ("app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///site.db'\n", [("app.py", 1)]),
        ("app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:////data/app.db'\n", []),
        ("app.config.update(SQLALCHEMY_DATABASE_URI='sqlite:///x.db')\n", [("app.py", 1)]),
        ("class Config:\n    SQLALCHEMY_DATABASE_URI = 'sqlite:///' + 'app.db'\n", [("app.py", 2)]),
        # a fallback from a variable Niblit does not set is what runs there (a warning: see below)
        ("import os\nbasedir = os.path.abspath(os.path.dirname(__file__))\nclass Config:\n    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL') or 'sqlite:///' + os.path.join(basedir, 'app.db')\n", [("app.py", 4)]),
        ("import os, sqlite3\nDB = os.getenv('DB_FILE', 'local.db')\nsqlite3.connect(DB)\n", [("app.py", 3)]),
        # the tests' own configuration is not what Niblit runs
        ("class TestingConfig(Config):\n    SQLALCHEMY_DATABASE_URI = 'sqlite:///test.db'\n", []),
        ("class ProductionConfig(Config):\n    SQLALCHEMY_DATABASE_URI = 'sqlite:///prod.db'\n", [("app.py", 2)]),
        ("import os\nDATABASE = os.environ.get('DATABASE_URL', default='sqlite:////data/app.db')\n", []),
        ("import os\nDATABASE = os.environ.get('DATABASE_URL')\n", []),
        ("import os\nDATABASE_PATH = os.environ.get('DATABASE_PATH', '/data/app.db')\napp.config['SQLALCHEMY_DATABASE_URI'] = f'sqlite:///{DATABASE_PATH}'\n", []),
        ("from pathlib import Path\nimport sqlite3\nsqlite3.connect(Path(__file__).parent / 'db.sqlite3')\n", [("app.py", 3)]),
        ("import sqlite3\nsqlite3.connect(some_function())\n", []),
        ("import sqlite3, os\nsqlite3.connect(os.path.join(app.instance_path, 'x.db'))\n", [("app.py", 2)]),
        ("DATABASE = 'instance/app.db'\n", [("app.py", 1)]),
        ("DATABASE = 'postgresql://localhost/x'\n", []),
        # A config class's own variable, used in its body (raceconditionrunning/pantograph): /app/data, not /data.
        ("import os\nclass Config:\n    db_path = os.path.join(os.getcwd(), 'data', 'x.db')\n"
         "    SQLALCHEMY_DATABASE_URI = f'sqlite:///{db_path}'\n", [("app.py", 4)]),
        ("import os\nclass Config:\n    db_path = '/data/app.db'\n    SQLALCHEMY_DATABASE_URI = f'sqlite:///{db_path}'\n", []),
        # Bound in two classes: which one is unknown, so nothing is said.
        ("class A:\n    p = 'a.db'\n    SQLALCHEMY_DATABASE_URI = f'sqlite:////data/{p}'\nclass B:\n    p = '/tmp/b.db'\n", []),
    ],
)
def test_database_path(tmp_path, source, expected):
    assert lines_of(database_path, tmp_path, {"app.py": source}) == expected


def test_database_path_from_an_unset_variable_is_a_warning_naming_it(tmp_path):
    make_repo(tmp_path, {"app.py": "import os\nSQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL', 'sqlite:///app.db')\n"})
    (finding,) = list(database_path.check_module(Project(str(tmp_path))))
    assert finding.severity.value == "warning" and "unless DATABASE_URL is set" in finding.message
    assert "/app/instance/app.db" in finding.message


def test_database_path_ignores_tests(tmp_path):
    assert lines_of(database_path, tmp_path, {"tests/test_db.py": "import sqlite3\nsqlite3.connect('t.db')\n"}) == []


@pytest.mark.parametrize("name, expected", [("test.py", []), ("tests.py", []), ("testing.py", [("testing.py", 2)])])
def test_unittest_style_test_modules_are_tests(tmp_path, name, expected):
    # unittest discovers test*.py: a root test.py (wilfredlopez/python-flask-rest) is the tests' scratch database
    assert lines_of(database_path, tmp_path, {name: "import sqlite3\nsqlite3.connect('data.db')\n"}) == expected


DYNACONF_SETTINGS = """[default]
DEBUG = false
SQLALCHEMY_DATABASE_URI = 'sqlite:///development.db'
TITLE = "project"

[testing]
SQLALCHEMY_DATABASE_URI = 'sqlite:///testing.db'

[production]
"SQLALCHEMY_DATABASE_URI" = "sqlite:///production.db"   # chosen by FLASK_ENV=production
DB_PATH = "app.db"
"""


@pytest.mark.parametrize(
    "files, expected",
    [
        # Dynaconf's settings.toml (seen in rochacbruno/flask-project-template): every table but the tests'.
        ({"settings.toml": DYNACONF_SETTINGS},
         [("settings.toml", 3), ("settings.toml", 10), ("settings.toml", 11)]),
        ({"config/app.toml": "[flask]\nSQLALCHEMY_DATABASE_URI = 'sqlite:////data/app.db'\nDATABASE_PATH = '/data/app.db'\n"}, []),
        ({"config.toml": "database_url = 'postgresql://db/x'\nname = 'site.db'\n"}, []),  # not SQLite; not a database key
        ({"config.toml": "DATABASE_URL = [\n  'sqlite:///x.db',\n]\nDATABASE = 'sqlite:///x.db' 'y'\n"}, []),  # not a string; not TOML
        ({"pyproject.toml": "[tool.x]\nDATABASE_URL = 'sqlite:///x.db'\n"}, []),  # tool configuration
    ],
)
def test_database_path_in_toml_settings(tmp_path, files, expected):
    assert lines_of(database_path, tmp_path, files) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("URI = 'postgresql://u:p@db/x'\n", [("app.py", 1)]),
        ("app.config['SQLALCHEMY_DATABASE_URI'] = 'mysql+pymysql://root@localhost/db'\n", [("app.py", 1)]),
        ("client = 'mongodb+srv://cluster0.example.net'\n", [("app.py", 1)]),
        ("import psycopg2\npsycopg2.connect(host='db')\n", [("app.py", 2)]),
        ("from pymongo import MongoClient\nMongoClient()\n", [("app.py", 2)]),
        ("import os\nURL = os.environ['DATABASE_URL']\n", []),
        # Other datastores: nothing runs beside the app on Niblit (issue class 2).
        ("CACHE = 'redis://localhost:6379/0'\n", [("app.py", 1)]),
        ("import os\nBROKER = os.environ.get('CELERY_BROKER_URL', 'redis://localhost:6379')\n", [("app.py", 2)]),
        ("CELERY_BROKER = 'pyamqp://rabbit:pw@broker//'\n", [("app.py", 1)]),
        ("import redis\ncache = redis.Redis(host='redis', port=6379)\n", [("app.py", 2)]),
        ("from redis import Redis\nr = Redis.from_url(URL)\n", [("app.py", 2)]),
        ("import pika\nc = pika.BlockingConnection(params)\n", [("app.py", 2)]),
        ("from elasticsearch import Elasticsearch\nes = Elasticsearch(HOSTS)\n", [("app.py", 2)]),
        # Databases run as a cloud service (Google Cloud Datastore on its emulator, Firestore, Cosmos DB).
        ("from google.cloud import ndb\nclient = ndb.Client(project='blog', credentials=creds)\n", [("app.py", 2)]),
        ("from google.cloud import datastore\nds = datastore.Client()\n", [("app.py", 2)]),
        ("import google.cloud.firestore as fs\ndb = fs.Client()\n", [("app.py", 2)]),
        ("from azure.cosmos import CosmosClient\nc = CosmosClient(URL, KEY)\n", [("app.py", 2)]),
        ("from google.cloud import storage\nbucket = storage.Client().bucket('x')\n", []),
        ("import edgedb\nclient = edgedb.create_client()\n", [("app.py", 2)]),
        ("from pymemcache.client.base import Client\nmc = Client(('mc', 11211))\n", [("app.py", 2)]),
        # A scheme handed to a string method is not a connection.
        ("import os\nURI = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)\n", []),
        ("ok = url.startswith('redis://')\n", []),
        ("DOC = 'see the postgresql docs'\n", []),
        ("DB = 'sqlite:////data/app.db'\n", []),
    ],
)
def test_database_external(tmp_path, source, expected):
    assert lines_of(database_external, tmp_path, {"app.py": source}) == expected


def test_database_external_never_repeats_credentials(tmp_path):
    make_repo(tmp_path, {"app.py": "URI = 'postgresql://admin:hunter2@db/x'\n"})
    from deploy_check.project import Project

    finding = next(database_external.check_module(Project(str(tmp_path))))
    assert "hunter2" not in finding.message and "admin" not in finding.message


UPLOAD_HEAD = """import io
import os
from PIL import Image
from flask import request
def up():
    f = request.files['avatar']
"""
HELPER = """import os
from flask import request
DATA = 'data'
def store(path, data):
    image = parse(data)
    image.save(path)


"""


@pytest.mark.parametrize(
    "source, expected",
    [
        ("UPLOAD_FOLDER = '/data/uploads'\n", []),
        ("UPLOAD_FOLDER = '/data/uploads/images'\n", []),
        ("UPLOAD_FOLDER = 'uploads'\n", [("app.py", 1)]),
        ("import os\nUPLOAD_FOLDER = os.environ.get('UPLOAD_DIR', 'static/uploads')\n", [("app.py", 2)]),
        ("import os\nUPLOAD_FOLDER = os.environ.get('UPLOAD_DIR', '/data/uploads')\n", []),
        ("class TestConfig:\n    UPLOAD_FOLDER = 'tmp_uploads'\n", []),
        ("UPLOAD_FOLDER = 'static/uploads'\n", [("app.py", 1)]),
        ("import os\nUPLOAD_FOLDER = os.environ.get('UPLOAD_FOLDER', 'uploads')\n", [("app.py", 2)]),
        ("import os\nUPLOAD_FOLDER = os.path.join(os.path.dirname(__file__), 'uploads')\n", [("app.py", 2)]),
        ("app.config['UPLOAD_FOLDER'] = '/data/files'\n", [("app.py", 1)]),
        ("import os\nfrom flask import request\ndef up():\n    f = request.files['file']\n    f.save(os.path.join('uploads', f.filename))\n", [("app.py", 5)]),
        ("import os\nfrom flask import request\nUP = '/data/uploads'\ndef up():\n    request.files['file'].save(os.path.join(UP, name))\n", []),
        ("from flask import request\ndef up():\n    for f in request.files.getlist('x'):\n        f.save('static/' + f.filename)\n", [("app.py", 4)]),
        ("from flask import request\ndef up():\n    request.files.get('x').save(f'/tmp/{name}')\n", [("app.py", 3)]),
        ("def save_model(model):\n    model.save('model.bin')\n", []),
        ("from flask import request\ndef up():\n    request.files['x'].save(dest())\n", []),
        # A setting named like UPLOAD_FOLDER counts; other UPLOAD_ settings and local names do not.
        ("app.config['UPLOAD_FOLDER_image'] = 'static/img'\n", [("app.py", 1)]),
        ("AVATAR_UPLOAD_DIR = 'static/avatars'\n", [("app.py", 1)]),
        ("class GeneralConfig:\n    DIR_UPLOADS = 'app/static/img'\n", [("app.py", 2)]),
        ("MAX_UPLOAD_SIZE = 'big'\nUPLOAD_URL = 'uploads'\nupload_dir = 'uploads'\n", []),
        ("app.config.update(dict(\n    UPLOAD_FOLDER='static/files',\n))\n", [("app.py", 2)]),
        # An image opened from the upload, then saved.
        (UPLOAD_HEAD + "    img = Image.open(f)\n    img.thumbnail((9, 9))\n"
         "    img.save(os.path.join('static/avatars/', name))\n", [("app.py", 9)]),
        (UPLOAD_HEAD + "    small = Image.open(f).convert('RGB')\n    smaller = small.resize((9, 9))\n"
         "    smaller.save('thumbs/' + name)\n", [("app.py", 9)]),
        (UPLOAD_HEAD + "    img = Image.open(f)\n    buf = io.BytesIO()\n    img.save(buf, format='PNG')\n", []),
        (UPLOAD_HEAD + "    img = Image.open(f)\n    img.save(os.path.join('/data/uploads', name))\n", []),
        # The path in a local variable bound just before the save().
        (UPLOAD_HEAD + "    path = os.path.join('uploads', f.filename)\n    f.save(path)\n", [("app.py", 8)]),
        (UPLOAD_HEAD + "    path = os.path.join('/data/uploads', f.filename)\n    f.save(path)\n", []),
        (UPLOAD_HEAD + "    path = 'uploads/a'\n    path = other()\n    f.save(path)\n", []),
        # The upload handed to one of the module's own functions that saves to the path it is given.
        (HELPER + "def post():\n    target = os.path.join(DATA, 'x.jpg')\n    store(target, request.data)\n",
         [("app.py", 11)]),
        (HELPER + "def post():\n    store(os.path.join(DATA, 'x.jpg'), request.files['f'])\n", [("app.py", 10)]),
        (HELPER + "def post():\n    store(os.path.join('/data/uploads', 'x.jpg'), request.get_data())\n", []),
        (HELPER + "def job():\n    store(os.path.join(DATA, 'x.jpg'), make_report())\n", []),
        # A file whose .filename is read is an upload (a FileField's data handed to a helper).
        ("import os\nfrom PIL import Image\nfrom flask import current_app\ndef save_picture(form_picture):\n"
         "    _, ext = os.path.splitext(form_picture.filename)\n"
         "    path = os.path.join(current_app.root_path, 'static/profile_pics', 'x' + ext)\n"
         "    i = Image.open(form_picture)\n    i.save(path)\n", [("app.py", 8)]),
        ("def keep(record):\n    name = record.filename\n    record.save()\n", []),
    ],
)
def test_upload_path(tmp_path, source, expected):
    assert lines_of(upload_path, tmp_path, {"app.py": source}) == expected


@pytest.mark.skipif(__import__("sys").version_info >= (3, 12), reason="only an older Python cannot parse 3.12 syntax")
@pytest.mark.parametrize("source", ["type Point = tuple[int, int]\n", "def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
                                    "x = f\"{'a' + f'{1}'}\"\ny = f\"{\"nested\"}\"\n"])
def test_python_312_syntax_is_not_judged_by_an_older_python(tmp_path, source):
    assert lines_of(python_syntax, tmp_path, {"app.py": source}) == []


BROKEN_MODULE = '''import os
import sqlite3
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "s3cr3t-value-123"
UPLOAD_FOLDER = "uploads"


def get_db():
    conn = sqlite3.connect("x.db")
     return conn


def other():
    print "hello"
    return sqlite3.connect("y.db")
'''


@pytest.mark.parametrize(
    "module, expected",
    [
        # The case: one bad indentation; the rest is still read (and a Python 2 print).
        (database_path, [("db.py", 11), ("db.py", 17)]),
        (upload_path, [("db.py", 7)]),
        (python_syntax, [("db.py", 12)]),
    ],
)
def test_a_module_that_does_not_parse_is_still_analysed(tmp_path, module, expected):
    assert lines_of(module, tmp_path, {"db.py": BROKEN_MODULE}) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        # A broken block header keeps its body; a header left without one gets `pass`.
        ("import sqlite3\nif x = 1:\n    sqlite3.connect('a.db')\n", [("m.py", 3)]),
        ("import sqlite3\ntry:\n    sqlite3.connect('a.db')\nexcept IOError, e:\n    sqlite3.connect('b.db')\n",
         [("m.py", 3), ("m.py", 5)]),
        ("import sqlite3\ndef f():\nsqlite3.connect('a.db')\n", [("m.py", 3)]),
        # An unclosed bracket cannot be set aside line by line: python-syntax alone, as before.
        ("import sqlite3\nsqlite3.connect('a.db'\n", []),
    ],
)
def test_recovery_keeps_what_parses(tmp_path, source, expected):
    assert lines_of(database_path, tmp_path, {"m.py": source}) == expected


def test_a_recovered_app_py_is_not_judged_for_its_app(tmp_path):
    # The line set aside may be the one binding `app`: app-instance stays quiet, python-syntax speaks.
    files = {"app.py": "from flask import Flask\napp = Flask(__name__\nx = 1\n"}
    assert lines_of(app_instance, tmp_path, files) == []
    assert lines_of(python_syntax, tmp_path, files) == [("app.py", 2)]


@pytest.mark.parametrize(
    "files, module, expected",
    [
        # One level of the repository's own helpers, inside config classes (the todolist case).
        ({"config.py": "import os\nBASEDIR = os.path.abspath(os.path.dirname(__file__))\n\n"
                       "def create_sqlite_uri(db_name):\n    return 'sqlite:///' + os.path.join(BASEDIR, db_name)\n\n"
                       "class ProductionConfig:\n    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL') or "
                       "create_sqlite_uri('todolist.db')\n"
                       "class TestingConfig:\n    SQLALCHEMY_DATABASE_URI = create_sqlite_uri('t.db')\n"},
         database_path, [("config.py", 8, "warning")]),
        # %, .format, an SQLite URL kept on an object, and plain create_engine against the working directory.
        ({"db.py": "import sqlite3\nsqlite3.connect('%s.db' % 'app')\nsqlite3.connect('{}/{}'.format('data2', 'x.db'))\n"},
         database_path, [("db.py", 2, "error"), ("db.py", 3, "error")]),
        ({"db.py": "import os\nclass Handler:\n    def __init__(self):\n"
                   "        self.url = 'sqlite:///' + os.path.abspath(os.getcwd()) + '/database.db'\n"},
         database_path, [("db.py", 4, "error")]),
        # Values taken from app.config keys set once at module level.
        ({"app/__init__.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
                             "basedir = os.path.abspath(os.path.dirname(__file__))\n"
                             "app.config['DATA_FOLDER'] = os.path.join(basedir, 'data')\n"
                             "app.config['UPLOAD_FOLDER'] = os.path.join(app.config['DATA_FOLDER'], 'uploads')\n"},
         upload_path, [("app/__init__.py", 6, "error")]),
        ({"app.py": "import tempfile\nUPLOAD_FOLDER = tempfile.gettempdir()\n"}, upload_path, [("app.py", 2, "error")]),
        ({"app.py": "import os\nUPLOAD_FOLDER = '/data/uploads'\nDB = '%s/app.db' % '/data'\n"}, upload_path, []),
    ],
)
def test_paths_that_are_built(tmp_path, files, module, expected):
    make_repo(tmp_path, files)
    found = sorted((f.path, f.line, f.severity.value) for f in module.check_module(Project(str(tmp_path))))
    assert found == expected


def test_plain_create_engine_resolves_against_the_working_directory(tmp_path):
    make_repo(tmp_path, {"db.py": "from sqlalchemy import create_engine\nengine = create_engine('sqlite:///db.sqlite')\n",
                         "models.py": "SQLALCHEMY_DATABASE_URI = 'sqlite:///db.sqlite'\n"})
    messages = {f.path: f.message for f in database_path.check_module(Project(str(tmp_path)))}
    assert "'/app/db.sqlite'" in messages["db.py"] and "'/app/instance/db.sqlite'" in messages["models.py"]


@pytest.mark.parametrize(
    "files, wanted",
    [
        # A factory-only project: the hint names the module and factory that exist.
        ({"flaskr/__init__.py": "from flask import Flask\ndef create_app(test_config=None):\n    return Flask(__name__)\n"},
         "`from flaskr import create_app` and `app = create_app()`"),
        ({"project/server/__init__.py": "from flask import Flask\ndef create_app():\n    return Flask(__name__)\n"},
         "`from project.server import create_app` and `app = create_app()`"),
        ({"wsgi.py": "from src.app import create_app\napp = create_app()\n", "src/app.py": "def create_app(): ...\n"},
         "`from wsgi import app`"),
        ({"hello.txt": ""}, "`app = Flask(__name__)`"),
    ],
)
def test_app_missing_hint_names_what_exists(tmp_path, files, wanted):
    make_repo(tmp_path, files)
    (finding,) = app_missing.check(Project(str(tmp_path)))
    assert wanted in (finding.hint or "")


def test_app_instance_hint_calls_the_imported_factory(tmp_path):
    make_repo(tmp_path, {"app.py": "from flaskr import create_app\n", "flaskr/__init__.py": "def create_app(): ...\n"})
    (finding,) = app_instance.check(Project(str(tmp_path)))
    assert "`app = create_app()`" in (finding.hint or "") and "Flask(__name__)" not in (finding.hint or "")


MAIN = "from flask import Flask\napp = Flask(__name__)\n"


@pytest.mark.parametrize("files, expected", [
    # the served module's config set only in the guard, on its first such line
    ({"app.py": MAIN + 'if __name__ == "__main__":\n    app.run()\n    app.config["UPLOAD_FOLDER"] = "u"\n'},
     [("app.py", 5)]),
    ({"app.py": MAIN + "if '__main__' == __name__:\n    app.secret_key = 'k'\n"}, [("app.py", 4)]),
    ({"app.py": MAIN + 'if __name__ == "__main__" or __name__ == "main":\n    if True:\n        app.config.update(A=1)\n'},
     [("app.py", 5)]),
    # a module the served app imports (its __name__ is never "__main__" there either)
    ({"app.py": "from web import app\n", "web.py": MAIN + 'if __name__ == "__main__":\n    app.config["X"] = 1\n'},
     [("web.py", 4)]),
    # dev-only settings belong there; an else branch runs under gunicorn; a guard naming the module runs
    ({"app.py": MAIN + 'if __name__ == "__main__":\n    app.config["DEBUG"] = True\n    app.run(debug=True)\n'}, []),
    ({"app.py": MAIN + 'if __name__ == "__main__":\n    pass\nelse:\n    app.config["X"] = 1\n'}, []),
    ({"app.py": MAIN + 'if __name__ == "__main__" or __name__ == "app":\n    app.config["X"] = 1\n'}, []),
    # not the module-level app; a module the served app never imports
    ({"app.py": MAIN + 'if __name__ == "__main__":\n    other = Flask("o")\n    other.config["X"] = 1\n'}, []),
    ({"app.py": MAIN, "seed.py": MAIN + 'if __name__ == "__main__":\n    app.config["X"] = 1\n'}, []),
])
def test_app_config_main_only(tmp_path, files, expected):
    assert lines_of(app_config_main_only, tmp_path, files) == expected
