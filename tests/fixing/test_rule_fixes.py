"""Each non-Python fix on a small repository written for the test: what --fix leaves on
disk, that a second --fix changes nothing, and what it must refuse."""
from __future__ import annotations

import os

import pytest

from deploy_check import spec
from deploy_check.cli import main
from deploy_check.engine import fix_plan
from deploy_check.engine import lint
from deploy_check.options import Options
from deploy_check.project import Project
from tests.rules.helpers import make_repo

APP = "from flask import Flask\napp = Flask(__name__)\n"
GOOD = {"Dockerfile": spec.DOCKERFILE, "app.py": APP, "requirements.txt": "flask\ngunicorn\n"}


def fix(root, *extra: str) -> int:
    return main([str(root), "--skip-build", "--fix", "--format", "json", "--output", os.devnull, *extra])


def tree(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rules_left(root) -> set[str]:
    return {f.rule for f in lint(Project(str(root)))}


def fixed_twice(root, *extra: str) -> dict[str, bytes]:
    """--fix, then --fix again: the second changes nothing and --diff then shows nothing."""
    fix(root, *extra)
    after = tree(root)
    fix(root, *extra)
    assert tree(root) == after
    assert not fix_plan(str(root), Options(unsafe_fixes=bool(extra))).changed
    return after


TEMPLATE = spec.DOCKERFILE.encode()


@pytest.mark.parametrize("dockerfile, expected", [
    (None, TEMPLATE),
    # The file's own line endings, BOM and missing final newline are kept.
    ("FROM python:3.9\r\nRUN apt-get install -y libgl1\r\nCMD python app.py\r\n", TEMPLATE.replace(b"\n", b"\r\n")),
    ("FROM python:3.9\r\nCMD python app.py", TEMPLATE.replace(b"\n", b"\r\n")[:-2]),
    ("FROM python:3.9\nCMD python app.py", TEMPLATE[:-1]),
    ("\ufeffFROM python:3.12-slim\nENV A\n", b"\xef\xbb\xbf" + TEMPLATE),
    ("\ufeffFROM python:3.12-slim\r\nENV A\r\n", b"\xef\xbb\xbf" + TEMPLATE.replace(b"\n", b"\r\n")),
])
def test_dockerfile_becomes_the_template(tmp_path, dockerfile, expected):
    files = {**GOOD}
    del files["Dockerfile"]
    if dockerfile is not None:
        files["Dockerfile"] = dockerfile.encode()
    make_repo(tmp_path, files)
    after = fixed_twice(tmp_path)
    assert after["Dockerfile"] == expected
    assert not {r for r in rules_left(tmp_path) if r.startswith("dockerfile-")}


def test_the_template_fix_names_the_system_packages_it_drops(tmp_path):
    make_repo(tmp_path, {**GOOD, "Dockerfile": "FROM python:3.11\nRUN apt-get update && apt-get install -y libgl1 ffmpeg\n"})
    findings = [f for f in lint(Project(str(tmp_path))) if f.rule == "dockerfile-base-image"]
    assert findings and findings[0].fix is not None
    assert "libgl1, ffmpeg" in findings[0].fix.message and "opencv-python-headless" in findings[0].fix.message


@pytest.mark.parametrize("before, after", [
    (b"requests\n", b"requests\nflask\ngunicorn\n"),
    (b"requests", b"requests\nflask\ngunicorn"),
    (b"requests\r\n# pinned\r\n", b"requests\r\n# pinned\r\nflask\r\ngunicorn\r\n"),
    (b"Flask==3.0\n", b"Flask==3.0\ngunicorn\n"),
])
def test_flask_and_gunicorn_are_added(tmp_path, before, after):
    make_repo(tmp_path, {**GOOD, "requirements.txt": before})
    assert fixed_twice(tmp_path)["requirements.txt"] == after


@pytest.mark.parametrize("encoding, mark", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_a_utf16_requirements_file_stays_utf16(tmp_path, encoding, mark):
    # An editor's "Unicode" (Windows Notepad) is UTF-16 with a byte-order mark: pip reads it, so
    # the fix edits it in its own encoding, BOM and CRLF kept.
    make_repo(tmp_path, {**GOOD, "requirements.txt": mark + "flask\r\n".encode(encoding)})
    assert fixed_twice(tmp_path)["requirements.txt"] == mark + "flask\r\ngunicorn\r\n".encode(encoding)
    assert "requirements-gunicorn" not in rules_left(tmp_path)


@pytest.mark.parametrize("before, after", [
    (b"Flask==1.1.2\r\ngunicorn\r\nJinja2==2.11.3\r\n",
     b"Flask==1.1.2\r\ngunicorn\r\nJinja2==2.11.3\r\nWerkzeug<2.0\r\nitsdangerous<2.0\r\nclick<8.0\r\nMarkupSafe<2.1\r\n"),
    (b"flask==2.0.2\ngunicorn", b"flask==2.0.2\ngunicorn\nWerkzeug<3.0"),
])
def test_old_flask_gets_its_dependencies_upper_bounds(tmp_path, before, after):
    make_repo(tmp_path, {**GOOD, "requirements.txt": before})
    assert fixed_twice(tmp_path)["requirements.txt"] == after
    assert "requirements-flask" not in rules_left(tmp_path)


def test_old_flask_beside_a_loose_requirement_of_its_own_names_the_hand_fix(tmp_path):
    make_repo(tmp_path, {**GOOD, "requirements.txt": "Flask==1.0.4\nWerkzeug>=0.15\ngunicorn\n"})
    (finding,) = [f for f in lint(Project(str(tmp_path))) if f.rule == "requirements-flask"]
    assert finding.line == 1 and "narrow your own requirement to Werkzeug<2.0" in (finding.hint or "")
    fix(tmp_path)
    assert (tmp_path / "requirements.txt").read_text() == (
        "Flask==1.0.4\nWerkzeug>=0.15\ngunicorn\nJinja2<3.0\nitsdangerous<2.0\nclick<8.0\nMarkupSafe<2.1\n")


def test_a_marker_that_excludes_niblit_is_left_to_a_human(tmp_path):
    make_repo(tmp_path, {**GOOD, "requirements.txt": "flask; sys_platform == 'win32'\ngunicorn\n"})
    fix(tmp_path)
    assert (tmp_path / "requirements.txt").read_text() == "flask; sys_platform == 'win32'\ngunicorn\n"


def test_includes_are_flattened_in_place_keeping_order_comments_and_markers(tmp_path):
    make_repo(tmp_path, {
        **GOOD,
        "requirements.txt": "# top\n-r requirements/base.txt\ngunicorn==22.0\n",
        "requirements/base.txt": "flask==3.0  # web\n-r common.txt\npywin32; sys_platform == 'win32'\n",
        "requirements/common.txt": "requests\n",
    })
    after = fixed_twice(tmp_path)
    assert after["requirements.txt"] == (b"# top\n# from requirements/base.txt\nflask==3.0  # web\nrequests\n"
                                         b"pywin32; sys_platform == 'win32'\ngunicorn==22.0\n")
    assert after["requirements/base.txt"].startswith(b"flask")  # never deleted
    assert "requirements-include" not in rules_left(tmp_path)


def test_a_constraints_include_is_flattened_only_as_unsafe(tmp_path):
    make_repo(tmp_path, {**GOOD, "requirements.txt": "flask\ngunicorn\n-c constraints.txt\n",
                         "constraints.txt": "urllib3<3\n"})
    fix(tmp_path)
    assert "requirements-include" in rules_left(tmp_path)
    after = fixed_twice(tmp_path, "--unsafe-fixes")
    assert after["requirements.txt"] == b"flask\ngunicorn\n# from constraints.txt (constraints, now requirements)\nurllib3<3\n"


@pytest.mark.parametrize("files, expected", [
    ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["Flask>=3", "requests[socks]; python_version >= \'3.8\'"]\n'},
     "# from pyproject.toml\nFlask>=3\nrequests[socks]; python_version >= '3.8'\ngunicorn\n"),
    ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^2.3"\nlocal = {path = "../x"}\n'},
     "# from pyproject.toml\nflask>=2.3,<3\ngunicorn\n"),
    ({"Pipfile": '[packages]\nflask = "*"\nrequests = {version = "==2.31.0"}\n[dev-packages]\npytest = "*"\n'},
     "# from Pipfile\nflask\nrequests==2.31.0\ngunicorn\n"),
    ({"setup.py": 'import os\nREQS = ["flask", "gunicorn>=21"]\nos.system("rm -rf /")\nsetup(name="x", install_requires=REQS)\n'},
     "# from setup.py\nflask\ngunicorn>=21\n"),
    ({}, "flask\ngunicorn\n"),
])
def test_requirements_are_written_from_what_the_project_declares(tmp_path, files, expected):
    make_repo(tmp_path, {"Dockerfile": spec.DOCKERFILE, "app.py": APP, **files})
    assert fixed_twice(tmp_path)["requirements.txt"] == expected.encode()
    assert not {"requirements-missing", "requirements-flask", "requirements-gunicorn"} & rules_left(tmp_path)


