"""Property-based tests: every parser and resolver gives a result or a clean error, never another
exception, never a hang (each example has a deadline)."""
from __future__ import annotations

import ast
import json
import os
import pathlib
import tempfile

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from deploy_check import Options
from deploy_check import check
from deploy_check import engine
from deploy_check.config import Config
from deploy_check.config import load_config
from deploy_check.errors import UsageError
from deploy_check.ignores import ignored_on_line
from deploy_check.parsing import dockerfile
from deploy_check.parsing import python
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.report import RenderContext
from deploy_check.report import render

FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
words = st.sampled_from(["FROM", "RUN", "CMD", "ENV", "EXPOSE", "COPY", "WORKDIR", "ENTRYPOINT", "ARG", "#", "\\",
                         "python:3.12-slim", "[", "]", '"', "0.0.0.0:5000", "--bind", "gunicorn", "app:app", "\n",
                         "\r\n", " ", "=", "<<EOF", "EOF", "PORT", "5000", "\ufeff", "\t"])


def in_repo(files: dict[str, str | bytes]):
    directory = tempfile.TemporaryDirectory()
    root = pathlib.Path(directory.name)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return directory, root


@FAST
@given(st.lists(st.one_of(text, st.sampled_from(["flask", "-r x.txt", "-e .", "a==", "b @ https://x/y.whl",
                                                  "c; os_name == 'nt'", "\\", "--hash=sha256:ab", "#"])), max_size=8))
def test_requirements_lines(parts):
    content = "\n".join(parts)
    for number, line in requirements.logical_lines(content):
        result = requirements.parse_line("requirements.txt", number, line)
        assert result is None or isinstance(result, (requirements.RequirementLine, requirements.Problem))


@FAST
@given(st.lists(words, max_size=40))
def test_dockerfiles(tokens):
    content = " ".join(tokens)
    parsed = dockerfile.parse_text(content)
    assert parsed.error is None or isinstance(parsed.error, str)
    directory, root = in_repo({"Dockerfile": content})
    with directory:
        findings = [f for f in engine.lint(Project(str(root))) if f.rule.startswith("dockerfile-")]
        assert all(f.path == "Dockerfile" for f in findings)


path_exprs = st.recursive(
    st.one_of(st.text(max_size=20).map(repr), st.just("__file__"), st.just("BASE"),
              st.just("os.environ.get('X', 'y')"), st.just("os.getcwd()"), st.just("app.instance_path")),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"os.path.join({t[0]}, {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]}) + ({t[1]})"),
        inner.map(lambda e: f"os.path.dirname({e})"),
        inner.map(lambda e: f"Path({e}).parent"),
        inner.map(lambda e: f"f'{{{e}}}/x'"),
    ),
    max_leaves=6,
)


@FAST
@given(path_exprs, path_exprs)
def test_resolver(base, value):
    source = (f"import os\nfrom pathlib import Path\nimport sqlite3\nBASE = {base}\n"
              f"sqlite3.connect({value})\napp.config['UPLOAD_FOLDER'] = {value}\n")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    resolver = python.Resolver(tree, "app.py")
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            result = resolver.value(node)
            assert result is None or result is python.FROM_ENV or isinstance(result, str)
    directory, root = in_repo({"app.py": source})
    with directory:
        list(engine.lint(Project(str(root))))


@FAST
@given(text)
def test_arbitrary_python_text_through_every_rule(source):
    directory, root = in_repo({"app.py": source, "requirements.txt": "flask\ngunicorn\n"})
    with directory:
        for finding in engine.lint(Project(str(root))):
            assert finding.line is None or finding.line >= 1


@FAST
@given(st.one_of(text, st.dictionaries(st.sampled_from(["ignore", "tier", "smoke-paths", "timeout", "fail-on", "x"]),
                                       st.one_of(st.integers(), st.text(max_size=10), st.lists(st.text(max_size=5)),
                                                 st.booleans()), max_size=4).map(
    lambda d: "\n".join(f"{k} = {json.dumps(v)}" for k, v in d.items()))))
def test_config_files(content):
    directory, root = in_repo({".deploy-check.toml": content})
    with directory:
        try:
            assert isinstance(load_config(Project(str(root))), Config)
        except UsageError:
            pass


@FAST
@given(st.one_of(text, st.builds(lambda a, b: f"{a}# deploy-check: ignore[{b}]", text, text)))
def test_ignore_comments(line):
    assert isinstance(ignored_on_line(line), frozenset)


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1,
                max_size=30).filter(lambda n: n not in (".", ".."))


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=5, unique=True))
def test_file_names_through_every_format(file_names):
    directory, root = in_repo({})
    with directory:
        for name in file_names:
            try:
                (root / name).write_text("x = 1\n")
            except OSError:
                return  # a name the file system refuses (too long in bytes)
        try:
            report = check(str(root), Options(skip_build=True))
        except UsageError:
            return  # a generated .deploy-check.toml holding "x = 1": an unknown setting, the user's error (exit 2)
        context = RenderContext(source_line=report.source_line)
        for fmt in ("text", "json", "sarif", "github"):
            output = render(fmt, report, context)
            if fmt in ("json", "sarif"):
                json.loads(output)
            if fmt == "github":
                for line in output.splitlines():
                    if line.startswith(("::error ", "::warning ", "::notice ")):
                        assert "\n" not in line and "\r" not in line
        assert os.listdir(root)  # nothing removed
