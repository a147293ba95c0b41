"""Issue 8's study: on real repositories, what one run shows and what one `--fix` fixes.

    .venv/bin/python bench/fix_study.py [--only NAME] [--timeout S] [--jobs N] [--skip-build]

For each repository of bench/corpus/manifest.txt present locally (checked out as score.py
does it: nothing is fetched), on a scratch copy of its pinned commit:
  1. `deploy-check COPY --json before.json` (the full check: the spec's template is built and
     smoke-tested when the Dockerfile drifts);
  2. `deploy-check COPY --fix --json after.json` (the safe fixes written into the copy, then
     the full check of what remains).
Prints, per repository: lint errors before and after --fix, what the build and smoke test
did before and after (ok / failed / skipped / error, and with which Dockerfile), and the
rules of the errors that remain; then the totals. Nothing here is a test; nothing of the
repositories is kept.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "corpus"))

import score  # noqa: E402 - the corpus's own manifest and checkout

CLI = [sys.executable, "-m", "deploy_check"]
RUNTIME_RULES = {"build-failed", "smoke-boot", "smoke-http", "smoke-memory", "smoke-cold-start",
                 "smoke-ephemeral-write", "smoke-restart"}


def _run(tree: str, report: str, extra: list[str], timeout: float, skip_build: bool) -> dict:
    command = CLI + [tree, "--json", report, "--format", "json", "--output", os.devnull,
                     "--timeout", str(timeout), *extra]
    if skip_build:
        command.append("--skip-build")
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout * 6 + 600)
    try:
        with open(report, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        data = {}
    data["exit"] = done.returncode
    data["stderr"] = done.stderr.strip().splitlines()[-1:] if done.returncode >= 2 else []
    return data


def _summary(data: dict) -> dict:
    findings = data.get("findings", [])
    lint_errors = [f for f in findings if f["severity"] == "error" and f["rule"] not in RUNTIME_RULES]
    build, smoke = data.get("build", {}), data.get("smoke", {})
    runtime = sorted({f["rule"] for f in findings if f["rule"] in RUNTIME_RULES and f["severity"] == "error"})
    return {
        "exit": data.get("exit"),
        "lint_errors": len(lint_errors),
        "rules": sorted({f["rule"] for f in lint_errors}),
        "build": f"{build.get('status', '?')}({(build.get('dockerfile') or '-')[:4]})",
        "smoke": smoke.get("status", "?"),
        "runtime": runtime,
        # What the first runtime error saw (the smoke test's log line, the build's failing step).
        "why": next((" ".join(f["message"].split())[:160] for f in findings
                     if f["rule"] in RUNTIME_RULES and f["severity"] == "error"), ""),
        "stderr": data.get("stderr", []),
    }


def study(entry: score.Entry, scratch: str, timeout: float, skip_build: bool) -> tuple[str, dict, dict] | None:
    tree = score.checkout(entry, "/nonexistent", "/work/.mirror", scratch)
    if tree is None:
        return None
    copy = os.path.join(scratch, entry.key + "-copy")
    shutil.copytree(tree, copy, symlinks=True)
    before = _summary(_run(copy, os.path.join(scratch, entry.key + ".before.json"), [], timeout, skip_build))
    after = _summary(_run(copy, os.path.join(scratch, entry.key + ".after.json"), ["--fix"], timeout, skip_build))
    return entry.key, before, after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only")
    parser.add_argument("--timeout", type=float, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args(argv)
    entries = [e for e in score.manifest() if not args.only or args.only in e.key]
    rows = []
    with tempfile.TemporaryDirectory(prefix="fix-study-") as scratch:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(study, entry, scratch, args.timeout, args.skip_build) for entry in entries]
            for future in futures:
                result = future.result()
                if result is None:
                    continue
                key, before, after = result
                rows.append((key, before, after))
                print(f"{key[:48]:48} errors {before['lint_errors']:3} -> {after['lint_errors']:3}   "
                      f"build {before['build']:13} -> {after['build']:13} smoke {before['smoke']:7} -> "
                      f"{after['smoke']:7} exit {before['exit']}->{after['exit']}", flush=True)
                print(f"{'':48} left: {', '.join(after['rules']) or '-'}; runtime: "
                      f"{', '.join(after['runtime']) or '-'} {' '.join(after['stderr'])}", flush=True)
                if after["why"]:
                    print(f"{'':48} why: {after['why']}", flush=True)
    total_before = sum(b["lint_errors"] for _, b, _ in rows)
    total_after = sum(a["lint_errors"] for _, _, a in rows)
    booted_before = sum(b["smoke"] == "ok" for _, b, _ in rows)
    booted_after = sum(a["smoke"] == "ok" for _, _, a in rows)
    ran_before = sum(b["smoke"] not in ("skipped", "?") for _, b, _ in rows)
    ran_after = sum(a["smoke"] not in ("skipped", "?") for _, _, a in rows)
    print(f"\n{len(rows)} repositories: lint errors {total_before} -> {total_after}; "
          f"smoke test ran {ran_before} -> {ran_after}, passed {booted_before} -> {booted_after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
