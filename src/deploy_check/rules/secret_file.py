"""A `.env` file (or `.env.*`) is in the repository.

## Why it breaks on Niblit
The spec says uploads with `.env` files are rejected: a `.env` holds real
credentials, and anything in the zip is readable by whoever gets the zip.
The spec's zip command leaves out only the `.env` at the root; a nested
`config/.env` or a `.env.production` would be uploaded as is.

Documentation templates are allowed: `.env.example`, `.env.sample`,
`.env.template` and `.env.dist` are not reported by this rule (they are
uploaded, so `hardcoded-secret` scans them: keep their values empty).

## How to fix
`--fix` adds the file to `.gitignore` and never deletes it (it is yours); the
output says whether the spec's zip command leaves it out (only the root `.env`)
or would still upload it. Delete the file from the repository yourself, then
set each variable in Niblit's environment settings; read it in code with
`os.environ`. Keep names without values in `.env.example` if you want to
document them.

## Example
Bad (a repository containing):
```text
app.py
.env            # SECRET_KEY=... DATABASE_URL=...
```
Good:
```text
app.py
.env.example    # SECRET_KEY=
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.gitignore import ignore_fix
from deploy_check.fixing.gitignore import pattern_for
from deploy_check.parsing.secret_hit import is_secret_file
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("secret-file", severity="error", doc=__doc__, fix="safe")

# is_secret_file (a `.env` or `.env.<something>` with real values) is shared with the secret scan.
__all__ = ["RULE", "check", "is_secret_file"]


def check(project: Project) -> Iterator[Finding]:
    tree = project.tree
    # A .env symlinked to a file outside the repository is still a .env the
    # spec's `zip -r` would follow and upload; the path is all we look at.
    paths = sorted(
        {f.path for f in tree.files} | set(tree.escaping_symlinks) | set(tree.broken_symlinks)
    )
    for path in paths:
        if not is_secret_file(path):
            continue
        yield RULE.finding(
            f"{path} is a .env file: Niblit rejects uploads that contain .env files",
            at=Location(path),
            hint="delete it from the repository (add .env* to .gitignore) and set its "
            "variables in Niblit's environment settings; read them with os.environ",
            fix=ignore_fix(project, [path], pattern_for(path, directory=False), directory=False),
        )
