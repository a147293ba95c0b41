"""The docker-compose service that runs the app maps a container port other than 5000.

## Why it breaks on Niblit
A compose file's `ports: ["8000:8000"]` (or `expose: [8000]`, or `ports: [5001]`) says
that in your own set-up the app listens on that port inside its container. Niblit does
not read docker-compose files: it runs the image and sends traffic to port 5000 of the
container, where gunicorn must listen (`--bind 0.0.0.0:5000`, the template's CMD). An
app that listens where compose says never answers there ("Port mismatch").

The service looked at is the one that runs this repository: built from the root
(`build: .`), or running gunicorn, Flask or a Python script; worker services (Celery,
RQ, a scheduler) are not the app. A service that maps 5000 among its ports is fine.

## Severity
A notice, placed on the compose file's line. When the app's own code or Dockerfile
shows the same port (`EXPOSE 8000`, `--bind 0.0.0.0:8000`, `ENV PORT=8000`,
`app.run(port=8000)`), that line is the one that must change and its rule
(`dockerfile-port`, `dockerfile-env`, `app-port`) reports it: the compose file says
nothing more, so the problem is said once. What is left is a port only the compose
set-up shows (its `command:`, a config file, a default): worth a look, not a proven
failure, as Niblit never runs that set-up.

## How to fix
Make the app listen on 5000 (the template's CMD does), and map it as such in compose
so the local set-up matches what Niblit runs.

## Example
Bad:

```yaml
services:
  web:
    build: .
    ports: ["8000:8000"]
    command: gunicorn --bind 0.0.0.0:8000 app:app
```

Good:

```yaml
services:
  web:
    build: .
    ports: ["8000:5000"]
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import compose
from deploy_check.parsing import dockerfile
from deploy_check.parsing.imports import is_deployed_code
from deploy_check.project import Project
from deploy_check.rules import app_port
from deploy_check.rules.base import Rule

RULE = Rule("compose-port", severity="notice", doc=__doc__)


def check(project: Project) -> Iterator[Finding]:
    for service in compose.app_services(project):
        if not service.ports or any(port.container == spec.PORT for port in service.ports):
            continue
        port = service.ports[0]
        if port.container in _reported_elsewhere(project):
            continue  # the Dockerfile's or the code's line says it
        yield RULE.finding(
            f"service {service.name!r} maps container port {port.container} ({port.text}): in this set-up the app "
            f"listens on {port.container}, and Niblit sends traffic to port {spec.PORT} only",
            Location(service.path, port.line, port.column),
            hint=f"make the app listen on {spec.BIND} (the template's CMD {spec.TEMPLATE_CMD_JSON}) and map "
            f"`HOST:{spec.PORT}` here, so the local set-up runs as Niblit does",
        )


def _reported_elsewhere(project: Project) -> set[int]:
    """The ports other rules already report on the line that must change: the Dockerfile's
    EXPOSE, gunicorn bind and ENV PORT, and the code's app.run(port=...)."""
    return project.memo("compose-port.elsewhere", lambda: _dockerfile_ports(project) | _run_ports(project))


def _dockerfile_ports(project: Project) -> set[int]:
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error:
        return set()
    env = dockerfile.env_values(parsed)
    values = [dockerfile.expand_env(port, env).split("/", 1)[0] for i in parsed.of("EXPOSE") for port in i.value]
    values.append(env.get(spec.PORT_VARIABLE, ""))
    command = dockerfile.final_command(parsed)
    words = dockerfile.command_words(command) if command is not None else None
    if words:
        values.extend(dockerfile.expand_env(bind, env).rsplit(":", 1)[-1] for bind in dockerfile.split_bind(words)[0])
    return {int(value) for value in values if value.isdigit()}


def _run_ports(project: Project) -> set[int]:
    found: set[int] = set()
    for path in project.python_files():
        text = project.read_text(path)
        if text is None or ".run(" not in text or not is_deployed_code(path):
            continue
        module = project.python(path)
        if module.tree is not None:
            found.update(port for port, _ in app_port.run_ports(project, module))
    return found
