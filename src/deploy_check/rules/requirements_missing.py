"""No requirements.txt at the root of the repository.

## Why it breaks on Niblit
The template runs `COPY requirements.txt .` and `pip install -r requirements.txt`
before anything else: without the file the build stops at once ("Missing
requirements.txt"). A `Pipfile`, `pyproject.toml` or `requirements/` folder is
not read.

## How to fix
Add `requirements.txt` at the root with at least `flask` and `gunicorn`, plus
everything else the app imports (`pip freeze > requirements.txt` in a clean
virtualenv, or write it by hand). `--fix` writes it from the dependencies the
project declares elsewhere (pyproject's `[project].dependencies`, Poetry's
dependencies, a Pipfile's `[packages]`, or `setup.py`'s `install_requires`,
read without running it), and from what the Dockerfile pip-installs
(`RUN pip install -r requirements/prod.txt`, `pip install flask requests`: Niblit's
template installs only requirements.txt), adding `flask` and `gunicorn` when they
are not among them; git and path dependencies are left for you to add.

## Example
Bad: only `Pipfile` at the root.

Good: `requirements.txt`:

```text
flask==3.0.3
gunicorn==22.0.0
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.requirements import create_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-missing", severity="error", doc=__doc__, fix="safe")
_LOOKALIKES = ("Requirements.txt", "requirements.in", "requirements/base.txt", "requirements/prod.txt",
               "requirements/production.txt", "Pipfile", "pyproject.toml", "setup.py")


def check(project: Project) -> Iterator[Finding]:
    if project.has("requirements.txt"):
        return
    present = [name for name in _LOOKALIKES if project.has(name)]
    hint = "add requirements.txt at the root with flask, gunicorn and every package the app imports"
    if present:
        hint = f"Niblit reads only requirements.txt: write one from {present[0]!r} (with flask and gunicorn)"
    yield RULE.finding(
        "no requirements.txt at the root: the template's `pip install -r requirements.txt` fails",
        Location("requirements.txt"),
        hint=hint,
        fix=create_fix(project),
    )
