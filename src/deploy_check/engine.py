"""One engine under the CLI, the action and the library: lint, build, smoke, package."""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import TYPE_CHECKING

from deploy_check import rules
from deploy_check import spec
from deploy_check.config import load_config
from deploy_check.errors import UsageError
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.fixing import PassesPlan
from deploy_check.fixing import fix_passes
from deploy_check.fixing import write
from deploy_check.ignores import is_ignored_inline
from deploy_check.options import Options
from deploy_check.options import fails
from deploy_check.project import Project
from deploy_check.run_report import Report
from deploy_check.stages import PackageStage
from deploy_check.rules.base import Settings

if TYPE_CHECKING:
    from deploy_check.runtime.source import BuildSource


def open_project(path: str) -> Project:
    """The repository at `path`, or a UsageError that says why not."""
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such directory")
    if not os.path.isdir(path):
        raise UsageError(f"{path}: not a directory (give the repository's folder)")
    if not os.access(path, os.R_OK | os.X_OK):
        raise UsageError(f"{path}: permission denied")
    return Project(path)


SECRET_SPANS = "secret-spans"


def remember_secret_spans(project: Project, findings: Iterable[Finding]) -> None:
    """Where hardcoded-secret findings sit on their lines, so quoted lines can hide them."""
    spans: dict[tuple[str, int], list[tuple[int, int]]] = project.memo(SECRET_SPANS, dict)
    for finding in findings:
        if (finding.rule == "hardcoded-secret" and finding.path and finding.line and finding.column
                and finding.end_column and finding.end_line in (None, finding.line)
                and finding.end_column > finding.column):
            spans.setdefault((finding.path, finding.line), []).append((finding.column, finding.end_column))


def masked_lines(project: Project) -> Callable[[str, int], str | None]:
    """Repository lines for quoting in reports, with every secret found replaced by ****."""
    from deploy_check.parsing.secrets import secret_values

    def secrets_longest_first() -> list[str]:
        return sorted(secret_values(project), key=len, reverse=True)

    def line(path: str, number: int) -> str | None:
        text = project.line(path, number)
        if text is None:
            return None
        # The exact spans of hardcoded-secret findings first (short secrets are not in the mask list).
        spans: dict[tuple[str, int], list[tuple[int, int]]] = project.memo(SECRET_SPANS, dict)
        for start, end in sorted(spans.get((path, number), []), reverse=True):
            text = text[: start - 1] + "****" + text[end - 1 :]
        for secret in project.memo("secrets-longest-first", secrets_longest_first):
            text = text.replace(secret, "****")
        return text

    return line


def lint(project: Project, alongside: Callable[[], None] | None = None,
         settings: Settings | None = None) -> Iterator[Finding]:
    """Every static rule's findings, unfiltered.

    One visit per Python module first (module_visit: each rule's `check_module` runs on
    the project narrowed to that module, and the facts the rest need are kept, then its AST
    goes), then each rule's `check`, on the whole project and those facts. `alongside`, work
    that needs no finding (the zip), runs in this process meanwhile."""
    from deploy_check.module_visit import visit_modules

    module_rules = [rule for rule in rules.STATIC_RULES if hasattr(rule, "check_module")]
    with collector_paused():
        yield from visit_modules(project, module_rules, alongside)
        for rule in rules.STATIC_RULES:
            if hasattr(rule, "check"):
                yield from rules.check(rule, project, settings)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the lint allocates: ASTs and findings hold
    no cycles (reference counting frees them), and each collection would walk every object
    alive, again and again as the heap grows (8.6 s -> 5.7 s on a 640-module tree)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rule_settings(options: Options) -> Settings:
    """What the rules are told of this run (the tier, for upload-size)."""
    return Settings(tier=spec.tier(options.tier), smoke_env_names=frozenset(name for name, _ in options.smoke_env))


def plan_fixes(project: Project, options: Options) -> PassesPlan:
    """The fixes --fix would write (ruff's loop: lint, plan, lint the planned tree, ...), for
    the findings the run would report (ignored ones keep their problem)."""
    settings = rule_settings(options)
    return fix_passes(project, lambda view: finish(view, lint(view, settings=settings), options), options.unsafe_fixes)


def fix_plan(path: str, options: Options | None = None) -> PassesPlan:
    """What --fix would change in the repository at `path`, changing nothing."""
    return fix_plan_and_diff(path, options)[0]


def fix_plan_and_diff(path: str, options: Options | None = None) -> tuple[PassesPlan, str]:
    """--diff: the plan, and its unified diff with every secret found masked."""
    options = options or Options()
    project = open_project(path)
    fixes = plan_fixes(project, options.with_config(load_config(project)))
    return fixes, mask_secrets(project, fixes.diff())


def fixes_diff(project: Project, options: Options) -> str:
    """What --fix would change, as one unified diff, every secret found masked (for the job
    summary: removed lines of a drifted Dockerfile may hold an `ENV API_KEY=...`)."""
    return mask_secrets(project, plan_fixes(project, options).diff())


def mask_secrets(project: Project, text: str) -> str:
    """`text` with every secret the scan found in the repository replaced by ****: a diff's
    removed lines hold the very literals the secret fixes replace."""
    from deploy_check.parsing.secrets import secret_values

    for secret in sorted(secret_values(project), key=len, reverse=True):
        text = text.replace(secret, "****")
    return text


