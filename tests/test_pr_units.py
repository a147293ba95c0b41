"""Pure parts of the pull-request side: patches, the baseline's encoding, comparisons, the comment."""
from __future__ import annotations

import pytest

from deploy_check import baseline
from deploy_check.changed_lines import parse_git_diff
from deploy_check.changed_lines import parse_patch
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.report import RenderContext
from deploy_check.report import comment
from deploy_check.report.suggestions import Suggestion
from deploy_check.rest import Rest
from deploy_check.rest import RestError
from deploy_check.run_report import Report
from deploy_check.stages import BuildStage
from deploy_check.stages import PackageStage
from deploy_check.stages import SmokeStage
from tests.fake_github import TOKEN
from tests.fake_github import FakeGitHub


def test_parse_patch_counts_head_lines_and_skips_removed_ones():
    patch = ("@@ -1,4 +1,5 @@\n line one\n-old two\n+new two\n+new three\n line four\n"
             "@@ -20 +21 @@ def f():\n-    return 1\n+    return 2\n\\ No newline at end of file")
    assert parse_patch(patch) == {2: "new two", 3: "new three", 21: "    return 2"}


def test_parse_git_diff_several_files_renames_binaries_and_deletions():
    diff = """diff --git a/Dockerfile b/Dockerfile
index 1..2 100644
--- a/Dockerfile
+++ b/Dockerfile
@@ -1 +1 @@
-FROM python:3.12-slim
+FROM python:3.10-slim
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
diff --git a/logo.png b/logo.png
Binary files a/logo.png and b/logo.png differ
diff --git "a/na\\303\\257ve.py" "b/na\\303\\257ve.py"
--- "a/na\\303\\257ve.py"
+++ "b/na\\303\\257ve.py"
@@ -0,0 +1 @@
++++ not a header
""".split("\n")
    changed = parse_git_diff(diff)
    assert changed.lines == {"Dockerfile": {1: "FROM python:3.10-slim"}, "naïve.py": {1: "+++ not a header"}}
    assert changed.whole == {"logo.png"}
    assert changed.touches("logo.png", 5) and not changed.touches("gone.py", 1)
    assert changed.touches("Dockerfile", None) and not changed.touches("Dockerfile", 2)


def finding(rule="database-path", path="app.py", line=3, message="m", severity=Severity.ERROR):
    return Finding(rule=rule, severity=severity, message=message, path=path, line=line)


def lines_of(mapping):
    return lambda path, number: mapping.get((path, number))


def test_keys_follow_the_line_text_not_its_number():
    before = baseline.finding_key(finding(line=3), lines_of({("app.py", 3): "db = 'app.db'"}))
    moved = baseline.finding_key(finding(line=9, message="other"), lines_of({("app.py", 9): "  db = 'app.db'  "}))
    assert before == moved
    assert before != baseline.finding_key(finding(line=3), lines_of({("app.py", 3): "db = 'x.db'"}))


def test_encode_decode_round_trip_and_hostile_text():
    report = Report(path=".", findings=[finding(message="--> <!-- `x` @you"), finding(rule="secret-file", line=None)])
    report.build = BuildStage("ok", 3.5, 1000)
    kept = baseline.from_report(report, "a" * 40, passed=False)
    text = baseline.encode(kept)
    assert "-->" not in text[len(baseline.MARKER):-len(baseline.END) - 1]
    back = baseline.decode("The summary\n\n" + text)
    assert back is not None and back.entries == kept.entries and back.figures["build_seconds"] == 3.5
    assert back.counts == {"error": 2, "warning": 0, "notice": 0} and back.passed is False


@pytest.mark.parametrize("text", [None, "", "no marker", baseline.MARKER + "\n[1, 2]\n-->",
                                  baseline.MARKER + "\n{\"findings\": 3}\n-->", baseline.MARKER + "\n" + "[" * 100000 + "\n-->",
                                  "x" * 200_000])
def test_decode_garbage_is_no_baseline(text):
    assert baseline.decode(text) is None


def test_decode_drops_malformed_entries():
    text = baseline.MARKER + '\n{"findings": [{"key": "k", "rule": "r", "line": true}, 5, {"rule": 1}]}\n-->'
    back = baseline.decode(text)
    assert back is not None and [(e.key, e.line, e.severity) for e in back.entries] == [("k", None, "notice")]


def test_encode_cuts_to_the_check_run_limit():
    report = Report(path=".", findings=[finding(line=n, message="x" * 150) for n in range(1, 2000)])
    text = baseline.encode(baseline.from_report(report, "a" * 40, passed=False))
    assert len(text) < 65_535
    back = baseline.decode(text)
    assert back is not None and back.truncated and 0 < len(back.entries) < 1999


def test_compare_is_a_multiset():
    source = lines_of({("app.py", 3): "a", ("app.py", 4): "a", ("app.py", 5): "b"})
    base = baseline.Baseline("s", True, {}, baseline.entries_of([finding(line=3), finding(line=5)], source), {})
    head = [finding(line=3), finding(line=4)]  # the same text twice now; line 5's is gone
    compared = baseline.compare(head, source, base)
    assert compared.new == [finding(line=4)]
    assert [e.line for e in compared.fixed] == [5]


def report_with(figures):
    report = Report(path=".", tier="free")
    report.build = BuildStage("ok", figures[0], figures[1])
    report.smoke = SmokeStage("ok", figures[2], figures[3], "ok")
    report.package = PackageStage("ok", "x", figures[4], 3, "0" * 64)
    return report


