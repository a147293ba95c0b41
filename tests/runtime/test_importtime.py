"""The cold start explained from -X importtime lines, and judged against the tier."""
from __future__ import annotations

import pytest

from deploy_check.project import Project
from deploy_check.rules import smoke_cold_start
from deploy_check.runtime import importtime

LINES = """\
import time:       100 |        100 |   _json
import time:       300 |        400 | json
import time:      2000 |       2000 |     markupsafe
import time:     90000 |     120000 |   flask
import time:   6002471 |    6002471 |   catalog
import time:       200 |        200 |   os
import time:   1500000 |    7622671 | app
""".splitlines()


def test_the_app_modules_direct_imports_slowest_first(tmp_path):
    (tmp_path / "catalog.py").write_text("")
    explained = importtime.explain(Project(str(tmp_path)), LINES)
    assert explained.import_seconds == pytest.approx(7.622671)
    assert explained.own_seconds == pytest.approx(1.5)
    assert explained.slowest == (("catalog", pytest.approx(6.002471), True), ("flask", pytest.approx(0.12), False))
    assert explained.to_json()["slowest_imports"][0] == {"module": "catalog", "seconds": 6.002, "app_code": True}


def test_no_app_line_no_explanation(tmp_path):
    assert importtime.explain(Project(str(tmp_path)), LINES[:2]) is None
    assert importtime.parse(["garbage", "import time: self [us] | cumulative | imported package"]) == []


def test_thresholds_are_the_tiers():
    assert smoke_cold_start.limit("free") == 5.0
    assert smoke_cold_start.limit("pro") == smoke_cold_start.limit("team") == smoke_cold_start.LIMIT_SECONDS == 10.0


@pytest.mark.parametrize("seconds, tier, fires", [(5.0, "free", False), (5.1, "free", True), (9.9, "pro", False),
                                                  (10.1, "team", True), (None, "free", False)])
def test_cold_start_fires_above_the_tiers_limit(seconds, tier, fires):
    assert bool(smoke_cold_start.judge(seconds, tier, None)) is fires


def test_the_hint_names_what_to_make_lazy(tmp_path):
    (tmp_path / "catalog.py").write_text("")
    project = Project(str(tmp_path))
    (finding,) = smoke_cold_start.judge(8.0, "free", importtime.explain(project, LINES))
    assert finding.rule == "smoke-cold-start" and finding.severity.value == "warning"
    assert "catalog (app code) 6.0 s" in finding.message and "catalog (your code)" in finding.hint
    third_party = [line.replace("catalog", "pandas") for line in LINES]
    (finding,) = smoke_cold_start.judge(8.0, "free", importtime.explain(project, third_party))
    assert "import pandas inside the function" in finding.hint