def test_an_import_no_requirement_provides_is_added_only_as_unsafe(tmp_path):
    make_repo(tmp_path, {**GOOD, "app.py": APP + "import sklearn\n"})
    fix(tmp_path)
    assert (tmp_path / "requirements.txt").read_text() == "flask\ngunicorn\n"
    assert fixed_twice(tmp_path, "--unsafe-fixes")["requirements.txt"] == b"flask\ngunicorn\nscikit-learn\n"


def test_forbidden_and_secret_files_are_ignored_never_deleted(tmp_path):
    make_repo(tmp_path, {**GOOD, ".env": "SECRET_KEY=x\n", "venv/pyvenv.cfg": "", "__pycache__/a.pyc": b"\0",
                         ".gitignore": "*.log"})
    after = fixed_twice(tmp_path)
    assert after[".gitignore"] == b"*.log\n.env\n__pycache__/\nvenv/"
    assert after[".env"] == b"SECRET_KEY=x\n" and "venv/pyvenv.cfg" in after


def test_gitignore_that_already_ignores_them_is_left_alone(tmp_path):
    make_repo(tmp_path, {**GOOD, ".env": "A=1\n", "venv/pyvenv.cfg": "", ".gitignore": ".env*\nvenv\n"})
    assert fix(tmp_path) == 1  # secret-file still fails the run: the file is still there
    assert (tmp_path / ".gitignore").read_text() == ".env*\nvenv\n"


