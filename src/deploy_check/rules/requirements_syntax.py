"""A line of requirements.txt (or a file it includes) that pip cannot parse.

## Why it breaks on Niblit
`pip install -r requirements.txt` stops at the first line it cannot parse, so
the build fails and nothing is installed. Typical causes: a stray space inside
a name (`fla sk`), `==` with no version, a shell command pasted in, an option
pip does not know, an include that does not exist.

## How to fix
Write one requirement per line in pip's format: `name[extras] specifier ; marker`,
for example `flask==3.0.3`.

## Example
Bad:

```text
flask ==
pip install gunicorn
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
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("requirements-syntax", severity="error", doc=__doc__)


def check(project: Project) -> Iterator[Finding]:
    parsed = requirements.parse(project)
    if parsed is None:
        return
    for problem in parsed.problems:
        yield RULE.finding(
            problem.message,
            Location(problem.path, problem.line, problem.column),
            hint="one requirement per line, in pip's format (e.g. `flask==3.0.3`)",
        )