def apply_fixes(project: Project, options: Options) -> tuple[Project, dict[str, object]]:
    """--fix: write the fixes, then the repository as it now is, and what was done."""
    fixes = plan_fixes(project, options)
    written = write(project, fixes)
    done: dict[str, object] = {
        "applied": len(fixes.applied),
        "files": written,
        "fixes": fixes.messages(),
        "dropped": [
            {"rule": f.rule, "path": f.path, "line": f.line, "reason": reason} for f, reason in fixes.dropped
        ],
        "settled": fixes.settled,
    }
    return (Project(project.root) if written else project), done


@dataclasses.dataclass(frozen=True)
class Packaging:
    """Whether and where a run writes the upload zip. `only_without_errors`: not when a finding
    at error severity remains (the action's artifact); `name` is the artifact's file name."""

    destination: str | None = None
    only_without_errors: bool = False
    name: str | None = None


def configured(project: Project, options: Options) -> Options:
    """The options with the repository's config filling what was not given."""
    return options.with_config(load_config(project))


def check(path: str, options: Options | None = None, *, docker_client: object = None) -> Report:
    """Run the whole check on the repository at `path` and return its report (the CLI's and
    the library's entry: options.zip_path, when set, is where the zip goes)."""
    project = open_project(path)
    options = configured(project, options or Options())
    return run(project, options, Packaging(options.zip_path), path=path, docker_client=docker_client)


def run(project: Project, options: Options, packaging: Packaging, *, path: str | None = None,
        docker_client: object = None) -> Report:
    """The one path through a check, for the CLI, the action and the library: (--fix,) lint,
    build and smoke test, package. `options` are already `configured` for `project`."""
    fixed = None
    if options.fix:
        project, fixed = apply_fixes(project, options)
    report = Report(
        path=path or project.root, tier=options.tier, fail_on=options.fail_on, source_line=masked_lines(project),
        fixed=fixed, unsafe_fixes=options.unsafe_fixes,
    )
    packaged: list[Finding] = []

    def package() -> None:
        from deploy_check.zip_stage import package_stage

        report.package, zipped = package_stage(project, options, packaging.destination or "")
        report.package.name = packaging.name
        packaged.extend(zipped)

    settings = rule_settings(options)
    alongside = packaging.destination is not None and not packaging.only_without_errors
    if options.skip_build:
        # The zip needs no finding: it is written while the lint's workers parse.
        findings = list(lint(project, alongside=package if alongside else None, settings=settings))
    else:
        findings = _lint_and_run(project, options, report, docker_client)
        if alongside:
            package()
    remember_secret_spans(project, findings)
    report.findings = finish(project, [*findings, *packaged], options)
    if packaging.destination is not None and packaging.only_without_errors:
        blocking = sum(1 for f in report.findings if f.severity is Severity.ERROR)
        if report.unfinished or blocking:
            why = "the check could not finish" if report.unfinished else f"{blocking} error(s) must be fixed first"
            report.package = PackageStage(reason=f"{why}: no zip, no artifact")
        else:
            package()
            report.findings = finish(project, [*report.findings, *packaged], options)
    return report


def _lint_and_run(project: Project, options: Options, report: Report, docker_client: object) -> list[Finding]:
    """The lint and the build and smoke test. The repository's own Dockerfile builds while the
    lint runs; the spec's template builds after it, on the tree as --fix would leave it."""
    from deploy_check.runtime import source

    if source.choose(project, options.build_dockerfile) == source.REPOSITORY:
        return _run(project, options, report, docker_client, source.repository(project), lambda: list(lint(project, settings=rule_settings(options))))
    findings = list(lint(project, settings=rule_settings(options)))
    reported = finish(project, findings, options)

    def findings_of(view: Project) -> list[Finding]:  # the first pass has them already
        return reported if view is project else finish(view, lint(view, settings=rule_settings(options)), options)

    fixes = fix_passes(project, findings_of, options.unsafe_fixes)
    with source.template(project, fixes, reported) as built:
        return findings + _run(project, options, report, docker_client, built, list)


def _run(project: Project, options: Options, report: Report, docker_client: object, built: BuildSource,
         meanwhile: Callable[[], list[Finding]]) -> list[Finding]:
    """Build and smoke-test `built`, with `meanwhile` run while the engine builds; the findings of both."""
    if built.blocked:
        report.build = built.stage()
        return meanwhile()
    from deploy_check.runtime import Runtime

    with Runtime(project, options, docker_client, built) as runtime:
        runtime.start()
        found = meanwhile()
        ran = runtime.finish()
    report.build, report.smoke = ran.build, ran.smoke
    return found + ran.findings


def finish(project: Project, findings: Iterable[Finding], options: Options) -> list[Finding]:
    """Drop ignored findings and duplicates; sort deterministically."""
    kept = {
        f
        for f in findings
        if f.rule not in options.ignore and not is_ignored_inline(project, f)
    }
    return sorted(kept, key=Finding.sort_key)


def exit_status(report: Report) -> int:
    """0 when nothing reaches the report's --fail-on threshold, else 1."""
    return 1 if any(fails(f.severity, report.fail_on) for f in report.findings) else 0
