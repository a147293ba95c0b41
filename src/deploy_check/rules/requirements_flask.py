"""requirements.txt does not require flask.

## Why it breaks on Niblit
Flask is the framework the spec is for: without it `import flask` in app.py fails and the app crashes on start.
Names are compared as pip compares them (`Flask`, `flask[extra]==1.0` and
requirements pulled in with `-r other.txt` all count); a requirement whose
environment marker excludes Linux (`; sys_platform == "win32"`) does not.

An old Flask pin whose own dependencies are left unpinned is also an error:
pip installs today's Werkzeug, Jinja2, itsdangerous and MarkupSafe beside it,
and old Flask fails to import with them. `Flask==1.1.2` alone gets Werkzeug 3
and Jinja2 3.1 (`ImportError: cannot import name 'escape' from 'jinja2'`);
even Flask 1.1.4, which bounds Werkzeug, Jinja2, itsdangerous and click itself,
gets MarkupSafe 3, which Jinja2 2.x cannot import (`soft_unicode`). Flask
2.0 and 2.1 fail with Werkzeug 3 (`cannot import name 'url_quote' from
'werkzeug.urls'`). The bounds are Flask's own (Flask 1.1.3's changelog: "Set
maximum versions of Werkzeug, Jinja, Click, and ItsDangerous"; 1.1.4's
metadata: `Werkzeug<2.0`, `Jinja2<3.0`, `itsdangerous<2.0`, `click<8.0`),
plus `MarkupSafe<2.1` for Jinja2 2.x, and `Werkzeug<3.0` for Flask 2.0-2.1.

## How to fix
Add `flask` to requirements.txt (pinning a version is good practice). For an
old Flask, pin its dependencies' upper bounds beside it (the safe fix adds
them), or move to Flask 3.

```text
Flask==1.1.2
Werkzeug<2.0
Jinja2<3.0
itsdangerous<2.0
click<8.0
MarkupSafe<2.1
```

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
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion
from packaging.version import Version

from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.fixing.requirements import add_fix
from deploy_check.fixing.text import append_lines
from deploy_check.parsing import pip_installs
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-flask", severity="error", doc=__doc__, fix="safe")

# Each Flask series that fails to import beside today's releases of its dependencies: the
# first release past it, and the upper bounds it needs (verified by importing and serving a
# request in a venv, Python 3.11, on 2026-12-01: Flask 0.12.5, 1.0.4, 1.1.2 and 1.1.4 fail
# unbounded and pass with these; 2.0.3 and 2.1.3 fail unbounded and pass with Werkzeug<3.0;
# 2.2.5 serves with Werkzeug 3, only its test client breaks).
_OLD_FLASK: tuple[tuple[Version, tuple[str, ...]], ...] = (
    (Version("2.0"), ("Werkzeug<2.0", "Jinja2<3.0", "itsdangerous<2.0", "click<8.0", "MarkupSafe<2.1")),
    (Version("2.2"), ("Werkzeug<3.0",)),
)
# Flask requires click from 0.11 on (0.10.1's metadata names Werkzeug, Jinja2 and itsdangerous only).
_CLICK_SINCE = Version("0.11")
# The last release of each Flask series: pip takes the newest one a specifier admits.
_RELEASES = ("0.12.5", "1.0.4", "1.1.4", "2.0.3", "2.1.3", "2.2.5", "2.3.3", "3.0.3", "3.1.0")


def check(project: Project) -> Iterator[Finding]:
    problem = requirements.required_package_problem(project, "flask")
    if problem is None:
        yield from _old_flask_unbounded(project)
        return
    message, line = problem
    message += pip_installs.mention(project, "flask")
    where = Location(line.path, line.line) if line else Location(requirements.ROOT_FILE)
    # Under a marker that excludes Niblit: which marker was meant needs a human.
    fix = add_fix(project, "flask") if line is None else None
    yield RULE.finding(message, where, hint="add `flask` to requirements.txt", fix=fix)


def _old_flask_unbounded(project: Project) -> Iterator[Finding]:
    parsed = requirements.parse(project)
    if parsed is None:
        return
    for line in parsed.find("flask"):
        newest = _newest_admitted(line.text) if line.applies else None
        if newest is None:
            continue
        bounds = [bound for bound in next((needed for before, needed in _OLD_FLASK if newest < before), ())
                  if newest >= _CLICK_SINCE or not bound.startswith("click")]
        missing = [bound for bound in bounds if not _bounded(parsed, bound)]
        if not missing:
            continue
        loose = [bound for bound in missing if any(r.applies for r in parsed.find(Requirement(bound).name))]
        added = [bound for bound in missing if bound not in loose]
        text = requirements.read_as_pip_does(project, requirements.ROOT_FILE)
        fix = (Fix(True, (append_lines(requirements.ROOT_FILE, text, added),),
                   f"pin {', '.join(added)} in requirements.txt for Flask {newest}")
               if added and text is not None else None)
        by_hand = f"; narrow your own requirement to {', '.join(loose)}" if loose else ""
        names = ", ".join(Requirement(bound).name for bound in missing)
        yield RULE.finding(
            f"`{line.text.strip()}` (Flask {newest}) fails to import beside today's {names}, which "
            f"requirements.txt leaves unbounded: pip installs the newest",
            Location(line.path, line.line), hint=f"require {', '.join(missing)} beside it{by_hand}, or move to Flask 3",
            fix=fix)


def _specifier(text: str) -> SpecifierSet | None:
    try:
        return Requirement(text.split(";")[0].split(" #")[0].strip()).specifier
    except InvalidRequirement:
        return None


def _newest_admitted(text: str) -> Version | None:
    """The newest Flask pip would pick for this requirement (None when it is unpinned)."""
    specifier = _specifier(text)
    if specifier is None or not str(specifier):
        return None
    candidates: list[Version] = []
    for raw in [*_RELEASES, *(item.version.rstrip(".*") for item in specifier)]:
        try:
            candidates.append(Version(raw))
        except InvalidVersion:
            continue
    admitted = [version for version in candidates if specifier.contains(version, prereleases=True)]
    return max(admitted) if admitted else None


def _bounded(parsed: requirements.Requirements, bound: str) -> bool:
    """Whether the requirements keep the package below the bound (`Werkzeug==1.0.1` for `Werkzeug<2.0`)."""
    wanted = Requirement(bound)
    limit = Version(next(iter(wanted.specifier)).version)
    for line in parsed.find(wanted.name):
        specifier = _specifier(line.text) if line.applies else None
        if specifier is None or not str(specifier):
            continue
        probes = [limit, *(Version(v) for v in ("99", "999")),
                  *(_version(item.version) for item in specifier)]
        if not any(p is not None and p >= limit and specifier.contains(p, prereleases=True) for p in probes):
            return True
    return False


def _version(raw: str) -> Version | None:
    try:
        return Version(raw.rstrip(".*"))
    except InvalidVersion:
        return None
