"""App code imports a third-party module that no requirement provides.

## Why it breaks on Niblit
Only what requirements.txt lists is installed in the image. A module you have
installed locally but never listed is missing there, and the app crashes on
start with `ModuleNotFoundError` (the spec's "Module not found").
The standard library, the repository's own modules, modules that the listed
distributions bring with them (`werkzeug` with Flask, `sqlalchemy` with
Flask-SQLAlchemy, Flask itself with any Flask extension such as
Flask-RESTPlus, and what those bring in turn) and the usual import-name/distribution-name gaps (`yaml` is
PyYAML, `PIL` is Pillow, `dotenv` is python-dotenv, ...) are understood.
Modules Python 3.12 removed (`distutils`, `imp`, `asyncore`, `asynchat`,
`smtpd`) are not the standard library on Niblit and are reported too.
Imports guarded by `try: ... except ImportError`, imports under
`if TYPE_CHECKING:` or under a test of a variable Niblit does not set
(`if os.environ.get("FLASK_COVERAGE"):`), and test files are not counted.
When unsure, it says nothing.

Only the modules the served app runs can fail it: the import graph is followed
from the entry (app.py, the Dockerfile's or Procfile's gunicorn target,
FLASK_APP, else wsgi.py/main.py/run.py), package-relative imports and
`from_object("config.Config")` included. An import in a module nothing reaches
(a seed or migration script, a one-off tool) is a notice: running that by
hand would fail, the app would not.

A module that the Dockerfile installs outside requirements.txt (`RUN pip install
-r requirements/prod.txt`) is reported all the same, and the message names that
line: Niblit installs only requirements.txt (dockerfile-pip-install).

## How to fix
Add the distribution to requirements.txt (the hint names it).
`--fix --unsafe-fixes` adds it, unpinned: the name is read from the import
(`sklearn` is scikit-learn), so check it and pin the version you use.

## Example
Bad: `app.py` has `import requests`; requirements.txt:

```text
flask==3.0.3
gunicorn==22.0.0
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
requests==2.32.3
```
"""
from __future__ import annotations

import sys
from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.fixing.requirements import add_fix
from deploy_check.parsing import imports
from deploy_check.parsing import pip_installs
from deploy_check.parsing import reachability
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("import-not-in-requirements", severity="warning", doc=__doc__, fix="unsafe")
# Niblit runs Python 3.12, which removed these (PEP 594, PEP 632): whatever Python runs
# deploy-check, they are not the standard library there.
REMOVED_IN_312 = {"distutils": "setuptools", "imp": None, "asynchat": "pyasynchat", "asyncore": "pyasyncore",
                  "smtpd": "aiosmtpd"}
_STDLIB = (frozenset(sys.stdlib_module_names) | {"__future__", "__main__"}) - set(REMOVED_IN_312)


def check(project: Project) -> Iterator[Finding]:
    parsed = requirements.parse(project)
    if parsed is None:
        return
    names = parsed.names()
    if any(r.name is None for r in parsed.requirements):
        # A URL or path requirement installs something we cannot name: stay quiet about unknowns.
        names = names | {"*"}
    provided = imports.provided_modules(names)
    local = imports.local_names(project)
    reported: set[tuple[str, str]] = set()
    served = reachability.reachable(project)
    for site in imports.required_imports(project):
        module = site.module
        if module in _STDLIB or module in local or module in provided or (site.path, module) in reported:
            continue
        dist = REMOVED_IN_312.get(module) or imports.distribution_for(module)
        if dist in names or "*" in names:
            continue
        reported.add((site.path, module))
        if served is not None and site.path not in served:
            yield RULE.finding(
                f"{site.path} imports {module!r}, which no requirement provides; nothing the served app runs "
                "imports this module, so only running it by hand would fail",
                Location(site.path, site.line, site.column), severity=Severity.NOTICE,
                hint=f"add `{dist}` to requirements.txt if the app needs this module on Niblit",
            )
            continue
        install = pip_installs.installed_by(project, module, dist)
        if install is not None:  # dockerfile-pip-install's safe fix adds it
            yield RULE.finding(
                f"imports {module!r}, installed by {install.instruction.path} line {install.instruction.line}, but "
                f"Niblit installs only requirements.txt: the app would fail with ModuleNotFoundError",
                Location(site.path, site.line, site.column),
                hint=f"add `{dist}` to requirements.txt",
            )
            continue
        if module in REMOVED_IN_312:
            yield RULE.finding(
                f"imports {module!r}, which Python 3.12 (Niblit's) no longer has",
                Location(site.path, site.line, site.column),
                hint=f"add `{dist}` to requirements.txt" if REMOVED_IN_312[module] else "use importlib instead of imp",
                fix=_fix(project, dist, module) if REMOVED_IN_312[module] else None,
            )
            continue
        yield RULE.finding(
            f"imports {module!r}, which no requirement provides: the app would fail with ModuleNotFoundError",
            Location(site.path, site.line, site.column),
            hint=f"add `{dist}` to requirements.txt",
            fix=_fix(project, dist, module),
        )


def _fix(project: Project, dist: str, module: str) -> Fix | None:
    # Unsafe: the distribution is a guess from the import name, and it lands unpinned.
    return add_fix(project, dist, safe=False, why=f" (for `import {module}`; pin the version you use)")
