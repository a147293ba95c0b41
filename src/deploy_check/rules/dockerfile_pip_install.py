"""The Dockerfile pip-installs packages that requirements.txt does not list.

## Why it breaks on Niblit
Niblit builds the spec's template, whose only install is
`pip install --no-cache-dir -r requirements.txt`. Packages your Dockerfile installs
another way (`RUN pip install -r requirements/prod.txt`, `RUN pip install gevent`) are
installed in your image but not in Niblit's: the app fails with ModuleNotFoundError,
or gunicorn cannot load its worker class.

Read from the Dockerfile's RUN lines (or, without ./Dockerfile, those of the file
standing in for it: see dockerfile-missing): `pip`, `pip3`, `python -m pip`, each
`-r FILE` found in the repository through the Dockerfile's COPY, WORKDIR, ARG and
ENV lines. Packages requirements.txt's `-r` chain already requires are fine, and so
are pip's own tools (pip, setuptools, wheel); flask and gunicorn are reported by
requirements-flask and requirements-gunicorn, whose message then names the
Dockerfile line. import-not-in-requirements names the line too, for an import that
such a package provides.

## Severity
An error when the app needs the package as far as deploy-check sees: the served
app imports a module it provides, or the CMD/ENTRYPOINT names it (`-k gevent`). A
warning otherwise: it is missing on Niblit all the same, but nothing shows that the
app would notice (`pip install future` for code that no longer imports it).

## How to fix
List the packages in requirements.txt. `--fix` appends them, as the Dockerfile or its
requirements file writes them (pins and markers kept, `--hash` options left out),
under a comment naming the Dockerfile line.

## Example
Bad: the Dockerfile has

```dockerfile
RUN pip install -r requirements.txt && pip install -r requirements/prod.txt
```

and requirements/prod.txt lists `psutil==5.9.8`, which requirements.txt does not.

Good: requirements.txt itself lists it:

```text
flask==3.0.3
gunicorn==22.0.0
psutil==5.9.8
```
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.fixing.requirements import add_lines_fix
from deploy_check.parsing import dockerfile
from deploy_check.parsing import imports
from deploy_check.parsing import pip_installs
from deploy_check.parsing import reachability
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-pip-install", severity="error", doc=__doc__, fix="safe")


def check(project: Project) -> Iterator[Finding]:
    found = pip_installs.outside(project)
    if not found:
        return
    served = _served_imports(project)
    commands = _command_words(project)
    for install, packages in found:
        instruction = install.instruction
        names = [package.name for package in packages]
        needed = [name for name in names if name in commands or served & _modules(name)]
        shown = _shown(names)
        files = ", ".join(sorted({p.source for p in packages if p.source != instruction.path}))
        origin = f" (from {files})" if files else ""
        them = "it" if len(names) == 1 else "them"
        why = (f"; the app needs {_shown(needed)}" if needed else
               f"; nothing the served app imports needs {them}, as far as deploy-check sees")
        lines = [f"# installed by {instruction.path} line {instruction.line}", *(p.text for p in packages)]
        yield RULE.finding(
            f"this pip install adds {shown}{origin} beside requirements.txt: Niblit's template installs only "
            f"{requirements.ROOT_FILE}, so {them} will be missing there{why}",
            instruction.location(project.line(instruction.path, instruction.line), packages[0].token),
            severity=None if needed else Severity.WARNING,
            hint=f"add {them} to {requirements.ROOT_FILE} (`deploy-check --fix` does)",
            fix=add_lines_fix(project, lines, f"add {shown} to {requirements.ROOT_FILE} (installed by "
                                              f"{instruction.path} line {instruction.line})"),
        )


def _shown(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


def _modules(name: str) -> set[str]:
    return imports.provided_modules({name})


def _served_imports(project: Project) -> set[str]:
    return {site.module for site in imports.required_imports(project) if reachability.is_served(project, site.path)}


def _command_words(project: Project) -> set[str]:
    """The names a CMD/ENTRYPOINT mentions (`-k gevent`, `uvicorn.workers.UvicornWorker`)."""
    parsed = dockerfile.deciding(project)
    words: set[str] = set()
    for instruction in (parsed.of("CMD") + parsed.of("ENTRYPOINT")) if parsed is not None else []:
        for word in dockerfile.command_words(instruction) or []:
            words.update(part.lower().replace("_", "-") for part in re.split(r"[=.:/,\s]", word) if part)
    return words