def test_comment_figures_side_by_side_with_arrows_for_what_got_worse():
    mib = 1024 * 1024
    base = baseline.from_report(report_with([10.0, 100 * mib, 2.0, 60 * mib, 2 * mib]), "f" * 40, passed=True)
    head = report_with([10.4, 130 * mib, 1.0, 61 * mib, 2 * mib])
    data = comment.CommentInput(".", True, base, "main", [], [])
    body = comment.render(head, RenderContext(), data)
    rows = {line.split("|")[1].strip(): line for line in body.splitlines() if line.startswith("| ")}
    assert rows["Build time"].endswith("| 10.4 s | 10.0 s | ≈ |")  # noise
    assert "🔺 +30.0 MiB (worse)" in rows["Image size"]
    assert "🔽 −1.0 s" in rows["Cold start"]
    assert "61 MiB of 256 MiB (24%)" in rows["Peak memory"] and rows["Peak memory"].endswith("≈ |")
    assert body.startswith("<!-- deploy-check:comment app=. -->\n### ✅ deploy-check passed\n")
    assert "Compared with `main` at fffffff." in body


def test_comment_escapes_hostile_text_and_mentions():
    hostile = finding(message="@admin | <img src=x> [link](http://x) `code`", path="a|b.py")
    data = comment.CommentInput("apps/<x>", False, None, "main", [hostile], [])
    body = comment.render(Report(path=".", findings=[hostile]), RenderContext(), data)
    assert "@admin" not in body and "<img" not in body and "[link]" not in body and "a|b" not in body
    assert comment.marker("comment", "apps/<x>") == "<!-- deploy-check:comment app=apps/%3Cx%3E -->"
    assert "No baseline yet" in body


def test_suggestion_fence_outgrows_backticks_in_the_content():
    suggestion = Suggestion("README.md", 3, 4, ("```python", "x = 1", "```"), "rule", "msg")
    body = suggestion.body()
    assert "\n````suggestion\n```python\nx = 1\n```\n````" in body
    assert suggestion.to_api() == {"path": "README.md", "line": 4, "side": "RIGHT", "body": body,
                                   "start_line": 3, "start_side": "RIGHT"}


@pytest.fixture
def api():
    fake = FakeGitHub()
    yield fake
    fake.close()


def test_rest_follows_pages_on_the_same_host_only(api):
    rest = Rest(api.url, TOKEN)
    for number in range(5):
        rest.post("/repos/niblit/demo/issues/1/comments", {"body": str(number)})
    assert [c["body"] for c in rest.pages("/repos/niblit/demo/issues/1/comments")] == ["0", "1", "2", "3", "4"]
    assert sum(r.method == "GET" for r in api.requests) == 3
    with pytest.raises(RestError, match="not the API's host"):
        rest.get("http://127.0.0.2:1/elsewhere")


def test_rest_errors_carry_the_status(api):
    with pytest.raises(RestError) as raised:
        Rest(api.url, "wrong").get("/repos/niblit/demo/pulls/1/files")
    assert raised.value.status == 401 and raised.value.forbidden and "Bad credentials" in str(raised.value)


def template_fix_findings(root):
    from deploy_check import spec
    from deploy_check.finding import Edit
    from deploy_check.finding import Fix
    from deploy_check.fixing.text import whole_file

    text = (root / "Dockerfile").read_text()
    fix = Fix(True, (whole_file("Dockerfile", text, spec.DOCKERFILE),), "write the spec's template Dockerfile")
    new_file = Fix(True, (Edit(".dockerignore", 1, 1, 1, 1, ".env\n"),), "add a .dockerignore")
    return [Finding("dockerfile-port", Severity.ERROR, "EXPOSE 8000", "Dockerfile", 16, fix=fix),
            Finding("dockerfile-base-image", Severity.ERROR, "FROM 3.11", "Dockerfile", 1, fix=fix),
            Finding("secret-file", Severity.ERROR, "no ignore", ".dockerignore", None, fix=new_file)]


def test_suggestions_for_a_whole_file_fix_need_every_hunk_on_changed_lines(tmp_path):
    import shutil

    from deploy_check.changed_lines import ChangedLines
    from deploy_check.project import Project
    from deploy_check.report.suggestions import suggest
    from tests.conftest import BROKEN

    root = tmp_path / "app"
    shutil.copytree(BROKEN / "wrong-port", root)
    lines = (root / "Dockerfile").read_text().splitlines()
    findings = template_fix_findings(root)
    everything = ChangedLines({"app/Dockerfile": {n: line for n, line in enumerate(lines, 1)}})
    made, outside = suggest(Project(str(root)), findings, everything, "app/")
    # one fix (shared by two findings), one suggestion per changed run of lines; the new file is listed
    assert [(s.path, s.start_line, s.line) for s in made] == [("app/Dockerfile", n, n) for n in (1, 4, 7, 9, 12, 16, 18)]
    assert made[0].replacement == ("FROM python:3.12-slim",)
    assert made[1].replacement == ("", "# Install dependencies first (better caching)")  # an insertion, anchored
    assert made[4].replacement == ("# Environment variables", "ENV PORT=5000")
    assert [(o.finding.rule, o.reason) for o in outside] == [("secret-file", "creates a file")]

    only_first = ChangedLines({"app/Dockerfile": {1: lines[0]}})
    made, outside = suggest(Project(str(root)), findings, only_first, "app/")
    assert made == [] and {o.reason for o in outside} == {"creates a file", "not on lines this pull request changed"}

    stale = ChangedLines({"app/Dockerfile": {n: "other text" for n in range(1, len(lines) + 1)}})
    made, _ = suggest(Project(str(root)), findings, stale, "app/")
    assert made == []  # the lines the reviewer sees are not the checked ones: never suggested against
