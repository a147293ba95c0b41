"""The Niblit apps in a repository, for `--list-apps` and the action's list-apps mode.

An app is a folder holding a Dockerfile, requirements.txt or app.py that looks
like a Flask app: app.py imports flask, requirements.txt requires Flask, or the
Dockerfile runs gunicorn. The folders the upload walk never enters (venvs,
node_modules, .git, ...) are not searched, nor test code (tests/, test/) and
fixture folders: their apps are samples, not something to deploy. The list is
what a GitHub Actions matrix takes: `{"path": ..., "name": ...}` per app,
sorted by path, each name distinct and valid as an artifact name.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re

from deploy_check.parsing.imports import is_test_code
from deploy_check.parsing.requirements import RequirementLine
from deploy_check.parsing.requirements import logical_lines
from deploy_check.parsing.requirements import parse_line
from deploy_check.project import Project

MARKERS = ("Dockerfile", "requirements.txt", "app.py")
# Folders of samples and fixtures besides tests/ and test/ (parsing.imports.is_test_code).
FIXTURE_DIRS = frozenset({"fixtures", "testdata", "test-data", "__fixtures__"})
# At most this many apps are listed: a GitHub Actions matrix takes 256 jobs.
MAX_APPS = 256
# Characters an artifact name may not hold (actions/toolkit's artifact name check), and `/`.
_NOT_IN_NAME = re.compile(r'[":<>|*?\r\n\\/\x00-\x1f]+')
_GUNICORN = re.compile(rb"\bgunicorn\b")
_IMPORTS_FLASK = re.compile(r"^[ \t]*(?:from[ \t]+flask(?:\.\w+)*[ \t]+import\b|import[ \t]+flask\b)", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class App:
    """One app: its folder relative to the searched root ("." for the root itself) and a matrix name."""

    path: str
    name: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "name": self.name}


def find_apps(project: Project, root_name: str | None = None) -> list[App]:
    """Every Niblit app in `project`, sorted by path. The root's app is named `root_name`
    (default: the root folder's name)."""
    folders: dict[str, set[str]] = {}
    for entry in project.files:
        folder, _, name = entry.path.rpartition("/")
        if name in MARKERS and not entry.symlink:
            folders.setdefault(folder, set()).add(name)
    found = [folder for folder in sorted(folders) if not _is_fixture(folder) and _looks_like_flask(project, folder)]
    return _named(found, root_name or os.path.basename(project.root) or "app")


def _is_fixture(folder: str) -> bool:
    parts = folder.split("/") if folder else []
    return is_test_code(folder + "/app.py") or any(part in FIXTURE_DIRS for part in parts)


def _looks_like_flask(project: Project, folder: str) -> bool:
    prefix = folder + "/" if folder else ""
    return (_imports_flask(project, prefix + "app.py")
            or _requires_flask(project, prefix + "requirements.txt")
            or _runs_gunicorn(project, prefix + "Dockerfile"))


def _imports_flask(project: Project, path: str) -> bool:
    # The text, not the AST: an app.py that does not parse yet is still an app (python-syntax says why).
    text = project.read_text(path) if project.has(path) else None
    return text is not None and _IMPORTS_FLASK.search(text) is not None


def _requires_flask(project: Project, path: str) -> bool:
    text = project.read_text(path) if project.has(path) else None
    if text is None:
        return False
    for number, line in logical_lines(text):
        parsed = parse_line(path, number, line)
        if isinstance(parsed, RequirementLine) and parsed.name == "flask":
            return True
    return False


def _runs_gunicorn(project: Project, path: str) -> bool:
    data = project.read_bytes(path) if project.has(path) else None
    return data is not None and _GUNICORN.search(data) is not None


def _named(folders: list[str], root_name: str) -> list[App]:
    """A name per folder: its path with `/` as `-` (the root: the root folder's name), made unique."""
    apps: list[App] = []
    taken: set[str] = set()
    for folder in folders:
        base = _NOT_IN_NAME.sub("_", folder.replace("/", "-") if folder else root_name).strip(" .") or "app"
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(name)
        apps.append(App(folder or ".", name))
    return apps


def for_matrix(apps: list[App]) -> tuple[str, str | None]:
    """One line of JSON, as `fromJSON` in a workflow takes it (at most MAX_APPS apps), and a
    one-line warning when some were left out."""
    listing = json.dumps([app.to_dict() for app in apps[:MAX_APPS]], ensure_ascii=False, separators=(",", ":"))
    warning = None
    if len(apps) > MAX_APPS:
        warning = (f"only the first {MAX_APPS} of {len(apps)} apps are listed (a matrix takes at most {MAX_APPS} "
                   "jobs): split the repository's folders over several list-apps steps")
    return listing, warning
