"""Which framework a module belongs to, and whether the served Flask app loads it."""
from __future__ import annotations

import pytest

from deploy_check.parsing import frameworks
from deploy_check.project import Project
from tests.rules.helpers import make_repo

APP = "from flask import Flask\napp = Flask(__name__)\n"


@pytest.mark.parametrize(
    "files, path, expected",
    [
        ({"s/settings.py": "INSTALLED_APPS = ['x']\n"}, "s/settings.py", "Django"),
        ({"s/settings.py": "ROOT_URLCONF = 'mysite.urls'\n"}, "s/settings.py", "Django"),
        ({"s/urls.py": "from django.urls import path\n"}, "s/urls.py", "Django"),
        ({"s/wsgi.py": "import django\n"}, "s/wsgi.py", "Django"),
        ({"manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n"},
         "manage.py", "Django"),
        # named as the settings by manage.py: Django's even without a marker of its own
        ({"manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings.prod')\n",
          "site/settings/prod.py": "from .base import *\nDEBUG = False\n"}, "site/settings/prod.py", "Django"),
        # ... also from a manage.py in a subfolder, against its own folder
        ({"backend/manage.py": "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'conf.settings'\n",
          "backend/conf/settings.py": "DEBUG = True\n"}, "backend/conf/settings.py", "Django"),
        # Flask's own config, a comment that says "django", a string that mentions it: not Django
        ({"config.py": "class Config:\n    DEBUG = True\n"}, "config.py", None),
        ({"config.py": "# ported from django\nDEBUG = True\n"}, "config.py", None),
        ({"config.py": "NAME = 'django.db.backends.sqlite3'\n"}, "config.py", None),
        ({"views.py": "from flask import Blueprint\nfrom django.utils.text import slugify\n"}, "views.py", None),
        ({"views.py": "import flask\nimport django.conf\nINSTALLED_APPS = []\n"}, "views.py", "Django"),
    ],
)
def test_framework_of(tmp_path, files, path, expected):
    make_repo(tmp_path, {"app.py": APP, **files})
    assert frameworks.framework_of(Project(str(tmp_path)), path) == expected


@pytest.mark.parametrize(
    "app, expected",
    [
        (APP, "Django"),  # the served app never imports it
        (APP + "from mysite import settings\n", None),  # it does: its settings are the app's
        (APP + "app.config.from_object('mysite.settings')\n", None),
    ],
)
def test_foreign_only_when_the_served_app_never_imports_it(tmp_path, app, expected):
    make_repo(tmp_path, {"app.py": app, "mysite/__init__.py": "", "mysite/settings.py": "INSTALLED_APPS = []\n"})
    assert frameworks.foreign(Project(str(tmp_path)), "mysite/settings.py") == expected
