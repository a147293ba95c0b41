"""The GitHub Action: inputs in, the whole check, annotations, summary, outputs, the artifact.

Inputs are read once from the environment mapping passed in (INPUT_<NAME>,
upper-cased, hyphens kept, spaces as `_`), so tests pass their own.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from deploy_check import engine
from deploy_check import workflow_commands
from deploy_check import pull_request
from deploy_check.artifact import ArtifactError
from deploy_check.artifact import Client
from deploy_check.artifact import ActionsRuntime
from deploy_check.artifact import Uploaded
from deploy_check.artifact import artifact_url
from deploy_check.artifact import validate_name
from deploy_check.errors import Interrupted
from deploy_check.errors import UsageError
from deploy_check.errors import raise_interrupted
from deploy_check.options import Options
from deploy_check.options import from_settings
from deploy_check.report import RenderContext
from deploy_check.report import render
from deploy_check.report import summary
from deploy_check.report import write_file
from deploy_check.walk import OUTPUT_DIR

TRUE = ("true", "yes", "1", "on")
FALSE = ("false", "no", "0", "off", "")


def read_input(environ: Mapping[str, str], name: str, default: str = "") -> str:
    key = "INPUT_" + name.replace(" ", "_").upper()
    return environ.get(key, default).strip() or default


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = read_input(environ, name, "true" if default else "false").lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise UsageError(f"input {name}: expected true or false, got {value!r}")


def _split(value: str) -> list[str]:
    return [part.strip() for line in value.splitlines() for part in line.split(",") if part.strip()]


def options_from_inputs(environ: Mapping[str, str]) -> Options:
    skip_build = _bool(environ, "skip-build", False)
    # Unset (""): the repository's probe-routes setting, then the default (on).
    probe_routes = _bool(environ, "probe-routes", True) if read_input(environ, "probe-routes") else None
    paths = _split(read_input(environ, "smoke-paths"))
    return from_settings(
        label=lambda name: f"input {name}",
        tier=read_input(environ, "tier") or None,
        smoke_paths=paths or None,
        timeout=read_input(environ, "timeout") or None,
        fail_on=read_input(environ, "fail-on") or None,
        build_dockerfile=read_input(environ, "build-dockerfile") or None,
        ignore=_split(read_input(environ, "ignore")),
        env=[line.strip() for line in read_input(environ, "env").splitlines()
             if line.strip() and not line.strip().startswith("#")],
        probe_routes=probe_routes,
        environ=environ,
        skip_build=skip_build,
        skip_smoke=skip_build or _bool(environ, "skip-smoke", False),
    )


def main(environ: Mapping[str, str] | None = None, out: TextIO | None = None) -> int:
    environ = dict(os.environ) if environ is None else environ
    out = out or sys.stdout
    try:
        return _run(environ, out)
    except UsageError as error:
        print(workflow_commands.command("error", {"title": "deploy-check"}, " ".join(str(error).split())), file=out)
        return 2
    except (Interrupted, KeyboardInterrupt):
        print(workflow_commands.command("error", {"title": "deploy-check"}, "interrupted; everything it created was removed"),
              file=out)
        return 130


def _run(environ: Mapping[str, str], out: TextIO) -> int:
    import signal

    signal.signal(signal.SIGTERM, raise_interrupted)
    workspace = os.path.realpath(environ.get("GITHUB_WORKSPACE") or os.getcwd())
    relative = read_input(environ, "path", ".")
    target = os.path.realpath(os.path.join(workspace, relative))
    if not (target == workspace or target.startswith(workspace + os.sep)):
        raise UsageError(f"input path: {relative!r} is outside the workspace")
    prefix = workflow_commands.workspace_prefix(target, {"GITHUB_WORKSPACE": workspace})
    repository = (environ.get("GITHUB_REPOSITORY") or "app").rsplit("/", 1)[-1]
    if _bool(environ, "list-apps", False):
        return _list_apps(environ, target, prefix, repository, out)
    options = options_from_inputs(environ)
    artifact_name = read_input(environ, "artifact-name", f"{repository}-niblit")
    upload = _bool(environ, "upload", True)
    validate_name_or_usage(artifact_name)  # it also names the zip and the JSON report
    retention = read_input(environ, "retention-days")
    retention_days = None
    if retention:
        if not retention.isdigit() or not 1 <= int(retention) <= 90:
            raise UsageError(f"input retention-days: expected 1 to 90, got {retention!r}")
        retention_days = int(retention)

    # Mask every secret in the repository before anything of it can reach the log.
    project = engine.open_project(target)
    from deploy_check.parsing.secrets import secret_values

    # And the values handed to the app with the env input (taken from the step's env: secrets).
    given = {value for _, value in options.smoke_env if len(value) >= 4}
    token = read_input(environ, "github-token")
    if token:
        given.add(token)
    runner_tokens = {token, environ.get("ACTIONS_RUNTIME_TOKEN", ""), environ.get("GITHUB_TOKEN", "")} - {""}
    for variable, passed_value in options.smoke_env:
        if passed_value in runner_tokens:  # said before anything prints: the error names the variable only
            raise UsageError(f"input env: {variable} carries a GitHub token, which never reaches the app under test")
    only_changed = _bool(environ, "only-changed", False)
    fix_suggestions = _bool(environ, "fix-suggestions", False)
    for secret in sorted(secret_values(project) | given):
        print(workflow_commands.add_mask(secret), file=out)
    out.flush()

    options.progress = _progress_printer(out)  # type: ignore[assignment]
    options = engine.configured(project, options)
    destination = os.path.join(workspace, OUTPUT_DIR, f"{artifact_name}.zip")
    packaging = engine.Packaging(destination, only_without_errors=True, name=f"{artifact_name}.zip")
    print(workflow_commands.group("deploy-check: build and smoke test"), file=out)
    try:
        report = engine.run(project, options, packaging, path=target)
    finally:
        print(workflow_commands.end_group(), file=out)
    if any(f.fix is not None and f.fix.safe for f in report.findings):  # the summary shows them as a diff
        report.fix_diff = engine.fixes_diff(project, options)
    context = RenderContext(source_line=report.source_line, path_prefix=prefix)
    pr = pull_request.Session(environ, token=token, app=pull_request.app_key(prefix), prefix=prefix,
                              workspace=workspace, out=out)
    shown = pr.shown(report.findings, only_changed)
    out.write(render("github", dataclasses.replace(report, findings=shown), context))
    pr.hidden_notice(report, shown)

    notes: list[str] = []
    outputs: dict[str, object] = {
        "errors": report.counts["error"], "warnings": report.counts["warning"], "zip-path": "", "zip-sha256": "",
        "artifact-id": "", "artifact-url": "", "artifact-digest": "",
        "cold-start-seconds": report.smoke.cold_start_seconds or "",
        "peak-memory-bytes": report.smoke.peak_memory_bytes or "",
    }
    if report.package.status == "ok":
        outputs["zip-path"] = os.path.relpath(destination, workspace).replace(os.sep, "/")
        outputs["zip-sha256"] = report.package.sha256
        uploaded = _upload(environ, upload, artifact_name, destination, retention_days, notes, out)
        if uploaded is not None:
            outputs["artifact-id"] = uploaded.id
            outputs["artifact-url"] = artifact_url(environ, uploaded.id)
            outputs["artifact-digest"] = uploaded.digest

    sarif_file = read_input(environ, "sarif-file")
    if sarif_file:
        write_file(os.path.join(workspace, sarif_file), render("sarif", report, context))
    # Could not finish: everything found so far is out (annotations, SARIF, JSON, summary), then exit 2.
    status = 2 if report.unfinished else engine.exit_status(report)
    report_json = os.path.join(workspace, OUTPUT_DIR, f"{artifact_name}.json")
    os.makedirs(os.path.dirname(report_json), exist_ok=True)
    write_file(report_json, render("json", report, context))
    outputs["report-json"] = os.path.relpath(report_json, workspace).replace(os.sep, "/")
    outputs["passed"] = "true" if status == 0 else "false"
    links = [(label, url) for label, url in [("Job summary", pull_request.run_url(environ)),
                                             ("Upload zip", str(outputs["artifact-url"]))] if url]
    pr.publish(report, context, project, passed=status == 0, only_changed=only_changed,
               fix_suggestions=fix_suggestions, links=links)
    notes.extend(pr.notes)
    if environ.get("GITHUB_OUTPUT"):
        for name, value in outputs.items():
            workflow_commands.set_output(environ["GITHUB_OUTPUT"], name, value)
    if environ.get("GITHUB_STEP_SUMMARY"):
        workflow_commands.append_summary(environ["GITHUB_STEP_SUMMARY"], summary.render(report, context, notes=notes))
    return status


def _list_apps(environ: Mapping[str, str], target: str, prefix: str, repository: str, out: TextIO) -> int:
    """The list-apps mode: the apps under `path` as the `apps` output (workspace-relative paths), nothing else."""
    from deploy_check.apps import App
    from deploy_check.apps import find_apps
    from deploy_check.apps import for_matrix

    found = find_apps(engine.open_project(target), root_name=repository)
    # Paths relative to the workspace, as the matrix jobs give them back as their `path` input.
    apps = [App(prefix + app.path if app.path != "." else prefix.rstrip("/") or ".", app.name) for app in found]
    listing, warning = for_matrix(apps)
    print(workflow_commands.neutralise(f"deploy-check: {len(apps)} Niblit app(s): {listing}"), file=out)
    if warning:
        print(workflow_commands.command("warning", {"title": "deploy-check"}, warning), file=out)
    if environ.get("GITHUB_OUTPUT"):
        workflow_commands.set_output(environ["GITHUB_OUTPUT"], "apps", listing)
    return 0


def validate_name_or_usage(name: str) -> None:
    try:
        validate_name(name)
    except ArtifactError as error:
        raise UsageError(f"input artifact-name: {error}") from None


def _upload(environ: Mapping[str, str], upload: bool, name: str, path: str, retention_days: int | None,
            notes: list[str], out: TextIO) -> Uploaded | None:
    if not upload:
        notes.append("Upload skipped: the upload input is false.")
        return None
    try:
        runtime = ActionsRuntime.from_environ(environ)
    except ArtifactError as error:
        raise UsageError(f"artifact upload: {error}") from None
    if runtime is None:
        line = "no artifact service here (ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL unset): the zip was not uploaded"
        print(workflow_commands.command("notice", {"title": "deploy-check"}, line), file=out)
        notes.append(line)
        return None
    try:
        uploaded = Client(runtime).upload(name, path, retention_days)
    except ArtifactError as error:
        print(workflow_commands.command("error", {"title": "deploy-check"}, f"artifact upload failed: {error}"), file=out)
        raise UsageError(f"artifact upload failed: {error}") from None
    notes.append(f"Uploaded as artifact {name!r} (id {uploaded.id}).")
    return uploaded


def _progress_printer(out: TextIO):  # type: ignore[no-untyped-def]
    def progress(line: str) -> None:
        out.write(workflow_commands.untrusted_block(line) + "\n")
        out.flush()

    return progress


