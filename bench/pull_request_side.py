"""What the pull-request side costs: requests, wall time and comment size, against the local fake API.

    .venv/bin/python bench/pull_request_side.py [LATENCY_MS] [-v]   # default 80 ms: a typical REST round trip

Runs the action lint-only (skip-build) on the bundled broken app and on a copy with
200 findings, first without a token, then as a first and a second pull-request run
with fix-suggestions and only-changed on, then a push that records the baseline, then
a second pull-request run that compares with it and edits the comment in place. The fake answers each request after
LATENCY_MS. Prints one row per run (-v: and the comments). Nothing here is a test.
"""
from __future__ import annotations

import io
import json
import pathlib
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from deploy_check import action  # noqa: E402
from tests.fake_github import TOKEN  # noqa: E402
from tests.fake_github import FakeGitHub  # noqa: E402


def app_with(findings: int, into: pathlib.Path) -> pathlib.Path:
    shutil.copytree(ROOT / "examples" / "broken" / "wrong-port", into)
    (into / "settings.py").write_text("import sqlite3\n" + "\n".join(f"sqlite3.connect('db{n}.db')" for n in range(findings)) + "\n")
    return into


def run(app: pathlib.Path, work: pathlib.Path, api: FakeGitHub | None, event: dict, name: str) -> tuple[float, int]:
    workspace = work / "ws"
    if workspace.exists():
        shutil.rmtree(workspace)
    shutil.copytree(app, workspace / "app")
    (work / "event.json").write_text(json.dumps(event))
    environ = {"GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(work / "out"),
               "GITHUB_STEP_SUMMARY": str(work / "summary"), "GITHUB_REPOSITORY": "niblit/demo",
               "GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(work / "event.json"),
               "GITHUB_SHA": "b" * 40, "GITHUB_RUN_ID": "1", "INPUT_PATH": "app", "INPUT_SKIP-BUILD": "true",
               "INPUT_FIX-SUGGESTIONS": "true", "INPUT_ONLY-CHANGED": "true"}
    if api is not None:
        environ.update({"GITHUB_API_URL": api.url, "INPUT_GITHUB-TOKEN": TOKEN})
    started = time.perf_counter()
    action.main(environ, io.StringIO())
    return time.perf_counter() - started, 0


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg != "-v"]
    latency = float(numbers[0]) / 1000 if numbers else 0.08
    pull = {"pull_request": {"number": 7, "base": {"sha": "b" * 40, "ref": "main", "repo": {"full_name": "niblit/demo"}},
                             "head": {"sha": "c" * 40, "repo": {"full_name": "niblit/demo"}}}}
    print(f"latency {latency * 1000:.0f} ms per request")
    print("| app | run | requests | wall | comment |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        apps = {"wrong-port": ROOT / "examples" / "broken" / "wrong-port", "200 findings": app_with(200, work / "big")}
        for label, app in apps.items():
            seconds, _ = run(app, work, None, pull, "pull_request")
            print(f"| {label} | no token | 0 | {seconds:.2f} s | |")
            api = FakeGitHub()
            original = api.answer

            def slow(request, origin, original=original):  # type: ignore[no-untyped-def]
                time.sleep(latency)
                return original(request, origin)

            api.answer = slow  # type: ignore[method-assign]
            files = [{"filename": f"app/{p.relative_to(app)}", "status": "added",
                      "patch": "@@ -0,0 +1,%d @@\n" % len(p.read_text().splitlines())
                      + "\n".join("+" + line for line in p.read_text().splitlines())}
                     for p in sorted(app.iterdir()) if p.is_file()]
            api.files[7] = files
            for run_name, event, event_name in [("1st pull request run (no baseline)", pull, "pull_request"),
                                                ("push (records the baseline)", {"after": "b" * 40}, "push"),
                                                ("2nd (compared, edited in place)", pull, "pull_request")]:
                before = len(api.requests)
                seconds, _ = run(app, work, api, event, event_name)
                size = max((len(c["body"].encode()) for c in api.comments.values()), default=0)
                if "-v" in sys.argv:
                    print(*(c["body"] for c in api.comments.values()))
                print(f"| {label} | {run_name} | {len(api.requests) - before} | {seconds:.2f} s | "
                      f"{size / 1024:.1f} KiB |")
            api.close()


if __name__ == "__main__":
    main()
