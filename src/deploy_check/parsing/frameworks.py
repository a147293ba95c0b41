"""Which web framework a Python module belongs to, when it is not Flask's: a stray Django
project's settings are not the Flask app's configuration.

A module is Django's when it says so itself (a module-level `INSTALLED_APPS` or
`ROOT_URLCONF`, an import of `django` in a module that imports no `flask`, the
`DJANGO_SETTINGS_MODULE` variable) or when
another module names it as the settings (`os.environ.setdefault("DJANGO_SETTINGS_MODULE",
"mysite.settings")`). Such settings (`SECRET_KEY`, `DEBUG`, `MEDIA_ROOT`, `DATABASES`)
configure Django, which Niblit never runs: they are the Flask app's only when the served
app imports the module (`reachability`).
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator

from deploy_check.parsing import python
from deploy_check.parsing.reachability import is_served
from deploy_check.project import ParsedPython
from deploy_check.project import Project

DJANGO = "Django"
# Settings only Django reads: one of them bound at module level makes a Django settings module.
_DJANGO_SETTINGS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "WSGI_APPLICATION"})
_SETTINGS_MODULE = "DJANGO_SETTINGS_MODULE"
# `"DJANGO_SETTINGS_MODULE", "mysite.settings"`, `environ["DJANGO_SETTINGS_MODULE"] = "..."`,
# `DJANGO_SETTINGS_MODULE=mysite.settings`
_NAMED = re.compile(r"DJANGO_SETTINGS_MODULE['\"]?\]?\s*[,=:]\s*['\"]?(?P<module>[A-Za-z_][\w.]*)")
# A bound on the names read from hostile files: more than any project has.
_MAX_NAMED = 100


def framework_of(project: Project, path: str) -> str | None:
    """"Django" for a module of a Django project; None for any other (Flask's, or unknown)."""
    def compute() -> str | None:
        if path in _named_settings(project):
            return DJANGO
        text = project.read_text(path) or ""
        if "django" not in text.lower() and not any(name in text for name in _DJANGO_SETTINGS):
            return None
        parsed = project.python(path)
        if parsed.tree is None:
            return None
        return DJANGO if _says_django(project, parsed) else None

    return project.memo(("framework", path), compute)


def foreign(project: Project, path: str) -> str | None:
    """The other framework whose module this is, when the served Flask app never imports
    it: its settings are not the app's (None when they may be)."""
    framework = framework_of(project, path)
    if framework is None or is_served(project, path):
        return None
    return framework


def app_modules(project: Project) -> Iterator[ParsedPython]:
    """The deployed modules whose settings and paths can be the Flask app's: all but those
    of another framework that the served app never imports."""
    for module in python.deployed_modules(project):
        if foreign(project, module.path) is None:
            yield module


def _says_django(project: Project, parsed: ParsedPython) -> bool:
    assert parsed.tree is not None
    for statement in python.module_level(parsed.tree.body):
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in _DJANGO_SETTINGS for t in targets):
            return True
    imported: set[str] = set()
    for node in python.nodes_of(project, parsed, ast.Import, ast.ImportFrom, ast.Constant):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and node.value == _SETTINGS_MODULE:
            return True
    # A Flask module borrowing a Django helper (`from django.utils.text import slugify`) is Flask's.
    return "django" in imported and "flask" not in imported


def _named_settings(project: Project) -> frozenset[str]:
    """Paths of the modules that DJANGO_SETTINGS_MODULE names anywhere in the Python code."""
    def compute() -> frozenset[str]:
        named: set[tuple[str, str]] = set()  # (the naming module's folder, dotted name)
        for path in project.python_files():
            text = project.read_text(path) or ""
            if _SETTINGS_MODULE not in text:
                continue
            for match in _NAMED.finditer(text):
                if len(named) >= _MAX_NAMED:
                    break
                named.add((posixpath.dirname(path), match.group("module")))
        found: set[str] = set()
        for folder, dotted in named:
            # manage.py's folder is Django's working directory; the root is gunicorn's
            for base in {"", folder}:
                for suffix in (".py", "/__init__.py"):
                    candidate = posixpath.join(base, dotted.replace(".", "/") + suffix)
                    if project.has(candidate):
                        found.add(candidate)
        return frozenset(found)

    return project.memo("framework.django-settings", compute)
