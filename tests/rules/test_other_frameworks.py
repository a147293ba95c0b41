"""Another framework's files in a Flask repository (a stray Django project): named as what
they are, and not taken for the Flask app's settings unless the served app imports them."""
from __future__ import annotations

import pytest

from deploy_check import engine
from deploy_check.project import Project
from deploy_check.rules import hardcoded_secret
from tests.rules.helpers import make_repo

APP = "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
SETTINGS = """\
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = "django-insecure-0a9s8d7f6g5h4j3k2l1q"
DEBUG = True
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.staticfiles"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(BASE_DIR, "db.sqlite3"),
    }
}
STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
UPLOAD_FOLDER = "uploads"
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://localhost/site")
SQLITE_PATH = "db.sqlite3"
"""
MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
# What the settings would produce, were they the Flask app's (the rule and the line).
AS_THE_APPS = [("debug-enabled", 5), ("upload-path", 14), ("upload-path", 15),
               ("database-external", 16), ("database-path", 17)]


def _findings(tmp_path, files):
    make_repo(tmp_path, {"requirements.txt": "flask\ngunicorn\n", **files})
    return list(engine.lint(Project(str(tmp_path))))


def _at(findings, path):
    return sorted((f.rule, f.line) for f in findings if f.path == path)


@pytest.mark.parametrize(
    "files",
    [
        {"app.py": APP, "mysite/__init__.py": "", "mysite/settings.py": SETTINGS},
        {"app.py": APP, "mysite/__init__.py": "", "mysite/settings.py": SETTINGS, "manage.py": MANAGE},
        # settings split in two: the one manage.py names has no INSTALLED_APPS of its own
        {"app.py": APP, "mysite/__init__.py": "", "manage.py": MANAGE,
         "mysite/settings.py": SETTINGS.replace("INSTALLED_APPS", "OTHER").replace("\n\n", "\nfrom .base import *\n", 1)},
    ],
)
def test_stray_django_settings_are_not_the_flask_apps(tmp_path, files):
    found = _at(_findings(tmp_path, files), "mysite/settings.py")
    # only the secret remains: it ships in the zip whoever reads it
    assert found == [("hardcoded-secret", 4)]


@pytest.mark.parametrize("importer", ["from mysite import settings\n", "app.config.from_object('mysite.settings')\n"])
def test_settings_the_served_app_imports_are_its_own(tmp_path, importer):
    files = {"app.py": APP + importer, "mysite/__init__.py": "", "mysite/settings.py": SETTINGS}
    found = _at(_findings(tmp_path, files), "mysite/settings.py")
    assert found == sorted([("hardcoded-secret", 4), *AS_THE_APPS])


def test_the_same_settings_in_flask_code_are_reported(tmp_path):
    flask_config = SETTINGS.replace("INSTALLED_APPS", "EXTENSIONS")
    files = {"app.py": APP + "app.config.from_object('config')\n", "config.py": flask_config}
    assert _at(_findings(tmp_path, files), "config.py") == sorted([("hardcoded-secret", 4), *AS_THE_APPS])


def test_a_django_secret_key_is_named_django_and_gets_no_flask_fix(tmp_path):
    files = {"app.py": APP, "mysite/__init__.py": "", "mysite/settings.py": SETTINGS}
    [finding] = [f for f in _findings(tmp_path, files) if f.rule == hardcoded_secret.RULE.id]
    assert finding.message.startswith("Django SECRET_KEY literal")
    assert "Flask" not in finding.message
    assert "/data" not in (finding.hint or "")
    # the fix offered is the environment read (unsafe), never the key kept in /data
    assert finding.fix is not None and not finding.fix.safe
    assert all("persistent_secret_key" not in edit.content for edit in finding.fix.edits)


def test_a_flask_secret_key_keeps_its_name_and_its_fix(tmp_path):
    files = {"app.py": APP + 'app.config["SECRET_KEY"] = "dev-key-123"\n'}
    [finding] = [f for f in _findings(tmp_path, files) if f.rule == hardcoded_secret.RULE.id]
    assert finding.message.startswith("Flask SECRET_KEY literal")
    assert finding.fix is not None and finding.fix.safe


@pytest.mark.parametrize(
    "line",
    [
        'URI = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)\n',
        'URI = os.environ.get("DATABASE_URL", "sqlite:////data/app.db").replace("postgres://", "postgresql://")\n',
        'IS_PG = os.environ["DATABASE_URL"].startswith("postgresql://")\n',
    ],
)
def test_a_scheme_handed_to_a_string_method_is_not_a_database_url(tmp_path, line):
    files = {"app.py": APP + line}
    found = _at(_findings(tmp_path, files), "app.py")
    # os.environ["DATABASE_URL"] at import is a KeyError on Niblit (env-required), not a database URL.
    assert [rule for rule, _ in found if rule != "env-required"] == []
    assert found == ([("env-required", 4)] if 'environ["' in line else [])


def test_a_class_the_app_loads_by_name_is_not_a_stray_django_modules_namesake(tmp_path):
    django = "INSTALLED_APPS = []\nclass DevelopmentConfig:\n    DEBUG = True\n"
    flask = "class DevelopmentConfig:\n    DEBUG = True\n"
    files = {"app.py": APP + "app.config.from_object('config.DevelopmentConfig')\n", "config.py": flask,
             "mysite/__init__.py": "", "mysite/settings.py": django}
    found = [(f.rule, f.path, f.line) for f in _findings(tmp_path, files) if f.rule == "debug-enabled"]
    assert found == [("debug-enabled", "config.py", 2)]
