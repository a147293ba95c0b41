"""The rule registry: explicit and sorted, no directory scanning.

STATIC_RULES run on the files alone: `check_module(project) -> Iterator[Finding]` once per
Python module, in the lint's one visit of it (the project narrowed to that module: see
engine.lint), and/or `check(project) -> Iterator[Finding]` once, on the whole project;
RUNTIME_RULES are produced by the build, smoke and package stages and are
listed here for their documentation, SARIF entries and --explain.
"""
from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from deploy_check.rules import app_config_main_only
from deploy_check.rules import app_instance
from deploy_check.rules import app_missing
from deploy_check.rules import app_port
from deploy_check.rules import app_run_at_import
from deploy_check.rules import app_shadowed
from deploy_check.rules import build_failed
from deploy_check.rules import compose_env
from deploy_check.rules import compose_port
from deploy_check.rules import database_external
from deploy_check.rules import database_file
from deploy_check.rules import database_path
from deploy_check.rules import debug_enabled
from deploy_check.rules import dockerfile_base_image
from deploy_check.rules import dockerfile_cmd
from deploy_check.rules import dockerfile_env
from deploy_check.rules import dockerfile_missing
from deploy_check.rules import dockerfile_pip_install
from deploy_check.rules import dockerfile_port
from deploy_check.rules import dockerfile_template
from deploy_check.rules import env_required
from deploy_check.rules import forbidden_file
from deploy_check.rules import hardcoded_secret
from deploy_check.rules import import_not_in_requirements
from deploy_check.rules import python_syntax
from deploy_check.rules import python_version
from deploy_check.rules import requirements_external_db
from deploy_check.rules import requirements_flask
from deploy_check.rules import requirements_gunicorn
from deploy_check.rules import requirements_include
from deploy_check.rules import requirements_missing
from deploy_check.rules import requirements_syntax
from deploy_check.rules import secret_file
from deploy_check.rules import smoke_boot
from deploy_check.rules import smoke_cold_start
from deploy_check.rules import smoke_ephemeral_write
from deploy_check.rules import smoke_http
from deploy_check.rules import smoke_memory
from deploy_check.rules import smoke_restart
from deploy_check.rules import upload_path
from deploy_check.rules import upload_size
from deploy_check.rules.base import Settings

if TYPE_CHECKING:
    from deploy_check.finding import Finding
    from deploy_check.project import Project

STATIC_RULES: tuple[ModuleType, ...] = (
    app_config_main_only,
    app_instance,
    app_missing,
    app_port,
    app_run_at_import,
    app_shadowed,
    compose_env,
    compose_port,
    database_external,
    database_file,
    database_path,
    debug_enabled,
    dockerfile_base_image,
    dockerfile_cmd,
    dockerfile_env,
    dockerfile_missing,
    dockerfile_pip_install,
    dockerfile_port,
    dockerfile_template,
    env_required,
    forbidden_file,
    hardcoded_secret,
    import_not_in_requirements,
    python_syntax,
    python_version,
    requirements_external_db,
    requirements_flask,
    requirements_gunicorn,
    requirements_include,
    requirements_missing,
    requirements_syntax,
    secret_file,
    upload_path,
    upload_size,
)

RUNTIME_RULES: tuple[ModuleType, ...] = (
    build_failed,
    smoke_boot,
    smoke_cold_start,
    smoke_ephemeral_write,
    smoke_http,
    smoke_memory,
    smoke_restart,
)

ALL_RULES = {module.RULE.id: module.RULE for module in STATIC_RULES + RUNTIME_RULES}


def run(rule: ModuleType, project: Project, settings: Settings | None = None) -> Iterator[Finding]:
    """Every finding of one rule on the whole project: its module part on every module,
    then its project part (the engine runs the first in its one visit per module)."""
    if hasattr(rule, "check_module"):
        yield from rule.check_module(project)
    if hasattr(rule, "check"):
        yield from check(rule, project, settings)


def check(rule: ModuleType, project: Project, settings: Settings | None = None) -> Iterator[Finding]:
    """A rule's project part, given the run's settings when it takes them."""
    if getattr(rule, "SETTINGS", False):
        return rule.check(project, settings or Settings())  # type: ignore[no-any-return]
    return rule.check(project)  # type: ignore[no-any-return]


def get(rule_id: str):  # type: ignore[no-untyped-def]
    """The Rule with this id, or None."""
    return ALL_RULES.get(rule_id)
