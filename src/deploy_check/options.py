"""What a run was asked to do: the CLI, the action and the config file all fill this."""
from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from collections.abc import Mapping

from deploy_check import errors
from deploy_check import spec
from deploy_check.config import Config
from deploy_check.finding import Severity

FAIL_ON = ("error", "warning", "never")
# What the build and smoke test run: the spec's template when the repository's Dockerfile
# drifts (auto), the repository's own Dockerfile, or the template always.
BUILD_DOCKERFILE = ("auto", "repository", "template")


@dataclasses.dataclass
class Options:
    """Everything a check can be told. Defaults are the contract's defaults."""

    tier: str = spec.DEFAULT_TIER
    smoke_paths: tuple[str, ...] = ("/",)
    timeout: float = 60.0
    fail_on: str = "error"
    build_dockerfile: str = "auto"
    # Which of tier/smoke_paths/timeout/fail_on/build_dockerfile were given explicitly (CLI or
    # action input): those win over the repository's config file.
    explicit: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    skip_build: bool = False
    skip_smoke: bool = False
    zip_path: str | None = None
    keep_image: bool = False
    # --fix: apply the fixes (safe ones; all with unsafe_fixes) before checking what remains.
    fix: bool = False
    unsafe_fixes: bool = False
    # Extra variables for the smoke-tested app (--env), beyond the spec's own three.
    smoke_env: tuple[tuple[str, str], ...] = ()
    # Probe the app's own parameterless GET routes after boot (--probe-routes), minus these
    # patterns (skip-routes in the config: fnmatch on the path or the endpoint name).
    probe_routes: bool = True
    skip_routes: tuple[str, ...] = ()
    # Set by the action: where the smoke-tested container must attach its network.
    network_container: str | None = None
    progress: object | None = None  # a callable(str) for live build/smoke lines, or None

    def with_config(self, config: Config) -> Options:
        """These options, with the repository's config filling what was not given."""
        changes: dict[str, object] = {"ignore": self.ignore | config.ignore,
                                      "skip_routes": self.skip_routes + config.skip_routes}
        for name in ("tier", "smoke_paths", "timeout", "fail_on", "probe_routes", "build_dockerfile"):
            value = getattr(config, name)
            if value is not None and name not in self.explicit:
                changes[name] = value
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def memory_limit(self) -> int:
        return spec.tier(self.tier).memory_bytes

    def fails(self, severity: Severity) -> bool:
        return fails(severity, self.fail_on)


def fails(severity: Severity, fail_on: str) -> bool:
    """Does a finding of this severity fail a run under this --fail-on?"""
    if fail_on == "never":
        return False
    threshold = Severity.ERROR if fail_on == "error" else Severity.WARNING
    return severity.rank >= threshold.rank


def from_settings(
    *,
    label: Callable[[str], str],
    tier: str | None = None,
    smoke_paths: list[str] | None = None,
    timeout: str | float | None = None,
    fail_on: str | None = None,
    build_dockerfile: str | None = None,
    ignore: list[str] | None = None,
    env: list[str] | None = None,
    probe_routes: bool | None = None,
    environ: Mapping[str, str] | None = None,
    **flags: object,
) -> Options:
    """Options from user-given settings (CLI flags, action inputs), validated in one place.

    `label(name)` names a setting in messages ("--tier", "input tier"); unset settings are None
    and leave the repository's config (then the defaults) in force.
    """
    from deploy_check import rules
    from deploy_check.errors import UsageError

    values: dict[str, object] = {}
    if tier:
        values["tier"] = errors.one_of(label("tier"), tier, spec.TIER_NAMES)
    if smoke_paths is not None:
        bad = [p for p in smoke_paths if not p.startswith("/")]
        if bad or not smoke_paths:
            raise UsageError(f"{label('smoke-paths')}: {bad[0] if bad else '(empty)'!r} must start with '/'")
        values["smoke_paths"] = tuple(smoke_paths)
    if timeout not in (None, ""):
        try:
            seconds = float(timeout)  # type: ignore[arg-type]
        except ValueError:
            seconds = -1.0
        if not 0 < seconds < float("inf"):
            raise UsageError(f"{label('timeout')}: expected a positive number of seconds, got {timeout!r}")
        values["timeout"] = seconds
    if fail_on:
        values["fail_on"] = errors.one_of(label("fail-on"), fail_on, FAIL_ON)
    if build_dockerfile:
        values["build_dockerfile"] = errors.one_of(label("build-dockerfile"), build_dockerfile, BUILD_DOCKERFILE)
    unknown = sorted(i for i in ignore or [] if rules.get(i) is None)
    if unknown:
        raise UsageError(f"{label('ignore')}: unknown rule id {unknown[0]!r} (see deploy-check --list-rules)")
    if probe_routes is not None:
        values["probe_routes"] = probe_routes
    if env:
        values["smoke_env"] = smoke_env(env, environ if environ is not None else os.environ, label("env"))
    explicit = frozenset(values) - {"smoke_env"}
    return Options(ignore=frozenset(ignore or []), explicit=explicit, **values, **flags)  # type: ignore[arg-type]


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def smoke_env(items: list[str], environ: Mapping[str, str], label: str) -> tuple[tuple[str, str], ...]:
    """`NAME=VALUE` or `NAME` (its value taken from this process's environment, as `docker run
    -e NAME` does) -> pairs. Values are never put in an error message: they may be secrets."""
    from deploy_check.errors import UsageError

    pairs: dict[str, str] = {}
    for item in items:
        name, has_value, value = item.partition("=")
        name = name.strip()
        if not _ENV_NAME.match(name):
            raise UsageError(f"{label}: expected NAME or NAME=VALUE, got a name {name[:40]!r}")
        # What Niblit sets itself: a smoke test with other values would not test what Niblit runs.
        if name in spec.ENVIRONMENT_NAMES:
            raise UsageError(
                f"{label}: {name} is set by Niblit ({', '.join(sorted(spec.ENVIRONMENT_NAMES))} are the spec's)")
        if not has_value:
            if name not in environ:
                raise UsageError(f"{label}: {name} has no value here (give NAME=VALUE, or set {name})")
            value = environ[name]
        pairs[name] = value
    return tuple(pairs.items())