@pytest.mark.parametrize("path, before, after, unsafe", [
    (".python-version", "3.9.18\n", "3.12\n", False),
    ("runtime.txt", "python-3.8.1\r\n", "python-3.12\r\n", False),
    (".python-version", "pypy3.10\n", "3.12\n", True),
    ("pyproject.toml", '[project]\nname = "x"\nrequires-python = "<3.10"  # old\n',
     '[project]\nname = "x"\nrequires-python = ">=3.11"  # old\n', True),
])
def test_python_pins_move_to_312(tmp_path, path, before, after, unsafe):
    make_repo(tmp_path, {**GOOD, path: before.encode()})
    fix(tmp_path)
    assert (tmp_path / path).read_bytes() == (before if unsafe else after).encode()
    if unsafe:
        assert fixed_twice(tmp_path, "--unsafe-fixes")[path] == after.encode()
    assert "python-version" not in rules_left(tmp_path)


def test_a_read_only_or_symlinked_target_is_refused_with_a_line(tmp_path, capsys):
    make_repo(tmp_path, {**GOOD, "real.txt": "requests\n"})
    os.remove(tmp_path / "requirements.txt")
    os.symlink("real.txt", tmp_path / "requirements.txt")
    (tmp_path / "Dockerfile").write_text("FROM python:3.9\n")
    (tmp_path / "Dockerfile").chmod(0o444)
    assert main([str(tmp_path), "--skip-build", "--fix"]) == 1
    out = capsys.readouterr().out
    assert "Dockerfile: is read-only; not changed" in out
    assert "requirements.txt: is a symbolic link; not changed" in out
    assert (tmp_path / "real.txt").read_text() == "requests\n"
    assert (tmp_path / "Dockerfile").read_text() == "FROM python:3.9\n"


