from __future__ import annotations

import json
import subprocess
import sys

import pytest

from deploy_check.cli import main
from tests.conftest import EXAMPLE


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deploy_check", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ["/no/such/dir", "--skip-build"],
        [__file__, "--skip-build"],
        ["--tier", "gold"],
        ["--fail-on", "sometimes"],
        ["--timeout", "-3"],
        ["--timeout", "abc"],
        ["--smoke-path", "health"],
        ["--ignore", "no-such-rule"],
        ["--explain", "no-such-rule"],
        ["--no-such-flag"],
        ["--env", "PORT=8080"],
        ["--env", "NOT_SET_ANYWHERE_HERE"],
        ["--env", "bad name=1"],
        ["--build-dockerfile", "mine"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("deploy-check ")


def test_explain_prints_the_rule_page(capsys):
    assert main(["--explain", "database-path"]) == 0
    assert capsys.readouterr().out.startswith("# database-path")


def test_json_to_output_file(tmp_path, capsys):
    out = tmp_path / "report.json"
    status = main([str(EXAMPLE), "--skip-build", "--format", "json", "--output", str(out)])
    assert capsys.readouterr().out == ""
    report = json.loads(out.read_text())
    assert report["version"] == 1
    assert set(report) >= {"path", "findings", "counts", "build", "smoke", "package"}
    assert report["counts"]["error"] == 0  # the example is clean
    assert status == 0


def test_extra_report_files(tmp_path):
    result = run(str(EXAMPLE), "--skip-build", "--json", str(tmp_path / "r.json"), "--sarif", str(tmp_path / "r.sarif"))
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["version"] == 1
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"


def test_fail_on_never_exits_zero(tmp_path):
    (tmp_path / "app.py").write_text("print('no flask here')\n")
    assert main([str(tmp_path), "--skip-build", "--fail-on", "never", "--format", "json"]) == 0
    assert main([str(tmp_path), "--skip-build", "--format", "json"]) == 1


def test_workspace_prefix_for_annotations(tmp_path):
    from deploy_check.workflow_commands import workspace_prefix

    (tmp_path / "app").mkdir()
    assert workspace_prefix(str(tmp_path / "app"), {"GITHUB_WORKSPACE": str(tmp_path)}) == "app/"
    assert workspace_prefix(str(tmp_path), {"GITHUB_WORKSPACE": str(tmp_path)}) == ""
    assert workspace_prefix(str(tmp_path / "app"), {}) == ""


def test_short_secrets_are_never_quoted(tmp_path, capsys):
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.secret_key = 'dev'\n")
    main([str(tmp_path), "--skip-build"])
    out = capsys.readouterr().out
    assert "secret_key = ****" in out and "'dev'" not in out


def test_importing_the_package_is_instant():
    # The entry point can only catch a Ctrl-C once its own module is imported.
    code = "import sys, deploy_check.launcher; print(sorted(m for m in sys.modules if m.startswith('deploy_check')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "['deploy_check', 'deploy_check.launcher']"


def test_ctrl_c_while_importing_is_one_line_and_130(monkeypatch, capsys):
    import types

    from deploy_check import launcher

    class Interrupting(types.ModuleType):
        def __getattr__(self, name):
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "deploy_check.cli", Interrupting("deploy_check.cli"))
    assert launcher.main() == 130
    assert capsys.readouterr().err == "deploy-check: interrupted\n"


@pytest.mark.parametrize("args, expected", [([], True), (["--probe-routes"], True), (["--no-probe-routes"], False)])
def test_probe_routes_flag(args, expected):
    from deploy_check.cli import build_parser
    from deploy_check.cli import options_from_args

    options = options_from_args(build_parser().parse_args(args))
    assert options.probe_routes is expected
    assert ("probe_routes" in options.explicit) is bool(args)  # given: it wins over the config
