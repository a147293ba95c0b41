"""Route probing on the real engine: the app's own routes, found in its image and probed."""
from __future__ import annotations

import pytest

from deploy_check import Options
from deploy_check import check
from tests.conftest import EXAMPLE
from tests.conftest import untimed
from tests.runtime.test_docker_apps import APPS
from tests.runtime.test_template_build import leftovers  # noqa: F401 - a fixture: this test's run id only

pytestmark = pytest.mark.docker


def test_routes_are_discovered_probed_and_judged(docker_client, leftovers):
    report = check(str(APPS / "routes"), Options(), docker_client=docker_client)
    http = sorted((f.severity.value, f.path, f.line) for f in report.findings if f.rule == "smoke-http")
    assert http == [("error", "app.py", 17), ("notice", "app.py", 44)]  # /report's traceback; /gone
    probed = {entry["path"]: entry["status"] for entry in report.smoke.routes}
    # 401 and a redirect to the login are fine; a parameter, a POST and a state-changing name are not probed.
    assert probed == {"/": 200, "/account": 302, "/admin": 401, "/gone": 404, "/health": 200, "/login": 200,
                      "/report": 500}
    discovery = report.smoke.route_discovery
    assert discovery["source"] == "url_map"
    assert discovery["skipped"] == [{"path": "/reset-db", "why": "its name says it changes state"}]
    assert leftovers(docker_client) == []


def test_routes_from_the_source_when_the_url_map_cannot_be_read(docker_client, leftovers):
    # Its import resolves the container's own host name: the network-less inspection cannot.
    # No Dockerfile: the template is built on a fixed copy, whose database-path fix rewrites
    # line 26 (and adds `import os` above it): the 500 is still on the user's line 26. /widgets
    # fails after it with 600 lines of traceback: /stats's is still found.
    report = check(str(APPS / "fallback-routes"), Options(), docker_client=docker_client)
    discovery = report.smoke.route_discovery
    assert discovery["source"] == "decorators" and "gaierror" in discovery["error"]
    http = [(f.severity.value, f.path, f.line) for f in report.findings if f.rule == "smoke-http"]
    # /search reads request.args and crashes without them: a warning, not an error.
    assert http == [("error", "app.py", 26), ("error", "app.py", 57), ("warning", "app.py", 70)]
    failed = {entry["path"]: entry for entry in report.smoke.routes if "finding" in entry}
    assert sorted(failed) == ["/search", "/stats", "/widgets"]
    assert (failed["/stats"]["status"], failed["/stats"]["finding"]["line"]) == (500, 26)
    assert failed["/stats"]["finding"]["log"].splitlines()[-1] == "sqlite3.OperationalError: no such table: notes"
    assert "LookupError: a traceback of 600 lines" in failed["/widgets"]["finding"]["message"]
    probed = {entry["path"]: entry["status"] for entry in report.smoke.routes}
    # Blueprints under the url_prefix they were registered with (shop: not its own /ignored);
    # a converter, a POST-only route and state-changing names are not probed.
    assert probed == {"/": 200, "/feed/": 200, "/shop/": 200, "/shop/cart": 200, "/staff/reports": 401,
                      "/search": 500, "/stats": 500, "/widgets": 500}
    assert discovery["skipped"] == [{"path": "/logout", "why": "its name says it changes state"},
                                    {"path": "/shop/cart/empty", "why": "its name says it changes state"}]
    assert discovery["with_arguments"] == 1  # /items/<int:item_id>
    assert leftovers(docker_client) == []


def test_no_probe_routes_probes_the_smoke_paths_only(docker_client, leftovers):
    report = check(str(APPS / "routes"), Options(probe_routes=False), docker_client=docker_client)
    assert [f for f in report.findings if f.rule == "smoke-http"] == []
    assert [entry["path"] for entry in report.smoke.routes] == ["/"]
    assert report.smoke.route_discovery is None
    assert leftovers(docker_client) == []


