"""No Dockerfile at the root of the repository.

## Why it breaks on Niblit
Niblit builds every app from the `Dockerfile` at the root of the zip; without
it the deploy fails with "Missing Dockerfile". The builder runs on Linux, where
file names are case-sensitive: `dockerfile` or `Dockerfile.prod` do not count.

## How to fix
Add a file named exactly `Dockerfile` at the root, with the spec's template.

## Example
Bad: the repository has only `docker/Dockerfile.prod`.

Good: `Dockerfile` at the root:

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN mkdir -p /data
ENV PORT=5000
ENV FLASK_ENV=production
ENV DATABASE_PATH=/data/app.db
EXPOSE 5000
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-missing", severity="error", doc=__doc__, fix="safe")


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    if project.has("Dockerfile"):
        return
    lookalikes = [
        f.path
        for f in project.files
        if f.path.rsplit("/", 1)[-1].lower().startswith("dockerfile")
        or f.path.lower().endswith(".dockerfile")
    ]
    hint = "add `Dockerfile` at the root with the spec's template"
    if lookalikes:
        hint = f"rename or copy {lookalikes[0]!r} to `Dockerfile` at the root, using the spec's template"
    yield RULE.finding("no Dockerfile at the root: Niblit cannot build the app", Location("Dockerfile"), hint=hint)
