"""A SQLite database file is in the upload.

## Why it breaks on Niblit
Niblit keeps data only in `/data`, which starts empty and is never filled
from the zip: a database committed with the code (`instance/app.db`,
`site.db`, `db.sqlite3`) lands in `/app`, where the app does not find its
data (it opens DATABASE_PATH, `/data/app.db`) or, worse, writes to it and
loses every write on the next redeploy. It also ships whatever is in it,
often test users and password hashes, to whoever gets the zip. The spec's
zip command leaves out only the top-level `data/` folder.

Found by the file's first bytes (`SQLite format 3`), for files whose names
look like databases (`.db`, `.sqlite`, `.sqlite3`, `.db3`); an empty file
with such a name is not reported.

## How to fix
Delete the file from the repository and add it to `.gitignore`; let the app
create its tables in `/data/app.db` on start-up (`CREATE TABLE IF NOT
EXISTS`). Seed data belongs in code or in an SQL file the app loads once.
Keep a local database under `data/`: the zip leaves that folder out.

## Example
Bad (a repository containing):
```text
app.py
instance/app.db
```
Good:
```text
app.py
schema.sql      # loaded into /data/app.db on the first start
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.project import Project
from deploy_check.rules.base import Rule
from deploy_check.upload_set import included

RULE = Rule("database-file", severity="warning", doc=__doc__)

SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db3")
SQLITE_HEADER = b"SQLite format 3\x00"


def check(project: Project) -> Iterator[Finding]:
    for entry in project.files:
        if not entry.path.lower().endswith(SUFFIXES) or not included(entry.path):
            continue
        if not _is_sqlite(project, entry.path):
            continue
        yield RULE.finding(
            f"{entry.path} is an SQLite database in the upload: it lands in /app, not in /data, "
            "and ships its contents with the code",
            at=Location(entry.path),
            hint=f"delete it and add it to .gitignore; the app creates its tables in {spec.DATABASE_PATH} on start-up",
        )


def _is_sqlite(project: Project, path: str) -> bool:
    return project.read_head(path, len(SQLITE_HEADER)) == SQLITE_HEADER
