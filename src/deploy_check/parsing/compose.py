"""docker-compose files: the services a repository starts beside its app.

Read with PyYAML's safe loader, composed to nodes (for line numbers), and bounded: the
file is hostile, so it is read only up to MAX_BYTES, an error or a nesting deep enough to
exhaust the composer's recursion gives no services, and only the first levels
(`services:` -> each service -> `image:`, `build:`, `command:`, `ports:`, `expose:`,
`environment:`) are looked at, aliases included once. A file without `services:` is read
in the version-1 layout (each top-level key a service) when its entries look like services.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
import shlex

import yaml

from deploy_check.project import Project

NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
_OTHER_NAMES = re.compile(r"^(docker-)?compose[.-][\w.-]+\.ya?ml$")
MAX_BYTES = 256 * 1024
MAX_SERVICES = 200
MAX_ENTRIES = 500  # ports, expose and environment entries read per service
_SERVICE_KEYS = frozenset({"image", "build"})
# `${NAME:-default}` / `${NAME-default}`: compose interpolates the default when NAME is unset.
_DEFAULTED = re.compile(r"^\$\{\w+:?-(?P<default>[^}]*)\}$")


@dataclasses.dataclass(frozen=True)
class Port:
    """A container port a service maps (`ports:`) or exposes (`expose:`), and where."""

    container: int
    text: str  # the entry as written (`"8000:8000"`, `5001`, `target: 8000`)
    line: int
    column: int


@dataclasses.dataclass(frozen=True)
class Variable:
    """One `environment:` entry: its name and where; `value` is None for `- NAME` alone.
    The value may be a secret: it is never shown."""

    name: str
    value: str | None
    line: int
    column: int


@dataclasses.dataclass(frozen=True)
class Service:
    """One service of a compose file: its name, image (if any) and where `image:` is."""

    path: str
    name: str
    image: str | None
    line: int  # 1-based line of the image (or of the service's name)
    build: str | None = None  # the build context (`build: .` or `build: {context: .}`)
    dockerfile: str | None = None  # `build: {dockerfile: ...}`, relative to the context
    command: tuple[str, ...] | None = None  # `command:`, split as compose does
    entrypoint: tuple[str, ...] | None = None
    ports: tuple[Port, ...] = ()  # `ports:` then `expose:` entries with a single container port
    environment: tuple[Variable, ...] = ()
    env_files: tuple[str, ...] = ()  # `env_file:` paths, repository-relative, that exist

    @property
    def builds_root(self) -> bool:
        """Is this service built from the repository's root (the folder Niblit builds)?"""
        return self.build is not None and self.build.strip().rstrip("/") in (".", "")


def compose_files(project: Project) -> list[str]:
    """Compose files at the root: the usual names first, then docker-compose.<env>.yml."""
    present = [name for name in NAMES if project.has(name)]
    others = sorted(f.path for f in project.files if "/" not in f.path and _OTHER_NAMES.match(f.path)
                    and f.path not in present)
    return present + others


def services(project: Project) -> list[Service]:
    """Every service of every compose file at the root, once per project."""
    return project.memo("compose.services", lambda: [s for path in compose_files(project) for s in _read(project, path)])


# Commands that run a worker or a scheduler beside the app, not the app itself.
_WORKER = re.compile(r"(?:^|[_-])(?:celery|rq|rqworker|worker|dramatiq|huey|huey_consumer|flower|beat|scheduler)$",
                     re.IGNORECASE)
_SERVERS = frozenset({"gunicorn", "uwsgi", "waitress-serve", "hypercorn", "uvicorn", "flask"})


def app_services(project: Project) -> list[Service]:
    """The services that run this repository's app: built from the root (`build: .`), or
    running a web server or a Python script, and not a worker (Celery, RQ, a scheduler)."""
    return [service for service in services(project) if _runs_app(service)]


def _runs_app(service: Service) -> bool:
    words = [*(service.entrypoint or ()), *(service.command or ())]
    if any(_WORKER.search(word.rsplit("/", 1)[-1]) for word in words):
        return False
    if service.builds_root:
        return True
    if service.build is not None or not words:
        return False  # built from another folder: another app
    names = [word.rsplit("/", 1)[-1] for word in words[:4]]
    return any(name in _SERVERS for name in names) or any(
        re.fullmatch(r"python[\d.]*", name) is not None for name in names[:1])


def _read(project: Project, path: str) -> list[Service]:
    entry = project.entry(path)
    text = project.read_text(path) if entry is not None and entry.size <= MAX_BYTES else None
    if text is None:
        return []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError):
        return []
    block = _get(root, "services")
    if block is None and isinstance(root, yaml.MappingNode) and _version_one(root):
        block = root
    if not isinstance(block, yaml.MappingNode):
        return []
    found = []
    for key, value in block.value[:MAX_SERVICES]:
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.MappingNode):
            continue
        image = _get(value, "image")
        named = isinstance(image, yaml.ScalarNode) and isinstance(image.value, str)
        found.append(Service(
            path, str(key.value), str(image.value) if named and image is not None else None,
            (image.start_mark.line if named and image is not None else key.start_mark.line) + 1,
            build=_build(value), dockerfile=_build_dockerfile(value), command=_words(_get(value, "command")),
            entrypoint=_words(_get(value, "entrypoint")), ports=tuple(_ports(value)),
            environment=tuple(_environment(_get(value, "environment"))),
            env_files=tuple(_env_files(project, path, _get(value, "env_file")))))
    return found


