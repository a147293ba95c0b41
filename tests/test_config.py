from __future__ import annotations

import pytest

from deploy_check.config import load_config
from deploy_check.errors import UsageError
from deploy_check.options import Options
from deploy_check.project import Project


def _project(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return Project(str(tmp_path))


def test_dot_file_settings(tmp_path):
    config = load_config(_project(tmp_path, {".deploy-check.toml": 'ignore = ["app-port"]\ntier = "pro"\nsmoke-paths = ["/", "/health"]\n'}))
    assert config.ignore == {"app-port"}
    assert config.tier == "pro"
    assert config.smoke_paths == ("/", "/health")


def test_pyproject_table(tmp_path):
    config = load_config(_project(tmp_path, {"pyproject.toml": '[project]\nname="x"\n[tool.deploy-check]\nignore = ["forbidden-file"]\n'}))
    assert config.ignore == {"forbidden-file"}
    assert config.source == "pyproject.toml"


def test_pyproject_without_table_is_no_config(tmp_path):
    assert load_config(_project(tmp_path, {"pyproject.toml": '[project]\nname="x"\n'})).source is None


@pytest.mark.parametrize(
    "text",
    [
        "ignore = [1]",
        'tier = "gold"',
        'smoke-paths = ["health"]',
        "timeout = -1",
        'fail-on = "sometimes"',
        'build-dockerfile = "mine"',
        'colour = "red"',
        "not toml at all [",
    ],
)
def test_bad_settings_are_usage_errors(tmp_path, text):
    with pytest.raises(UsageError):
        load_config(_project(tmp_path, {".deploy-check.toml": text}))


def test_explicit_options_win_over_config(tmp_path):
    config = load_config(_project(tmp_path, {".deploy-check.toml": 'tier = "team"\nignore = ["app-port"]\n'}))
    merged = Options(tier="pro", explicit=frozenset({"tier"}), ignore=frozenset({"x"})).with_config(config)
    assert merged.tier == "pro"
    assert merged.ignore == {"x", "app-port"}
    assert Options().with_config(config).tier == "team"


def test_route_probing_settings(tmp_path):
    config = load_config(_project(tmp_path, {".deploy-check.toml": 'probe-routes = false\nskip-routes = ["/admin/*"]\n'}))
    assert config.probe_routes is False and config.skip_routes == ("/admin/*",)
    options = Options().with_config(config)
    assert options.probe_routes is False and options.skip_routes == ("/admin/*",)
    assert Options(probe_routes=True, explicit=frozenset({"probe_routes"})).with_config(config).probe_routes is True


@pytest.mark.parametrize("text", ['probe-routes = "yes"', "skip-routes = [1]"])
def test_bad_route_settings_are_usage_errors(tmp_path, text):
    with pytest.raises(UsageError):
        load_config(_project(tmp_path, {".deploy-check.toml": text}))


def test_build_dockerfile_from_config_unless_given(tmp_path):
    config = load_config(_project(tmp_path, {".deploy-check.toml": 'build-dockerfile = "repository"\n'}))
    assert Options().with_config(config).build_dockerfile == "repository"
    given = Options(build_dockerfile="template", explicit=frozenset({"build_dockerfile"}))
    assert given.with_config(config).build_dockerfile == "template"
