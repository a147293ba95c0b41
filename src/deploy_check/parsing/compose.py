"""docker-compose files: the services a repository starts beside its app.

Read with PyYAML's safe loader, composed to nodes (for line numbers), and bounded: the
file is hostile, so it is read only up to MAX_BYTES, an error or a nesting deep enough to
exhaust the composer's recursion gives no services, and only the first levels
(`services:` -> each service -> `image:`) are looked at, aliases included once.
"""
from __future__ import annotations

import dataclasses
import re

import yaml

from deploy_check.project import Project

NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
_OTHER_NAMES = re.compile(r"^(docker-)?compose[.-][\w.-]+\.ya?ml$")
MAX_BYTES = 256 * 1024
MAX_SERVICES = 200


@dataclasses.dataclass(frozen=True)
class Service:
    """One service of a compose file: its name, image (if any) and where `image:` is."""

    path: str
    name: str
    image: str | None
    line: int  # 1-based line of the image (or of the service's name)


def compose_files(project: Project) -> list[str]:
    """Compose files at the root: the usual names first, then docker-compose.<env>.yml."""
    present = [name for name in NAMES if project.has(name)]
    others = sorted(f.path for f in project.files if "/" not in f.path and _OTHER_NAMES.match(f.path)
                    and f.path not in present)
    return present + others


def services(project: Project) -> list[Service]:
    """Every service of every compose file at the root, once per project."""
    return project.memo("compose.services", lambda: [s for path in compose_files(project) for s in _read(project, path)])


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
    if not isinstance(block, yaml.MappingNode):
        return []
    found = []
    for key, value in block.value[:MAX_SERVICES]:
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.MappingNode):
            continue
        image = _get(value, "image")
        if isinstance(image, yaml.ScalarNode) and isinstance(image.value, str):
            found.append(Service(path, str(key.value), image.value, image.start_mark.line + 1))
        else:
            found.append(Service(path, str(key.value), None, key.start_mark.line + 1))
    return found


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for name, value in node.value:
        if isinstance(name, yaml.ScalarNode) and name.value == key:
            return value
    return None