def _env_files(project: Project, compose_path: str, node: yaml.Node | None) -> list[str]:
    """`env_file: .env` / `env_file: [a.env, {path: b.env}]`, resolved from the compose
    file's folder; only files of the repository."""
    items = node.value[:MAX_ENTRIES] if isinstance(node, yaml.SequenceNode) else [node]
    found: list[str] = []
    for item in items:
        name = _scalar(_get(item, "path")) if isinstance(item, yaml.MappingNode) else _scalar(item)
        if not name or name.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(posixpath.dirname(compose_path), name))
        if not path.startswith("../") and project.has(path) and path not in found:
            found.append(path)
    return found


def env_file_variables(project: Project, path: str) -> list[Variable]:
    """The `NAME=value` lines of an env file (`export` and comments allowed), bounded."""
    found: list[Variable] = []
    for number, line in enumerate(project.lines(path)[:MAX_ENTRIES * 10], start=1):
        match = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$", line)
        if match:
            found.append(Variable(match.group(1), match.group(2).strip().strip("'\""), number,
                                  line.index(match.group(1)) + 1))
    return found


def _version_one(root: yaml.MappingNode) -> bool:
    """A version-1 file: no `services:`, and its top-level entries are services."""
    entries = [value for key, value in root.value[:MAX_SERVICES] if isinstance(key, yaml.ScalarNode)
               and key.value != "version"]
    return bool(entries) and all(isinstance(value, yaml.MappingNode) and
                                 any(_get(value, name) is not None for name in _SERVICE_KEYS) for value in entries)


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) and node.value is not None else None


def _build(service: yaml.MappingNode) -> str | None:
    build = _get(service, "build")
    if isinstance(build, yaml.MappingNode):
        return _scalar(_get(build, "context")) or "."  # compose's default context is the file's folder
    return _scalar(build)


def _build_dockerfile(service: yaml.MappingNode) -> str | None:
    build = _get(service, "build")
    return _scalar(_get(build, "dockerfile")) if isinstance(build, yaml.MappingNode) else None


def _words(node: yaml.Node | None) -> tuple[str, ...] | None:
    """A command as argv: a list as given, a string split as compose does (shell-like)."""
    if isinstance(node, yaml.SequenceNode):
        return tuple(str(item.value) for item in node.value[:MAX_ENTRIES] if isinstance(item, yaml.ScalarNode))
    text = _scalar(node)
    if text is None:
        return None
    try:
        return tuple(shlex.split(text))
    except ValueError:
        return tuple(text.split())


def _ports(service: yaml.MappingNode) -> list[Port]:
    found: list[Port] = []
    for key in ("ports", "expose"):
        block = _get(service, key)
        if not isinstance(block, yaml.SequenceNode):
            continue
        for item in block.value[:MAX_ENTRIES]:
            text: str | None
            if isinstance(item, yaml.MappingNode):  # long syntax: `- target: 8000`
                target = _scalar(_get(item, "target"))
                text, port = (f"target: {target}", container_port(target)) if target else (None, None)
            else:
                text = _scalar(item)
                port = container_port(text, published=key == "ports") if text is not None else None
            if text is not None and port is not None:
                found.append(Port(port, text, item.start_mark.line + 1, item.start_mark.column + 1))
    return found


def container_port(entry: str, published: bool = True) -> int | None:
    """The single container port of a `ports:`/`expose:` entry (`[IP:][HOST:]CONTAINER[/PROTO]`),
    `${NAME:-default}` interpolated to its default; None for a range or an unknown variable."""
    body = entry.strip().rsplit("/", 1)[0] if "/" in entry else entry.strip()
    if published and "]" in body:  # [::1]:8000:8000
        body = body.rsplit("]", 1)[1].lstrip(":") or body
    last = _interpolated(re.split(r":(?![^{]*\})", body)[-1] if published else body)
    return int(last) if last is not None and last.isdigit() and 0 < int(last) < 65536 else None


def _interpolated(value: str) -> str | None:
    value = value.strip()
    defaulted = _DEFAULTED.match(value)
    if defaulted:
        value = defaulted.group("default")
    return None if "$" in value else value


def _environment(node: yaml.Node | None) -> list[Variable]:
    found: list[Variable] = []
    if isinstance(node, yaml.SequenceNode):  # - NAME=value / - NAME
        for item in node.value[:MAX_ENTRIES]:
            text = _scalar(item)
            if text is None:
                continue
            name, equals, value = text.partition("=")
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
                found.append(Variable(name.strip(), value if equals else None, item.start_mark.line + 1,
                                      item.start_mark.column + 1))
    elif isinstance(node, yaml.MappingNode):  # NAME: value
        for key, value in node.value[:MAX_ENTRIES]:
            label = _scalar(key)
            if label is not None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label):
                null = isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")
                found.append(Variable(label, None if null else _scalar(value), key.start_mark.line + 1,
                                      key.start_mark.column + 1))
    return found


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for name, value in node.value:
        if isinstance(name, yaml.ScalarNode) and name.value == key:
            return value
    return None
