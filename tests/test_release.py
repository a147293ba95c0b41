"""The release: the workflow's own steps run here (local git origin, the real engine, a fresh virtualenv)."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import release  # noqa: E402

WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
IMAGE = "ghcr.io/niblit/deploy-check@sha256:" + "ab" * 32
REVISION = "0123456789abcdef0123456789abcdef01234567"
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main",
       "-c", "advice.detachedHead=false"]


def step(job: str, name: str) -> str:
    """The `run:` script of the release workflow's step `name` in `job`."""
    [script] = [s["run"] for s in WORKFLOW["jobs"][job]["steps"] if s.get("name", "").startswith(name)]
    return script


def copy_of_the_repository(tmp_path: pathlib.Path) -> pathlib.Path:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "__pycache__", "*.egg-info", "build", "dist", ".deploy-check", "out",
        ".mypy_cache", ".hypothesis"))
    return copy


def bash(script: str, cwd: pathlib.Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


@pytest.mark.parametrize(("tag", "version"), [("v1.2.3", "1.2.3"), ("v0.10.0rc2", "0.10.0rc2"),
                                              ("v2.0.0.post1", "2.0.0.post1")])
def test_version_from_a_release_tag(tag, version):
    assert release.version_from_tag(tag) == version


@pytest.mark.parametrize("tag", ["1.2.3", "v1.2", "v1.2.3-beta", "vx.y.z", "v1.2.3\n__version__"])
def test_a_bad_tag_is_one_line_and_exit_2(tag):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "release.py"), "version", tag],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "not a release tag" in result.stderr


def test_released_action_yml_pulls_the_image_and_changes_nothing_else():
    main = (ROOT / "action.yml").read_text()
    assert yaml.safe_load(main)["runs"] == {"using": "docker", "image": "Dockerfile"}   # main builds
    released = release.released_action_yml(main, IMAGE)
    before, after = yaml.safe_load(main), yaml.safe_load(released)
    assert after["runs"] == {"using": "docker", "image": f"docker://{IMAGE}"}
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert len(released.splitlines()) == len(main.splitlines())
    with pytest.raises(release.ReleaseError):
        release.released_action_yml(released, IMAGE)          # already released: no Dockerfile line
    with pytest.raises(release.ReleaseError):
        release.released_action_yml(main, "Ghcr.io/UPPER/case:1")


def test_the_workflow_publishes_with_trusted_publishing_and_pins_what_it_installs():
    jobs = WORKFLOW["jobs"]
    assert jobs["pypi"]["permissions"] == {"id-token": "write"} and jobs["pypi"]["environment"] == "pypi"
    assert jobs["pypi"]["steps"][-1] == {"uses": "pypa/gh-action-pypi-publish@release/v1"}
    assert "twine check --strict dist/*" in step("pypi", "Build the sdist")
    assert jobs["image"]["permissions"]["packages"] == "write"
    assert jobs["action"]["needs"] == ["image", "pypi"] and jobs["action"]["permissions"] == {"contents": "write"}
    assert WORKFLOW["permissions"] == {"contents": "read"}
    for job in jobs.values():                                 # every script is valid bash
        for s in job["steps"]:
            if "run" in s:
                assert subprocess.run(["bash", "-n", "-c", s["run"]], timeout=30).returncode == 0, s["run"]


def git(cwd: pathlib.Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


@pytest.mark.parametrize(("tag", "moves_major"), [("v1.4.2", True), ("v1.5.0rc1", False)])
def test_the_action_job_moves_the_tags_to_a_release_commit(tmp_path, tag, moves_major):
    repo = copy_of_the_repository(tmp_path)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "main")
    git(repo, "tag", "v1", "HEAD")                            # the major tag of an earlier release
    git(repo, "commit", "-q", "--allow-empty", "-m", "the commit being released")
    git(repo, "tag", tag)
    tagged = git(repo, "rev-parse", "HEAD")
    old_major = git(repo, "rev-parse", "v1")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    work = tmp_path / "checkout"                              # what actions/checkout gives the job
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", tag)

    result = bash(step("action", "Move the tag"), work, GITHUB_REF_NAME=tag, IMAGE=IMAGE)
    assert result.returncode == 0, result.stderr

    released = git(origin, "rev-parse", f"{tag}^{{commit}}")
    assert git(origin, "rev-parse", f"{released}^") == tagged
    action_yml = yaml.safe_load(git(origin, "show", f"{released}:action.yml"))
    assert action_yml["runs"]["image"] == f"docker://{IMAGE}"
    init = git(origin, "show", f"{released}:src/deploy_check/__init__.py")
    assert f'__version__ = "{tag[1:]}"' in init.splitlines()
    assert git(origin, "diff", "--name-only", tagged, released).splitlines() == [
        "action.yml", "src/deploy_check/__init__.py"]
    assert git(origin, "rev-parse", "v1^{commit}") == (released if moves_major else old_major)
    assert yaml.safe_load(git(origin, "show", "main:action.yml"))["runs"]["image"] == "Dockerfile"


@pytest.mark.docker
def test_the_image_job_builds_the_released_version_with_its_oci_labels(docker_client, tmp_path):
    repo = copy_of_the_repository(tmp_path)
    tag = f"v0.0.1.dev{os.getpid()}"
    env = {"GITHUB_REF_NAME": tag, "GITHUB_SHA": REVISION, "GITHUB_SERVER_URL": "https://github.com",
           "GITHUB_REPOSITORY": "niblit/deploy-check"}
    try:
        for name in ["The release's version", "Build the action image"]:
            result = bash(step("image", name), repo, **env)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        labels = docker_client.images.get(f"deploy-check-action:{tag}").labels
        assert {k: v for k, v in labels.items() if k.startswith("org.opencontainers.image.")} == {
            "org.opencontainers.image.source": "https://github.com/niblit/deploy-check",
            "org.opencontainers.image.version": tag[1:],
            "org.opencontainers.image.revision": REVISION,
            "org.opencontainers.image.title": "deploy-check",
            "org.opencontainers.image.description": "The niblit/deploy-check GitHub Action",
            "org.opencontainers.image.licenses": "MIT",
        }
    finally:
        try:
            docker_client.images.remove(f"deploy-check-action:{tag}", force=True, noprune=False)
        except Exception:  # noqa: BLE001 - the build may have failed before tagging
            pass


def test_the_built_wheel_installs_in_a_fresh_virtualenv_and_lints(tmp_path):
    repo = copy_of_the_repository(tmp_path)
    python = sys.executable
    script = step("pypi", "The release's version") + "\n" + (
        f'{python} -m build --outdir dist . >/dev/null\n'
        f'{python} -m twine check --strict dist/*\n'
    ) + step("pypi", "The wheel installs").replace("python -m venv", f"{python} -m venv")
    script = script.replace("/tmp/fresh", str(tmp_path / "fresh")).replace("python scripts/", f"{python} scripts/")
    result = bash(script, repo, GITHUB_REF_NAME="v3.2.1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(path.name for path in (repo / "dist").iterdir()) == [
        "deploy_check-3.2.1-py3-none-any.whl", "deploy_check-3.2.1.tar.gz"]
    assert "No problems found." in result.stdout     # the lint of example/, by the installed command
    installed = subprocess.run([str(tmp_path / "fresh" / "bin" / "python"), "-c",
                                "import deploy_check; print(deploy_check.__file__, deploy_check.__version__)"],
                               capture_output=True, text=True, timeout=60, cwd=tmp_path).stdout.split()
    assert installed[0].startswith(str(tmp_path / "fresh")) and installed[1] == "3.2.1"
