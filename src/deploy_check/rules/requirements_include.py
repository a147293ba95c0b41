"""requirements.txt pulls in another file with `-r` or `-c`.

## Why it breaks on Niblit
The template copies only requirements.txt before it runs
`pip install -r requirements.txt` (the rest of the code comes later, with
`COPY . .`). The included file is not in the image yet, so pip fails with
"Could not open requirements file". The included requirements still count for
the other rules.

## How to fix
Put every requirement in requirements.txt itself (for example with
`pip-compile` or by pasting the included file's lines in). `--fix` pastes a
`-r` file's lines in place of the include (its own includes too), keeping
their order, comments and markers; the included file stays. A `-c`
constraints file is pasted only with `--unsafe-fixes`: its pins then become
requirements, so everything it names gets installed.

## Example
Bad:

```text
-r requirements/base.txt
gunicorn==22.0.0
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.requirements import include_fix
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-include", severity="error", doc=__doc__, fix="safe or unsafe")


def check(project: Project) -> Iterator[Finding]:
    parsed = requirements.parse(project)
    if parsed is None:
        return
    for include in parsed.includes:
        if include.path != requirements.ROOT_FILE:
            continue  # only the root file is read at that point of the build
        line = project.line(include.path, include.line) or ""
        column = line.find(include.flag)
        yield RULE.finding(
            f"`{include.flag} {include.target}`: the template copies only requirements.txt before "
            "`pip install`, so that file is missing at build time",
            Location(include.path, include.line, column + 1 if column >= 0 else None),
            hint=f"copy the requirements of {include.target!r} into requirements.txt",
            fix=include_fix(project, include),
        )
