"""requirements.txt does not require gunicorn.

## Why it breaks on Niblit
The template starts the app with `gunicorn`; without it the container fails with "gunicorn: executable file not found" ("gunicorn not found").
Names are compared as pip compares them (`Gunicorn`, `gunicorn[extra]==1.0` and
requirements pulled in with `-r other.txt` all count); a requirement whose
environment marker excludes Linux (`; sys_platform == "win32"`) does not.

A gunicorn older than 21 (`gunicorn==20.0.4`) is also an error: it imports
`pkg_resources` at start, which comes with setuptools, and python:3.12-slim
has no setuptools, so every worker fails with `ModuleNotFoundError: No module
named 'pkg_resources'`. Requiring `setuptools` too avoids it.

## How to fix
Add `gunicorn` to requirements.txt (pinning a version is good practice); for
an old pin, require `gunicorn>=21` (or add `setuptools`).

## Example
Bad:

```text
requests==2.32.3
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
requests==2.32.3
```
"""
from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.version import InvalidVersion
from packaging.version import Version

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.requirements import add_fix
from deploy_check.parsing import pip_installs
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-gunicorn", severity="error", doc=__doc__, fix="safe")
# The first gunicorn that no longer imports pkg_resources (20.1.0 does, 21.0.0 does not),
# and releases from then on that a specifier may still admit.
_NO_PKG_RESOURCES = Version("21.0.0")
_LATER_RELEASES = ("21.0.0", "21.2.0", "22.0.0", "23.0.0", "24.0.0", "25.0.0")


def check(project: Project) -> Iterator[Finding]:
    problem = requirements.required_package_problem(project, "gunicorn")
    if problem is None:
        yield from _needs_pkg_resources(project)
        return
    message, line = problem
    message += pip_installs.mention(project, "gunicorn")
    where = Location(line.path, line.line) if line else Location(requirements.ROOT_FILE)
    # Under a marker that excludes Niblit: which marker was meant needs a human.
    fix = add_fix(project, "gunicorn") if line is None else None
    yield RULE.finding(message, where, hint="add `gunicorn` to requirements.txt", fix=fix)


def _needs_pkg_resources(project: Project) -> Iterator[Finding]:
    parsed = requirements.parse(project)
    if parsed is None or any(line.applies for line in parsed.find("setuptools")):
        return
    for line in parsed.find("gunicorn"):
        if line.applies and _only_before_21(line.text):
            yield RULE.finding(f"`{line.text.strip()}` is a gunicorn older than 21, which imports pkg_resources: "
                               f"{spec.BASE_IMAGE} has no setuptools, so the workers fail to boot",
                               Location(line.path, line.line), hint="require `gunicorn>=21` (or add `setuptools`)")


def _only_before_21(text: str) -> bool:
    """Whether the requirement admits no gunicorn from 21 on (`gunicorn==20.0.4`, `gunicorn<21`)."""
    try:
        specifier = Requirement(text.split(";")[0].strip()).specifier
    except InvalidRequirement:
        return False
    if not str(specifier):
        return False
    candidates = list(_LATER_RELEASES)
    for item in specifier:
        candidates.append(item.version.rstrip(".*"))
    for candidate in candidates:
        try:
            version = Version(candidate)
        except InvalidVersion:
            continue
        if version >= _NO_PKG_RESOURCES and specifier.contains(version, prereleases=True):
            return False
    return True
