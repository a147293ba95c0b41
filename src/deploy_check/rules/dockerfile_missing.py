"""No Dockerfile at the root of the repository.

## Why it breaks on Niblit
Niblit builds every app from the `Dockerfile` at the root of the zip; without
it the deploy fails with "Missing Dockerfile". The builder runs on Linux, where
file names are case-sensitive: `dockerfile` or `Dockerfile.prod` do not count.

A file that is the Dockerfile but for case (`dockerfile`, `DockerFile`) works with
`docker build` on macOS and Windows, whose file systems ignore case, and even on
Linux (the docker CLI falls back to `dockerfile`), so it is easy to miss: the
finding names it, and the other Dockerfile rules check it as your Dockerfile, on
its own lines. Another Dockerfile (the one a compose file builds the app with,
else `Dockerfile.prod`, `Dockerfile-alpine`, `app.dockerfile`, `docker/Dockerfile`)
is named too, with what it does unlike the template (its CMD, EXPOSE, ENV PORT), and
its facts are used as if it were the Dockerfile: the app module its CMD serves (for the entry the other
rules follow), its command and ports (in this finding), the packages it
pip-installs outside requirements.txt (`dockerfile-pip-install`) and its system
packages (in the fix's message).

## How to fix
Add a file named exactly `Dockerfile` at the root, with the spec's template:
rename yours, or let `deploy-check --fix` write the template as `./Dockerfile`.
The fix never renames or deletes your file; delete it yourself once the template
works (on a case-insensitive file system `dockerfile` and `Dockerfile` are one
file: rename it there).

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

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.parsing import dockerfile
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-missing", severity="error", doc=__doc__, fix="safe")


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    if project.has(dockerfile.PATH):
        return
    variant = dockerfile.case_variant(project)
    if variant is not None:
        yield RULE.finding(
            f"no Dockerfile at the root: Niblit reads only ./Dockerfile (case-sensitive); found {variant}",
            Location(dockerfile.PATH),
            hint=f"rename {variant!r} to `Dockerfile` (its other findings are on its own lines), or let "
            "`deploy-check --fix` write the template as ./Dockerfile",
        )
        return
    other = dockerfile.stand_in(project)
    lookalikes = other or next((f.path for f in project.files if _looks_like_one(f.path)), None)
    if lookalikes is None:
        yield RULE.finding("no Dockerfile at the root: Niblit cannot build the app", Location(dockerfile.PATH),
                           hint="add `Dockerfile` at the root with the spec's template")
        return
    facts = _facts(project) if other is not None else ""
    yield RULE.finding(
        f"no Dockerfile at the root: Niblit reads only ./Dockerfile; found {lookalikes}{facts}",
        Location(dockerfile.PATH),
        hint=f"copy {lookalikes!r} to `Dockerfile` at the root and align it with the spec's template, or let "
        "`deploy-check --fix` write the template as ./Dockerfile",
    )


def _looks_like_one(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return (name.startswith("dockerfile") or name.endswith(".dockerfile")) and not dockerfile.not_a_dockerfile(path)


def _facts(project: Project) -> str:
    """What the stand-in does where the template differs: its command and its ports."""
    parsed = dockerfile.deciding(project)
    if parsed is None or parsed.error:
        return ""
    said = []
    command = dockerfile.final_command(parsed)
    words = dockerfile.command_words(command) if command is not None else None
    if words and tuple(words) != spec.TEMPLATE_CMD:
        shown = " ".join(words)
        said.append(f"its CMD runs `{shown[:60] + '...' if len(shown) > 60 else shown}`")
    ports = [port for instruction in parsed.of("EXPOSE") for port in instruction.value if port != str(spec.PORT)]
    if ports:
        said.append(f"it exposes {', '.join(ports[:3])}")
    env = dockerfile.env_values(parsed)
    differ = [f"{name}={env[name]}" for name, value in spec.ENVIRONMENT.items() if name in env and env[name] != value]
    if differ:
        said.append(f"it sets {', '.join(differ)}")
    return f" ({'; '.join(said)}; the template serves {spec.APP_TARGET} on {spec.BIND})" if said else ""
