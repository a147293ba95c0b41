"""The build and smoke test on the real Docker engine, one small app per runtime rule."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from deploy_check import Options
from deploy_check import check
from deploy_check.runtime.resources import LABEL
from tests.conftest import EXAMPLE
from tests.conftest import TIMED_RULES
from tests.conftest import untimed

APPS = pathlib.Path(__file__).resolve().parents[1] / "apps"
RUNTIME_RULES = {"build-failed", "smoke-boot", "smoke-http", "smoke-memory", "smoke-cold-start",
                 "smoke-ephemeral-write", "smoke-restart"}

pytestmark = pytest.mark.docker


def runtime_findings(report, timed: bool = False) -> list[tuple[str, str | None, int | None]]:
    """The runtime findings, placed; the wall-clock ones (cold start) only when the test is about them."""
    findings = report.findings if timed else untimed(report.findings)
    return sorted(((f.rule, f.path, f.line) for f in findings if f.rule in RUNTIME_RULES),
                  key=lambda t: (t[0], t[1] or "", t[2] or 0))


def leftovers(client, run_ids: set[str] | None = None) -> list[str]:
    """What deploy-check runs left in the engine. With `run_ids`, what those runs left. Without,
    what stays: others' checks run on the same engine, so only what is there now and is still
    there while nothing new of it goes away for a while counts (a leak stays for good)."""
    if run_ids is not None:
        assert run_ids, "no run of this test to look for"
        return _labelled(client, [f"{LABEL}={run_id}" for run_id in sorted(run_ids)])
    staying = set(_labelled(client, [LABEL]))
    deadline = time.monotonic() + LEFTOVER_PATIENCE
    while staying and time.monotonic() < deadline:
        time.sleep(1.0)
        staying &= set(_labelled(client, [LABEL]))
    return sorted(staying)


LEFTOVER_PATIENCE = 300.0


@pytest.fixture
def own_runs(monkeypatch) -> set[str]:
    """The run ids of the checks this test runs in-process, to look for what they left."""
    import deploy_check.runtime

    ids: set[str] = set()
    original = deploy_check.runtime.new_run_id
    monkeypatch.setattr(deploy_check.runtime, "new_run_id", lambda: _record(ids, original()))
    return ids


def _record(ids: set[str], run_id: str) -> str:
    ids.add(run_id)
    return run_id


def _labelled(client, labels: list[str]) -> list[str]:
    found = []
    for label in labels:
        found += [c["Names"][0] for c in client.api.containers(all=True, filters={"label": label})]
        found += [v["Name"] for v in (client.api.volumes(filters={"label": label}).get("Volumes") or [])]
        found += [i["Id"] for i in client.api.images(filters={"label": label})]
    return found


def test_example_builds_boots_and_passes(docker_client, own_runs):
    report = check(str(EXAMPLE), Options(), docker_client=docker_client)
    assert untimed(report.findings) == []
    assert report.build.status == "ok" and report.build.image_size_bytes > 0
    assert report.smoke.status == "ok" and report.smoke.restart == "ok"
    assert report.smoke.cold_start_seconds > 0
    assert 0 < report.smoke.peak_memory_bytes < 256 * 1024 * 1024
    assert leftovers(docker_client, own_runs) == []


@pytest.mark.parametrize(
    "app, options, expected",
    [
        ("import-error", {}, [("smoke-boot", "app.py", 3)]),
        ("http-500", {}, [("smoke-http", "app.py", 8)]),
        ("writes-app", {}, [("smoke-ephemeral-write", None, None)]),
        ("create-table-twice", {}, [("smoke-restart", "app.py", 8)]),
        ("bad-requirement", {}, [("build-failed", "requirements.txt", 3)]),
        ("bad-run", {"build_dockerfile": "repository"}, [("build-failed", "Dockerfile", 14)]),
        ("slow-boot", {"timeout": 60}, [("smoke-cold-start", None, None)]),
    ],
)
def test_runtime_rule_on_its_line(docker_client, own_runs, app, options, expected):
    report = check(str(APPS / app), Options(**options), docker_client=docker_client)
    assert runtime_findings(report, timed=any(rule in TIMED_RULES for rule, _, _ in expected)) == expected
    assert leftovers(docker_client, own_runs) == []


def test_a_pin_conflict_quotes_the_need_that_rules_the_pin_out(docker_client, own_runs):
    # pip lists jinja2's need too (MarkupSafe>=2.0, which 2.0.1 meets): quoting it contradicted itself.
    report = check(str(APPS / "pin-conflict"), Options(), docker_client=docker_client)
    (failed,) = [f for f in report.findings if f.rule == "build-failed"]
    assert (failed.path, failed.line) == ("requirements.txt", 3)
    assert "MarkupSafe==2.0.1 conflicts with `Werkzeug==2.2.3` (line 5)" in failed.message
    assert failed.message.endswith("werkzeug 2.2.3 depends on MarkupSafe>=2.1.1")
    assert "jinja2" not in failed.message
    assert leftovers(docker_client, own_runs) == []


def test_old_flask_fails_to_boot_until_fix_bounds_its_dependencies(docker_client, own_runs, tmp_path):
    import shutil

    from deploy_check.cli import main

    repo = shutil.copytree(APPS / "old-flask", tmp_path / "repo")
    before = check(str(repo), Options(), docker_client=docker_client)
    assert [(f.rule, f.line) for f in before.findings if f.rule == "requirements-flask"] == [("requirements-flask", 1)]
    (boot,) = [f for f in before.findings if f.rule == "smoke-boot"]
    assert "ImportError" in boot.message
    assert main([str(repo), "--skip-build", "--fix", "--output", os.devnull]) == 0
    after = check(str(repo), Options(), docker_client=docker_client)
    assert untimed(after.findings) == [] and after.smoke.status == "ok"
    assert leftovers(docker_client, own_runs) == []


def test_workers_dying_at_start_up_end_the_wait_with_the_reason(docker_client, own_runs):
    report = check(str(APPS / "run-at-import"), Options(timeout=300), docker_client=docker_client)
    (boot,) = [f for f in report.findings if f.rule == "smoke-boot"]
    assert "keep dying at start-up" in boot.message and "app.run() at import time" in boot.message
    assert leftovers(docker_client, own_runs) == []


def test_an_app_on_the_containers_loopback_only_is_found_at_once(docker_client, own_runs):
    report = check(str(APPS / "loopback-only"), Options(timeout=300, build_dockerfile="repository"),
                   docker_client=docker_client)
    (boot,) = [f for f in report.findings if f.rule == "smoke-boot"]
    assert "listens on 127.0.0.1:5000 (the container's own loopback" in boot.message
    assert (boot.path, boot.line) == ("app.py", 12)  # app.run(port=5000): its host is the default 127.0.0.1
    assert leftovers(docker_client, own_runs) == []


def test_memory_over_the_tier_is_found(docker_client, own_runs):
    report = check(str(APPS / "memory-hog"), Options(timeout=20), docker_client=docker_client)
    memory = [f for f in report.findings if f.rule == "smoke-memory"]
    assert memory and memory[0].severity.value == "error"
    assert "256 MB" in memory[0].message
    assert leftovers(docker_client, own_runs) == []


def test_memory_fits_a_bigger_tier(docker_client):
    report = check(str(APPS / "memory-hog"), Options(tier="team", timeout=30), docker_client=docker_client)
    assert [f for f in report.findings if f.rule == "smoke-memory" and f.severity.value == "error"] == []
    assert report.smoke.peak_memory_bytes > 300 * 1024 * 1024


def test_app_sees_only_the_spec_environment_and_what_env_adds(docker_client, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_not_for_the_app")
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", "not-for-the-app")
    from deploy_check.runtime import smoke

    seen = {}
    original = smoke.watch

    def spy(container, base, paths, timeout, started):
        run = original(container, base, paths, timeout, started)
        from deploy_check.runtime import probe

        answer = probe._OPENER.open(base + "/", timeout=5).read()
        seen.update(json.loads(answer))
        return run

    monkeypatch.setattr(smoke, "watch", spy)
    check(str(APPS / "snoop"), Options(smoke_env=(("EXTRA_SETTING", "on"),)), docker_client=docker_client)
    assert "GITHUB_TOKEN" not in seen["env"] and "ACTIONS_RUNTIME_TOKEN" not in seen["env"]
    assert {"PORT", "FLASK_ENV", "DATABASE_PATH", "EXTRA_SETTING"} <= set(seen["env"])
    assert seen["docker_socket"] is False
    assert int(seen["caps"], 16) == 0
    assert seen["no_new_privs"] == "1"


def _run_ids(client) -> set[str]:
    return {c["Labels"].get(LABEL, "") for c in client.api.containers(all=True, filters={"label": LABEL})}


def test_sigterm_mid_smoke_leaves_nothing_behind(docker_client):
    before = _run_ids(docker_client)  # other checks on the same engine: not this one's
    process = subprocess.Popen([sys.executable, "-m", "deploy_check", str(APPS / "slow-boot")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    mine: set[str] = set()
    while time.monotonic() < deadline:
        running = docker_client.api.containers(filters={"label": LABEL, "status": "running"})
        mine = {c["Labels"].get(LABEL, "") for c in running
                if c["Names"][0].endswith("-app") and c["Labels"].get(LABEL, "") not in before}
        if mine:
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the smoke container never started")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert leftovers(docker_client, mine) == []


def test_no_engine_is_exit_2_with_one_line(tmp_path):
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/no.sock")
    result = subprocess.run([sys.executable, "-m", "deploy_check", str(EXAMPLE)], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--skip-build" in result.stderr
