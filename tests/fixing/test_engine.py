"""The fix engine on small trees written for the test: exact edits, overlaps, re-parse,
symlinks, read-only and binary files, atomic writes, diffs and line maps."""
from __future__ import annotations

import dataclasses
import os
import stat

import pytest

from deploy_check import fixing
from deploy_check.finding import Edit
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Severity
from deploy_check.fixing.text import Text
from deploy_check.fixing.text import TextError
from deploy_check.fixing.text import append_lines
from deploy_check.fixing.text import end_position
from deploy_check.fixing.text import replace_lines
from deploy_check.fixing.text import whole_file


def finding(*edits: Edit, safe: bool = True, rule: str = "r", line: int = 1) -> Finding:
    return Finding(rule, Severity.ERROR, "m", path=edits[0].path, line=line, fix=Fix(safe, tuple(edits), "do it"))


def put(tmp_path, name: str, data: bytes):
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


@pytest.mark.parametrize("data, column", [
    (b"a\r\nb\r\n", 1), (b"\xef\xbb\xbfa\nb", 1), (b"\ta\n\tb\n", 2), (b"a\rb\r", 1), (b"\xc3\xa9\n\xc3\xa9b", 2),
])
def test_edit_keeps_every_byte_outside_its_span(tmp_path, data, column):
    put(tmp_path, "f.txt", data)
    plan = fixing.plan(str(tmp_path), [finding(Edit("f.txt", 2, column, 2, column + 1, "B"))])
    old, new = plan.files["f.txt"]
    assert old == data
    assert new == data.replace(b"b", b"B")


def test_whole_file_and_append_keep_the_files_line_ending(tmp_path):
    text = "x\r\ny"
    assert end_position(text) == (2, 2)
    assert end_position("x\n") == (2, 1)
    assert end_position("") == (1, 1)
    put(tmp_path, "r.txt", text.encode())
    plan = fixing.plan(str(tmp_path), [finding(append_lines("r.txt", text, ["flask", "gunicorn"]))])
    assert plan.files["r.txt"][1] == b"x\r\ny\r\nflask\r\ngunicorn"  # still no final line ending
    put(tmp_path, "D", b"old\n")
    plan = fixing.plan(str(tmp_path), [finding(whole_file("D", "old\n", "new\n"))])
    assert plan.files["D"][1] == b"new\n"


@pytest.mark.parametrize("data, content, expected", [
    (b"a\r\nb\r\n", "x\ny\n", b"a\r\nx\r\ny\r\nb\r\n"),
    (b"a\rb\r", "x\r\ny\n", b"a\rx\ry\rb\r"),
    (b"a\nb\n", "x\r\ny\n", b"a\nx\ny\nb\n"),
])
def test_lines_an_edit_adds_end_as_the_files_own(tmp_path, data, content, expected):
    put(tmp_path, "f.txt", data)
    plan = fixing.plan(str(tmp_path), [finding(Edit("f.txt", 2, 1, 2, 1, content))])
    assert plan.files["f.txt"][1] == expected


def test_whole_file_keeps_the_line_ending_and_a_missing_final_newline():
    assert whole_file("D", "old\r\nlast", "new\nlines\n").content == "new\r\nlines"
    assert whole_file("D", "old\r\n", "new\nlines\n").content == "new\r\nlines\r\n"
    assert whole_file("D", "", "new\n").content == "new\n"
    assert whole_file("D", None, "new\n").content == "new\n"


def test_replace_lines_keeps_the_last_lines_ending(tmp_path):
    text = "a\r\n-r other.txt\r\nz"
    put(tmp_path, "r.txt", text.encode())
    edit = replace_lines("r.txt", text, 2, 2, ["b", "c"])
    assert fixing.plan(str(tmp_path), [finding(edit)]).files["r.txt"][1] == b"a\r\nb\r\nc\r\nz"
    edit = replace_lines("r.txt", text, 3, 3, ["y"])
    assert fixing.plan(str(tmp_path), [finding(edit)]).files["r.txt"][1] == b"a\r\n-r other.txt\r\ny"


def test_new_file_is_created_and_diffed_from_dev_null(tmp_path):
    plan = fixing.plan(str(tmp_path), [finding(Edit("requirements.txt", 1, 1, 1, 1, "flask\n"))])
    assert plan.files == {"requirements.txt": (None, b"flask\n")}
    assert plan.diff() == "--- /dev/null\n+++ b/requirements.txt\n@@ -0,0 +1 @@\n+flask\n"
    assert fixing.write(str(tmp_path), plan) == ["requirements.txt"]
    assert (tmp_path / "requirements.txt").read_bytes() == b"flask\n"