def test_diff_writes_nothing_and_exits_1_then_0(tmp_path, capsys):
    make_repo(tmp_path, {**GOOD, "requirements.txt": "flask\n"})
    before = tree(tmp_path)
    assert main([str(tmp_path), "--skip-build", "--diff"]) == 1
    out = capsys.readouterr().out
    assert out == "--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1 +1,2 @@\n flask\n+gunicorn\n"
    assert tree(tmp_path) == before
    fix(tmp_path)
    assert main([str(tmp_path), "--skip-build", "--diff"]) == 0
    assert capsys.readouterr().out == ""


def test_ignored_findings_are_not_fixed(tmp_path):
    make_repo(tmp_path, {**GOOD, "requirements.txt": "flask\n"})
    fix(tmp_path, "--ignore", "requirements-gunicorn")
    assert (tmp_path / "requirements.txt").read_text() == "flask\n"


def test_json_report_carries_the_fix_and_what_fix_did(tmp_path):
    import json

    make_repo(tmp_path, {**GOOD, "requirements.txt": "flask\n"})
    out = tmp_path.parent / f"{tmp_path.name}.json"
    assert main([str(tmp_path), "--skip-build", "--format", "json", "--output", str(out)]) == 1
    finding = next(f for f in json.loads(out.read_text())["findings"] if f["rule"] == "requirements-gunicorn")
    assert finding["fix"]["safe"] is True
    assert finding["fix"]["edits"] == [{"path": "requirements.txt", "line": 2, "column": 1, "end_line": 2,
                                        "end_column": 1, "content": "gunicorn\n"}]
    assert main([str(tmp_path), "--skip-build", "--fix", "--format", "json", "--output", str(out)]) == 0
    fixed = json.loads(out.read_text())["fixed"]
    assert fixed["applied"] == 1 and fixed["files"] == ["requirements.txt"] and fixed["dropped"] == []


def test_a_binary_gitignore_is_refused_with_a_line(tmp_path, capsys):
    make_repo(tmp_path, {**GOOD, ".env": "A=1\n", ".gitignore": b"\x00\x01binary"})
    main([str(tmp_path), "--skip-build", "--fix"])
    assert ".gitignore: is a binary file; not changed" in capsys.readouterr().out
    assert (tmp_path / ".gitignore").read_bytes() == b"\x00\x01binary"


def test_diff_never_prints_the_secret_a_fix_replaces(tmp_path):
    import subprocess
    import sys

    secret = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    (tmp_path / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n"
        f'app.config["SECRET_KEY"] = "{secret}"\nSTRIPE_KEY = "{secret}"\n')
    done = subprocess.run([sys.executable, "-m", "deploy_check", str(tmp_path), "--diff", "--unsafe-fixes"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "-app.config" in done.stdout or "-STRIPE_KEY" in done.stdout
    assert secret not in done.stdout + done.stderr


@pytest.mark.parametrize("name", ["dockerfile", "Dockerfile.prod", "docker/Dockerfile"])
def test_the_template_is_written_beside_a_stand_in_which_stays(tmp_path, name):
    files = {**GOOD, name: "FROM python:3.8\nRUN apt-get install -y libpq-dev\nCMD python app.py\n"}
    del files["Dockerfile"]
    make_repo(tmp_path, files)
    before = (tmp_path / name).read_bytes()
    after = fixed_twice(tmp_path)
    assert after["Dockerfile"] == TEMPLATE and after[name] == before
    assert not rules_left(tmp_path) & {"dockerfile-missing", "dockerfile-base-image", "dockerfile-cmd"}
