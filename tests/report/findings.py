"""One shared report that every format is rendered from."""
from __future__ import annotations

from deploy_check.finding import Edit
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Severity
from deploy_check.run_report import Report
from deploy_check.stages import BuildStage
from deploy_check.stages import PackageStage
from deploy_check.stages import SmokeStage

SOURCE = {
    ("app.py", 3): 'conn = sqlite3.connect("app.db")',
    ("app.py", 9): "\tapp.run(port=8000)",
    ("we,ird:%name\n.py", 1): "x = '\x1b[31mred\x1b[0m'",
}


def source_line(path: str, line: int) -> str | None:
    return SOURCE.get((path, line))


def sample_report() -> Report:
    findings = [
        Finding("requirements-missing", Severity.ERROR, "no requirements.txt at the root", path="requirements.txt",
                hint="add requirements.txt",
                fix=Fix(True, (Edit("requirements.txt", 1, 1, 1, 1, "flask\ngunicorn\n"),), "write requirements.txt")),
        Finding("database-path", Severity.ERROR, "SQLite database at '/app/app.db' is outside /data", path="app.py",
                line=3, column=24, end_line=3, end_column=32, hint="read DATABASE_PATH from the environment",
                fix=Fix(False, (Edit("app.py", 3, 24, 3, 32, 'os.environ.get("DATABASE_PATH", "/data/app.db")'),),
                        "read DATABASE_PATH")),
        Finding("app-port", Severity.WARNING, "app.run() listens on port 8000", path="app.py", line=9, column=14,
                end_line=9, end_column=18),
        Finding("python-syntax", Severity.ERROR, "::error::fake | <b>bold</b> 100%\nsecond line",
                path="we,ird:%name\n.py", line=1, column=5),
        Finding("build-failed", Severity.ERROR, "docker build failed", path="Dockerfile", line=7,
                log="Step 3/11 : RUN pip install\n::error::from the log\n##[warning]legacy\nERROR: boom"),
        Finding("smoke-cold-start", Severity.NOTICE, "first answer after 2.0 s"),
    ]
    report = Report(path="app", findings=sorted(findings, key=Finding.sort_key), tier="free")
    report.fix_diff = ("--- /dev/null\n+++ b/requirements.txt\n@@ -0,0 +1,2 @@\n+flask\n+gunicorn\n"
                       "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n ```\n-</details>\n+x\n")
    report.build = BuildStage("failed", 12.34, 150 * 1024 * 1024, dockerfile="template", fixed_tree=True,
                              note="smoke-tested with the spec's template, because your Dockerfile differs: "
                              "this is what Niblit runs once it is fixed")
    report.smoke = SmokeStage("ok", 1.2, 47 * 1024 * 1024, "ok", routes=[
        {"path": "/", "status": 200, "seconds": 0.1},
        {"path": "/report", "status": 500, "seconds": 0.02, "finding": {"rule": "smoke-http"}},
        {"path": "/login", "status": 200, "seconds": 0.01},
        {"path": "/account", "status": 302, "seconds": 0.01},
        {"path": "/<b>|x`", "status": 200, "seconds": 0.01},
    ], route_discovery={"source": "url_map", "probed": 4, "error": None,
                        "skipped": [{"path": "/logout", "why": "its name says it changes state"}]})
    report.package = PackageStage("ok", "out/app.zip", 12345, 7, "ab" * 32,
                                  excluded=[{"path": ".env", "reason": "secret file"}, {"path": "a|b", "reason": "x"}])
    return report
