"""The `deploy-check` command line."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from deploy_check import __version__
from deploy_check import engine
from deploy_check import rules
from deploy_check import spec
from deploy_check.errors import Interrupted
from deploy_check.errors import UsageError
from deploy_check.errors import raise_interrupted
from deploy_check.options import BUILD_DOCKERFILE
from deploy_check.options import FAIL_ON
from deploy_check.options import Options
from deploy_check.options import from_settings
from deploy_check.report import FORMATS
from deploy_check.report import RenderContext
from deploy_check.report import render
from deploy_check.report import write_file
from deploy_check.run_report import Report

EXIT_USAGE = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="deploy-check",
        description="Check a Flask repository against the Niblit.ai deployment spec, "
        "build and smoke-test its image, and package the upload zip.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the repository (default .)")
    parser.add_argument("--skip-build", action="store_true", help="lint only (no Docker needed)")
    parser.add_argument("--skip-smoke", action="store_true", help="build but do not run")
    parser.add_argument("--tier", choices=sorted(spec.TIERS), help="free (256 MB), pro (512 MB), team (1 GB)")
    parser.add_argument(
        "--smoke-path", action="append", metavar="PATHS",
        help="comma-separated paths that must answer 2xx/3xx (default /)",
    )
    parser.add_argument("--timeout", help="boot/answer deadline in seconds (default 60)")
    parser.add_argument("--format", choices=sorted(FORMATS), help="what goes to stdout (default text; github inside Actions)")
    parser.add_argument("--output", metavar="FILE", help="write that format to FILE instead of stdout")
    parser.add_argument("--sarif", metavar="FILE", help="also write a SARIF report")
    parser.add_argument("--json", metavar="FILE", help="also write a JSON report")
    parser.add_argument("--zip", metavar="FILE", help="write the upload zip there")
    parser.add_argument("--fail-on", choices=FAIL_ON, help="lowest severity that fails the run (default error)")
    parser.add_argument("--ignore", action="append", metavar="RULES", help="comma-separated rule ids to ignore")
    parser.add_argument(
        "--env", action="append", metavar="NAME[=VALUE]",
        help="an extra environment variable for the smoke-tested app (repeatable); NAME alone takes its value "
        "from this shell, like docker run -e",
    )
    parser.add_argument(
        "--probe-routes", action=argparse.BooleanOptionalAction, default=None,
        help="also probe every parameterless GET route the app declares (default on; probe-routes in the config)",
    )
    parser.add_argument(
        "--build-dockerfile", choices=BUILD_DOCKERFILE,
        help="what the build and smoke test run: auto (default; the spec's template when your Dockerfile "
        "drifts from it, on a copy of the tree as --fix would leave it), repository or template",
    )
    parser.add_argument("--keep-image", action="store_true", help="keep the built image")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and write nothing (exit 1 when there would be changes)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix/--diff: also the fixes that need a human's eye")
    parser.add_argument("--explain", metavar="RULE", help="print a rule's documentation and exit")
    parser.add_argument("--list-rules", action="store_true", help="list every rule id and exit")
    parser.add_argument("--list-apps", action="store_true",
                        help="print the Niblit apps under PATH as a JSON list (for a GitHub Actions matrix) and exit")
    parser.add_argument("--version", action="version", version=f"deploy-check {__version__}")
    return parser


def _split(values: Sequence[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def options_from_args(args: argparse.Namespace) -> Options:
    return from_settings(
        label=lambda name: "--smoke-path" if name == "smoke-paths" else f"--{name}",
        tier=args.tier,
        smoke_paths=_split(args.smoke_path) if args.smoke_path else None,
        timeout=args.timeout,
        fail_on=args.fail_on,
        build_dockerfile=args.build_dockerfile,
        ignore=_split(args.ignore),
        env=args.env,
        probe_routes=args.probe_routes,
        skip_build=args.skip_build,
        skip_smoke=args.skip_smoke or args.skip_build,
        zip_path=args.zip,
        keep_image=args.keep_image,
        fix=args.fix and not args.diff,
        unsafe_fixes=args.unsafe_fixes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    previous = signal.signal(signal.SIGTERM, raise_interrupted)
    try:
        return _main(argv)
    except UsageError as error:
        print(f"deploy-check: error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except Interrupted as interrupted:
        print("deploy-check: interrupted; everything it created was removed", file=sys.stderr)
        return 128 + interrupted.signum
    except KeyboardInterrupt:
        print("deploy-check: interrupted; everything it created was removed", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:
        return 1
    except Exception as error:  # our own bug: one line, exit 3
        if os.environ.get("DEPLOY_CHECK_DEBUG"):
            raise
        print(
            f"deploy-check: internal error: {type(error).__name__}: {_one_line(str(error))} "
            "(please report; set DEPLOY_CHECK_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_rules:
        for rule in rules.ALL_RULES.values():
            print(f"{rule.id:28} {rule.severity.value:8} {rule.short}")
        return 0
    if args.explain:
        rule = rules.get(args.explain)
        if rule is None:
            raise UsageError(f"--explain: unknown rule id {args.explain!r} (see --list-rules)")
        sys.stdout.write(rule.page)
        return 0
    if args.list_apps:
        from deploy_check.apps import find_apps
        from deploy_check.apps import for_matrix

        listing, warning = for_matrix(find_apps(engine.open_project(args.path)))
        if warning:
            print(f"deploy-check: warning: {warning}", file=sys.stderr)
        print(listing)
        return 0
    options = options_from_args(args)
    if args.diff:
        return print_diff(args.path, options)
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    fmt = args.format or ("github" if in_actions else "text")
    progress = _Progress(in_actions)
    show_progress = in_actions or sys.stderr.isatty()
    options.progress = progress if show_progress and not options.skip_build else None
    try:
        report = engine.check(args.path, options)
    finally:
        progress.close()
    emit(report, fmt, args)
    if report.unfinished:  # the whole report is out; then one line and exit 2
        raise UsageError(report.unfinished)
    return engine.exit_status(report)


def print_diff(path: str, options: Options) -> int:
    """--diff: the fixes as one unified diff on stdout, what was left out on stderr; exit 1
    when there would be changes, 0 when none."""
    from deploy_check.report.text import printable

    fixes, diff = engine.fix_plan_and_diff(path, options)
    sys.stdout.write(diff)
    sys.stdout.flush()
    for message in fixes.messages():
        print(f"deploy-check: fix: {printable(message)}", file=sys.stderr)
    for finding, reason in fixes.dropped:
        print(f"deploy-check: not fixed: {finding.rule}: {printable(reason)}", file=sys.stderr)
    count = len(fixes.applied)
    print(f"deploy-check: would fix {count} finding{'' if count == 1 else 's'}"
          f" in {len(fixes.files)} file{'' if len(fixes.files) == 1 else 's'}", file=sys.stderr)
    return 1 if fixes.changed else 0


class _Progress:
    """Live build steps on stderr: plain at a terminal, in a collapsed, inert group inside GitHub Actions."""

    def __init__(self, in_actions: bool) -> None:
        self.in_actions = in_actions
        self.grouped = False

    def __call__(self, line: str) -> None:
        from deploy_check import workflow_commands
        from deploy_check.report.text import printable

        if self.in_actions:
            if not self.grouped:
                print(workflow_commands.group("deploy-check: docker build"), file=sys.stderr)
                self.grouped = True
            print(workflow_commands.untrusted_block(line), file=sys.stderr)
        else:
            print(f"build: {printable(line)}", file=sys.stderr)
        sys.stderr.flush()

    def close(self) -> None:
        if self.grouped:
            from deploy_check import workflow_commands

            print(workflow_commands.end_group(), file=sys.stderr)
            self.grouped = False


def emit(report: Report, fmt: str, args: argparse.Namespace) -> None:
    """Write the chosen format to stdout or --output, plus any extra report files."""
    to_tty = args.output is None and sys.stdout.isatty()
    color = to_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    from deploy_check.workflow_commands import workspace_prefix

    context = RenderContext(color=color, source_line=report.source_line, path_prefix=workspace_prefix(report.path))
    if args.json:
        write_file(args.json, render("json", report, context))
    if args.sarif:
        write_file(args.sarif, render("sarif", report, context))
    output = render(fmt, report, context)
    if args.output:
        write_file(args.output, output)
    else:
        sys.stdout.write(output)
        sys.stdout.flush()
