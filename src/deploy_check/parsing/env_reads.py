"""The environment variables the served app reads, by name: `os.environ.get("NAME")`,
`os.getenv("NAME")`, `os.environ["NAME"]`, `os.environ.setdefault(...)`, and the readers of
python-decouple (`config("NAME")`) and environs (`env("NAME")`, `env.str("NAME")`).

Read from the text of the modules the served app runs (parsing/reachability.py), a line at
a time: a name is a string literal there, and the first read of each is kept.
"""
from __future__ import annotations

import re

from deploy_check.finding import Location
from deploy_check.parsing import reachability
from deploy_check.project import Project

_READ = re.compile(
    r"""(?:environ\.get|getenv|environ\.setdefault|environ\.pop|(?<![\w.])config|(?<![\w.])env(?:\.\w+)?)"""
    r"""\(\s*(?:key\s*=\s*)?["'](?P<call>[A-Za-z_]\w*)["']|environ\[\s*["'](?P<item>[A-Za-z_]\w*)["']\s*\]"""
)


def reads(project: Project) -> dict[str, Location]:
    """Each variable the served app reads, with the place of its first read."""
    return project.memo("env_reads", lambda: _reads(project))


def _reads(project: Project) -> dict[str, Location]:
    found: dict[str, Location] = {}
    for path in project.python_files():
        if not reachability.is_served(project, path):
            continue
        text = project.read_text(path)
        if text is None or "env" not in text and "config(" not in text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            for match in _READ.finditer(line):
                name = match.group("call") or match.group("item")
                found.setdefault(name, Location(path, number, match.start() + 1))
    return found
