"""Many apps under act: a list-apps job feeds a matrix that checks each app in its own job."""
from __future__ import annotations

import json
import re

import pytest

from tests.act.test_action_under_act import free_port
from tests.act.test_action_under_act import make_action_repo
from tests.act.test_action_under_act import run_act
from tests.conftest import BROKEN
from tests.conftest import EXAMPLE

pytestmark = [pytest.mark.docker, pytest.mark.act]
# The README's two-job workflow, lint only (the matrix is what is under test, not the build).
WORKFLOW = """name: apps
on: push
jobs:
  apps:
    runs-on: ubuntu-latest
    outputs:
      list: ${{ steps.find.outputs.apps }}
    steps:
      - uses: actions/checkout@v4
      - id: find
        uses: ./
        with:
          list-apps: true
      - run: echo "APPS ${{ steps.find.outputs.apps }}"
  check:
    needs: apps
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        app: ${{ fromJSON(needs.apps.outputs.list) }}
    steps:
      - uses: actions/checkout@v4
      - id: dc
        uses: ./
        with:
          path: ${{ matrix.app.path }}
          artifact-name: ${{ matrix.app.name }}-niblit
          skip-build: true
      - if: always()
        run: echo "CHECKED ${{ matrix.app.path }} errors=${{ steps.dc.outputs.errors }} zip=${{ steps.dc.outputs.zip-path }}"
"""


def test_three_apps_one_broken_each_checked_in_its_own_matrix_job(act_binary, docker_client, tmp_path):
    repo = make_action_repo(tmp_path, {
        "services/shop": EXAMPLE,
        "services/blog": EXAMPLE,
        "legacy": BROKEN / "wrong-port",
        "tests/apps/sample": EXAMPLE,     # a fixture: not an app to check
    }, WORKFLOW)
    artifacts = tmp_path / "artifacts"
    result = run_act(act_binary, repo, artifacts, "--artifact-server-port", free_port(), "--concurrent-jobs", "1")
    log = result.stdout
    assert result.returncode != 0, log[-4000:]   # the broken app's job fails the run

    listing = re.search(r"APPS (\[.*\])", log)
    assert listing, log[-4000:]
    assert json.loads(listing.group(1)) == [
        {"path": "legacy", "name": "legacy"},
        {"path": "services/blog", "name": "services-blog"},
        {"path": "services/shop", "name": "services-shop"},
    ]
    checked = dict(re.findall(r'CHECKED (\S+) (errors=\d+ zip=[^\s"]*)', log))
    assert checked == {
        "legacy": "errors=4 zip=",
        "services/blog": "errors=0 zip=.deploy-check/services-blog-niblit.zip",
        "services/shop": "errors=0 zip=.deploy-check/services-shop-niblit.zip",
    }
    assert "::error title=dockerfile-base-image,file=legacy/Dockerfile,line=1," in log
    uploaded = sorted(path.relative_to(artifacts).parts[1] for path in artifacts.glob("*/*/*.zip"))
    assert uploaded == ["services-blog-niblit", "services-shop-niblit"]