def test_identical_fixes_apply_once_and_overlapping_ones_wait(tmp_path):
    put(tmp_path, "Dockerfile", b"FROM python:3.9\n")
    template = whole_file("Dockerfile", "FROM python:3.9\n", "FROM python:3.12-slim\n")
    other = Edit("Dockerfile", 1, 6, 1, 16, "python:3.11")
    first, second, third = finding(template, line=1), finding(template, line=2), finding(other, line=3)
    plan = fixing.plan(str(tmp_path), [first, second, third])
    assert plan.applied == [first, second]
    assert plan.dropped == [(third, "overlaps another fix; applied on the next pass")]
    assert plan.files["Dockerfile"][1] == b"FROM python:3.12-slim\n"


@pytest.mark.parametrize("old, new", [(b"*.log\n", b"*.log\n.env\nvenv/\n"), (b"*.log", b"*.log\n.env\nvenv/"),
                                      (b"", b".env\nvenv/\n")])
def test_insertions_at_one_point_are_all_applied_in_order(tmp_path, old, new):
    put(tmp_path, ".gitignore", old)
    fixes = [finding(append_lines(".gitignore", old.decode(), [name])) for name in (".env", "venv/")]
    assert fixing.plan(str(tmp_path), fixes).files[".gitignore"][1] == new


def test_unsafe_fixes_only_when_asked(tmp_path):
    put(tmp_path, "a.txt", b"a\n")
    unsafe = finding(Edit("a.txt", 1, 1, 1, 2, "b"), safe=False)
    assert not fixing.plan(str(tmp_path), [unsafe]).changed
    assert fixing.plan(str(tmp_path), [unsafe], unsafe=True).changed


@pytest.mark.parametrize("path, data, edit, broken", [
    ("app.py", b"x = 1\n", Edit("app.py", 1, 5, 1, 6, "("), True),
    ("Dockerfile", b"FROM a\n", Edit("Dockerfile", 2, 1, 2, 1, "ENV A\n"), True),
    ("requirements.txt", b"flask\n", Edit("requirements.txt", 2, 1, 2, 1, "flask===\n"), True),
    ("app.py", b"x = (\n", Edit("app.py", 1, 1, 1, 2, "y"), False),  # did not parse before either
])
def test_a_fix_that_breaks_parsing_is_dropped_with_its_reason(tmp_path, path, data, edit, broken):
    put(tmp_path, path, data)
    plan = fixing.plan(str(tmp_path), [finding(edit)])
    assert plan.changed is not broken
    if broken:
        assert "unparsable" in plan.dropped[0][1]


def test_symlinked_binary_and_read_only_files_are_refused(tmp_path):
    put(tmp_path, "real.txt", b"a\n")
    os.symlink("real.txt", tmp_path / "link.txt")
    os.symlink(tmp_path / "sub-real", tmp_path / "sub")
    (tmp_path / "sub-real").mkdir()
    put(tmp_path, "bin.txt", b"a\x00b\n")
    put(tmp_path, "ro.txt", b"a\n").chmod(0o444)
    cases = {
        "link.txt": "symbolic link", "sub/x.txt": "symbolic link", "bin.txt": "binary",
        "ro.txt": "read-only", "../out.txt": "not a plain path",
    }
    for path, reason in cases.items():
        plan = fixing.plan(str(tmp_path), [finding(Edit(path, 1, 1, 1, 1, "x"))])
        assert not plan.changed, path
        assert reason in plan.dropped[0][1], (path, plan.dropped)
    assert (tmp_path / "real.txt").read_bytes() == b"a\n"
    assert not (tmp_path.parent / "out.txt").exists()


def test_write_is_atomic_keeps_the_mode_and_refuses_a_file_changed_meanwhile(tmp_path):
    target = put(tmp_path, "run.sh", b"echo a\n")
    target.chmod(0o755)
    put(tmp_path, "other.txt", b"a\n")
    edits = [finding(Edit("run.sh", 1, 6, 1, 7, "b")), finding(Edit("other.txt", 1, 1, 1, 2, "b"))]
    plan = fixing.plan(str(tmp_path), edits)
    (tmp_path / "other.txt").write_bytes(b"changed\n")
    assert fixing.write(str(tmp_path), plan) == ["run.sh"]
    assert target.read_bytes() == b"echo b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert (tmp_path / "other.txt").read_bytes() == b"changed\n"
    assert [f for f, _ in plan.dropped] == [edits[1]]
    assert sorted(os.listdir(tmp_path)) == ["other.txt", "run.sh"]  # no temporary left


