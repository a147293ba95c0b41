"""Project configuration: `[tool.deploy-check]` in pyproject.toml or `.deploy-check.toml`."""
from __future__ import annotations

import dataclasses
import tomllib

from deploy_check import spec
from deploy_check.errors import UsageError
from deploy_check.errors import one_of
from deploy_check.project import Project

CONFIG_FILES = (".deploy-check.toml", "pyproject.toml")
KNOWN_KEYS = frozenset({"ignore", "tier", "smoke-paths", "timeout", "fail-on", "probe-routes", "skip-routes",
                        "build-dockerfile"})


@dataclasses.dataclass(frozen=True)
class Config:
    """Settings read from the repository; None means 'not set there'."""

    source: str | None = None
    ignore: frozenset[str] = frozenset()
    tier: str | None = None
    smoke_paths: tuple[str, ...] | None = None
    timeout: float | None = None
    fail_on: str | None = None
    probe_routes: bool | None = None
    skip_routes: tuple[str, ...] = ()
    build_dockerfile: str | None = None


def load_config(project: Project) -> Config:
    """The first config file that has deploy-check settings wins."""
    for name in CONFIG_FILES:
        if not project.has(name):
            continue
        text = project.read_text(name)
        if text is None:
            raise UsageError(f"{name}: not readable as UTF-8 text")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            if name == "pyproject.toml":
                continue  # a broken pyproject is the build's problem, not a config
            raise UsageError(f"{name}: invalid TOML: {error}") from None
        table = data.get("tool", {}).get("deploy-check") if name == "pyproject.toml" else data
        if table is None:
            continue
        if not isinstance(table, dict):
            raise UsageError(f"{name}: deploy-check settings must be a table")
        return parse_table(name, table)
    return Config()


def parse_table(source: str, table: dict[str, object]) -> Config:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise UsageError(f"{source}: unknown deploy-check setting {unknown[0]!r}")
    return Config(
        source=source,
        ignore=frozenset(_strings(source, "ignore", table.get("ignore", []))),
        tier=_choice(source, "tier", table.get("tier"), spec.TIER_NAMES),
        smoke_paths=_paths(source, table.get("smoke-paths")),
        timeout=_number(source, "timeout", table.get("timeout")),
        fail_on=_choice(source, "fail-on", table.get("fail-on"), ("error", "warning", "never")),
        probe_routes=_flag(source, "probe-routes", table.get("probe-routes")),
        skip_routes=tuple(_strings(source, "skip-routes", table.get("skip-routes", []))),
        build_dockerfile=_choice(source, "build-dockerfile", table.get("build-dockerfile"),
                                 ("auto", "repository", "template")),
    )


def _flag(source: str, key: str, value: object) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise UsageError(f"{source}: {key} must be true or false")
    return value


def _strings(source: str, key: str, value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{source}: {key} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _choice(source: str, key: str, value: object, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    return one_of(f"{source}: {key}", str(value) if isinstance(value, str) else repr(value), allowed)


def _paths(source: str, value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    paths = _strings(source, "smoke-paths", value)
    for path in paths:
        if not path.startswith("/"):
            raise UsageError(f"{source}: smoke path {path!r} must start with '/'")
    return tuple(paths)


def _number(source: str, key: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise UsageError(f"{source}: {key} must be a positive number")
    return float(value)
