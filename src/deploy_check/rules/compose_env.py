"""The docker-compose service that runs the app gives it a variable Niblit will not set.

## Why it breaks on Niblit
Niblit does not read docker-compose files. Its container has only the variables the
spec names (PORT, DATABASE_PATH, FLASK_ENV): a `DATABASE_URL=postgres://...`,
`REDIS_URL` or `SECRET_KEY` that compose hands the app in your set-up is unset there,
and the app gets whatever its code falls back to (a default, None, or a KeyError).

Reported for each `environment:` entry (and each `NAME=value` line of its
`env_file:`, which the upload leaves out when it is a `.env`) of the service that
runs this repository
(built from the root, or running gunicorn, Flask or a Python script; workers aside)
that the served app's code reads (`os.environ.get("NAME")`, `os.getenv`,
`os.environ["NAME"]`, python-decouple's `config("NAME")`, environs' `env("NAME")`).
An entry the app never reads, and the spec's own three, are left alone. The value is
never shown (it may be a secret); a URL to a database server or another datastore is
named by its scheme.

## Severity
A notice: what the app does without the variable is decided by its code, and the
rules that read that code say it on its own line (`database-external` for a
`postgres://` default, `database-path` and `upload-path` for the default of a
variable Niblit does not set, `hardcoded-secret` for a fallback key).

## How to fix
Make the app work with Niblit's environment: a default that suits Niblit
(`os.environ.get("DATABASE_PATH", "/data/app.db")`), SQLite under /data instead of a
database server, a secret generated at first start and kept under /data.

## Example
Bad:

```yaml
services:
  web:
    build: .
    environment:
      - DATABASE_URL=postgres://db/app
```

with `app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]`.

Good: the app reads DATABASE_PATH (set by Niblit) and uses SQLite there.
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import compose
from deploy_check.parsing import env_reads
from deploy_check.project import Project
from deploy_check.rules.base import Rule
from deploy_check.rules.database_external import datastore_scheme

RULE = Rule("compose-env", severity="notice", doc=__doc__)


def check(project: Project) -> Iterator[Finding]:
    services = compose.app_services(project)
    if not any(service.environment or service.env_files for service in services):
        return
    reads = env_reads.reads(project)
    said: set[tuple[str, str]] = set()
    for service in services:
        given = [(service.path, variable) for variable in service.environment]
        given += [(path, variable) for path in service.env_files for variable in compose.env_file_variables(project, path)]
        for path, variable in given:
            read = reads.get(variable.name)
            if read is None or variable.name in spec.ENVIRONMENT_NAMES or (path, variable.name) in said:
                continue
            said.add((path, variable.name))
            scheme = datastore_scheme(variable.value or "")
            what = f" (a {scheme}:// URL here: nothing runs beside the app on Niblit)" if scheme else ""
            how = "sets" if path == service.path else f"loads from {path}"
            yield RULE.finding(
                f"service {service.name!r} of {service.path} {how} {variable.name}{what}, which the app reads "
                f"({read.path} line {read.line}): Niblit does not set it, so there the app gets its fallback",
                Location(path, variable.line, variable.column),
                hint=(f"keep the data in SQLite under {spec.DATA_DIR} ({spec.DATABASE_PATH_READ})" if scheme else
                      f"give the read a fallback that works on Niblit (it sets only "
                      f"{', '.join(sorted(spec.ENVIRONMENT_NAMES))})"),
            )