def test_edit_outside_the_file_is_dropped(tmp_path):
    put(tmp_path, "a.txt", b"a\n")
    plan = fixing.plan(str(tmp_path), [finding(Edit("a.txt", 5, 1, 5, 1, "x"))])
    assert not plan.changed and "outside the file" in plan.dropped[0][1]


def test_original_line_maps_unchanged_and_moved_lines_back(tmp_path):
    old = "import flask\napp = flask.Flask(__name__)\napp.run()\n\n@app.route('/')\ndef i():\n    return 'x'\n"
    new = ("import flask\napp = flask.Flask(__name__)\n\n@app.route('/')\ndef i():\n    return 'x'\n"
           "\nif __name__ == \"__main__\":\n    app.run()\n")
    put(tmp_path, "app.py", old.encode())
    plan = fixing.plan(str(tmp_path), [finding(whole_file("app.py", old, new))])
    assert [plan.original_line("app.py", n) for n in range(1, 10)] == [1, 2, 4, 5, 6, 7, None, None, 3]
    assert plan.original_line("other.py", 7) == 7


def test_original_line_of_a_line_edited_in_place(tmp_path):
    # database-path's fix rewrites the line and adds `import os` above: a crash on the
    # rewritten line is on the user's line 3.
    old = "import sqlite3\n\ndb = sqlite3.connect('notes.db')\n"
    new = "import os\nimport sqlite3\n\ndb = sqlite3.connect(os.environ.get('DATABASE_PATH', '/data/app.db'))\n"
    put(tmp_path, "app.py", old.encode())
    plan = fixing.plan(str(tmp_path), [finding(whole_file("app.py", old, new))])
    assert [plan.original_line("app.py", n) for n in range(1, 5)] == [None, 1, 2, 3]


def test_diff_marks_a_missing_final_newline(tmp_path):
    put(tmp_path, "a.txt", b"a")
    plan = fixing.plan(str(tmp_path), [finding(Edit("a.txt", 1, 1, 1, 2, "b"))])
    assert plan.diff() == ("--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n"
                           "+b\n\\ No newline at end of file\n")


def test_text_decode_reads_utf16_and_32_by_their_mark_and_encodes_them_back():
    for encoding, mark in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")):
        data = mark + "fl\u00e4sk\r\n".encode(encoding)
        text = Text.decode(data)
        assert (text.body, text.bom, text.encoding) == ("fl\u00e4sk\r\n", True, encoding)
        assert text.encode() == data
    with pytest.raises(TextError):
        Text.decode(b"\xff\xfe" + "a\x00b".encode("utf-16-le"))  # NUL in the text: binary


def test_text_decode_refuses_non_utf8():
    with pytest.raises(ValueError):
        Text.decode(b"\xff\xfd latin-1 \xe9")


def test_finding_with_fix_serializes_and_sorts_as_before():
    edit = Edit("a.txt", 1, 1, 1, 2, "b")
    plain = Finding("r", Severity.ERROR, "m", path="a.txt", line=1)
    fixed = dataclasses.replace(plain, fix=Fix(True, (edit,), "say b"))
    assert plain.sort_key() == fixed.sort_key()
    assert "fix" not in plain.to_dict()
    assert fixed.to_dict()["fix"] == {"safe": True, "message": "say b", "edits": [
        {"path": "a.txt", "line": 1, "column": 1, "end_line": 1, "end_column": 2, "content": "b"}]}


def test_passes_stop_when_nothing_changes_and_say_when_a_fix_never_settles(tmp_path):
    from deploy_check.fixing import fix_passes
    from deploy_check.project import Project

    put(tmp_path, "r.txt", b"a\n")

    def once(view):  # proposes its line until the file has it
        text = view.read_text("r.txt") or ""
        return [] if "flask" in text else [finding(append_lines("r.txt", text, ["flask"]))]

    def forever(view):  # a fix that never resolves its own finding
        return [finding(append_lines("r.txt", view.read_text("r.txt") or "", ["x"]))]

    settled = fix_passes(Project(str(tmp_path)), once)
    assert (settled.passes, settled.settled, settled.files["r.txt"]) == (2, True, (b"a\n", b"a\nflask\n"))
    runaway = fix_passes(Project(str(tmp_path)), forever, max_passes=3)
    assert (runaway.passes, runaway.settled, runaway.files["r.txt"][1]) == (3, False, b"a\nx\nx\nx\n")
    assert (tmp_path / "r.txt").read_bytes() == b"a\n"  # planning writes nothing