@pytest.mark.parametrize(
    "app, expected, bound",
    [
        ("bound-8000", ("app.py", 12), "127.0.0.1:8000"),     # app.run(host="127.0.0.1", port=8000)
        ("gunicorn-8000", ("Dockerfile", 23), "0.0.0.0:8000"),  # gunicorn --bind 0.0.0.0:8000
        # no --bind in the CMD: gunicorn takes ./gunicorn.conf.py's over PORT's default
        ("gunicorn-conf-8000", ("gunicorn.conf.py", 2), "127.0.0.1:8000"),
    ],
)
def test_what_the_app_bound_is_read_from_its_sockets(docker_client, leftovers, app, expected, bound):
    # A timeout it never reaches: the log says where it listens, the sockets say exactly.
    report = check(str(APPS / app), Options(timeout=300, build_dockerfile="repository"), docker_client=docker_client)
    boots = [f for f in report.findings if f.rule == "smoke-boot"]
    assert len(boots) == 1, (report.smoke.to_dict(), report.findings)  # what it saw, should this ever fail
    (boot,) = boots
    assert (boot.path, boot.line) == expected
    assert f"listens on {bound} (" in boot.message and "0.0.0.0:5000" in boot.message
    assert leftovers(docker_client) == []


def test_gunicorn_without_bind_listens_on_niblits_port(docker_client, leftovers):
    # gunicorn's default bind is 0.0.0.0:$PORT when PORT is set, and Niblit sets PORT=5000:
    # the CMD without --bind is only drift from the template (dockerfile-cmd), and it serves.
    report = check(str(APPS / "gunicorn-port-default"), Options(build_dockerfile="repository"),
                   docker_client=docker_client)
    assert report.smoke.status == "ok" and report.smoke.routes[0]["status"] == 200
    assert sorted((f.rule, f.path, f.line) for f in untimed(report.findings)) == [("dockerfile-cmd", "Dockerfile", 23)]
    assert leftovers(docker_client) == []


@pytest.mark.parametrize("tier, warned", [("free", True), ("pro", False)])
def test_a_slow_import_is_named_against_the_tiers_limit(docker_client, leftovers, tier, warned):
    report = check(str(APPS / "slow-import"), Options(tier=tier), docker_client=docker_client)
    cold = [f for f in report.findings if f.rule == "smoke-cold-start"]
    assert bool(cold) is warned  # 6 s of import: over free's 5 s, under the others' 10 s
    slowest = report.smoke.cold_start["slowest_imports"][0]
    assert (slowest["module"], slowest["app_code"]) == ("catalog", True) and slowest["seconds"] >= 6
    if warned:
        assert "catalog (app code) 6." in cold[0].message
    assert leftovers(docker_client) == []


def test_a_heavy_import_near_the_limit_is_named(docker_client, leftovers):
    report = check(str(APPS / "heavy-import"), Options(), docker_client=docker_client)
    (warning,) = [f for f in report.findings if f.rule == "smoke-memory"]
    assert warning.severity.value == "warning"  # 2 x (85 MiB + Flask) + the master: over 80% of 256 MB
    assert "heaviest imports of app.py: ballast 8" in warning.message and "ballast" in warning.hint
    weighed = report.smoke.memory
    assert len(weighed["worker_bytes"]) == 2 and all(size > 85 * 2**20 for size in weighed["worker_bytes"])
    assert weighed["master_bytes"] < 85 * 2**20
    assert weighed["heaviest_imports"][0]["module"] == "ballast"
    assert leftovers(docker_client) == []


def test_what_the_example_stores_is_proven_to_survive(docker_client, leftovers):
    report = check(str(EXAMPLE), Options(), docker_client=docker_client)
    assert untimed(report.findings) == []
    stored = report.smoke.persistence
    assert stored["tables"] == stored["tables_after_restart"] == {"notes": 0, "sqlite_sequence": 0}  # AUTOINCREMENT's
    assert "/data/app.db" in stored["data_files"] and stored["databases_elsewhere"] == []
    assert leftovers(docker_client) == []


@pytest.mark.parametrize(
    "app, expected",
    [
        # Under the image's VOLUME (not in docker diff, not kept); /tmp is scratch and says nothing.
        ("volume-write", [("smoke-ephemeral-write", "error", "under /app/uploads, a VOLUME of the image")]),
        ("db-elsewhere", [("smoke-ephemeral-write", "error", "database was created at /app/store/notes.sqlite")]),
        ("drops-at-boot", [("smoke-restart", "warning", "rows of /data/app.db lost on the second start: visits (1 -> 0)")]),
    ],
)
def test_stored_data_that_would_be_lost(docker_client, leftovers, app, expected):
    report = check(str(APPS / app), Options(build_dockerfile="repository"), docker_client=docker_client)
    found = [(f.rule, f.severity.value, f.message) for f in report.findings
             if f.rule in ("smoke-ephemeral-write", "smoke-restart")]
    assert [(rule, severity) for rule, severity, _ in found] == [(rule, severity) for rule, severity, _ in expected]
    assert all(part in message for (_, _, message), (_, _, part) in zip(found, expected))
    assert leftovers(docker_client) == []
