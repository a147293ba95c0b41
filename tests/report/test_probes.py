"""Route probing in the formats people read: which routes were probed, which failed, in a few lines."""
from __future__ import annotations

from deploy_check.report import comment
from deploy_check.report import probes
from deploy_check.report import summary
from deploy_check.report import text
from deploy_check.report.context import RenderContext
from deploy_check.stages import SmokeStage
from tests.report.findings import sample_report


def many() -> SmokeStage:
    """The smoke path, then 50 probed routes: 20 that 500, one without an answer, 25 that
    answer 200 and 4 the time budget left unprobed; 10 more left out over the count."""
    entries = [{"path": "/", "status": 200, "seconds": 0.1}]
    entries += [{"path": f"/broken{i:02d}", "status": 500, "seconds": 0.1, "finding": {}} for i in range(20)]
    entries += [{"path": "/slow", "status": None, "seconds": None, "error": "timed out", "finding": {}}]
    entries += [{"path": f"/page{i:02d}", "status": 200, "seconds": 0.1} for i in range(25)]
    entries += [{"path": f"/late{i}", "status": None, "seconds": None, "error": "not probed: the probes' 10 s ran out"}
                for i in range(4)]
    skipped = [{"path": f"/extra{i}", "why": "over 50 routes"} for i in range(10)]
    return SmokeStage("failed", routes=entries, route_discovery={"source": "url_map", "probed": 50, "skipped": skipped})


def test_fifty_routes_are_three_lines_each_list_cut_with_a_count():
    got = probes.lines(probes.of(many()))
    assert got == [
        "46 of the app's routes probed (from its url_map), 21 failed: /broken00 500, /broken01 500, /broken02 500, "
        "/broken03 500, /broken04 500, /broken05 500, /broken06 500, /broken07 500 and 13 more",
        "answered 200: /page00, /page01, /page02, /page03, /page04, /page05, /page06, /page07 and 17 more",
        "not probed: /extra0, /extra1, /extra2, /extra3, /extra4, /extra5, /extra6, /extra7 and 2 more (over 50 routes); "
        "/late0, /late1, /late2, /late3 (the probes' time ran out)",
    ]


def test_a_route_without_an_answer_is_a_failure_and_the_smoke_path_is_not_counted():
    found = probes.of(many())
    assert "/slow no answer" in found.failed and not any(path.startswith("/ ") for path in found.failed)
    assert found.probed == 46


def test_the_fallback_says_why_the_url_map_could_not_be_read():
    smoke = SmokeStage("ok", routes=[{"path": "/", "status": 200}, {"path": "/a", "status": 200}],
                       route_discovery={"source": "decorators", "probed": 1, "skipped": [], "with_arguments": 3,
                                        "error": "gaierror: [Errno -3]\n Temporary failure"})
    assert probes.lines(probes.of(smoke)) == [
        "1 of the app's routes probed (read from its source; the url_map could not be read: gaierror: [Errno -3] "
        "Temporary failure), none failed", "answered 200: /a", "not probed: 3 with URL arguments"]


def test_no_probing_says_nothing():
    assert probes.of(SmokeStage("ok", routes=[{"path": "/", "status": 200}])) is None


def test_every_format_people_read_says_it_escaped():
    report = sample_report()
    report.smoke = many()
    report.smoke.routes.insert(1, {"path": "/<img src=x>|`@team\x1b[2J", "status": 500, "finding": {}})
    report.smoke.route_discovery["probed"] += 1
    shown = text.render(report, RenderContext())
    assert [line for line in shown.splitlines() if line.startswith("routes:")] == [
        "routes:  47 of the app's routes probed (from its url_map), 22 failed: /<img src=x>|`@team\\x1b[2J 500, "
        "/broken00 500, /broken01 500, /broken02 500, /broken03 500, /broken04 500, /broken05 500, /broken06 500 "
        "and 14 more"]
    (row,) = [line for line in summary.render(report, RenderContext()).splitlines() if line.startswith("| Routes |")]
    assert row.count("<br>") == 2 and "<img" not in row and "`" not in row and "22 failed" in row
    body = comment.render(report, RenderContext(), comment.CommentInput(".", False, None, "main", [], []))
    (line,) = [line for line in body.splitlines() if line.startswith("**Routes**")]
    assert "22 failed: /&lt;img" in line and "@team" not in line and "<img" not in line
