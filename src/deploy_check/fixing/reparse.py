"""Does a fixed file still parse? Each kind with the parser the check itself uses."""
from __future__ import annotations

import ast
import posixpath
import tomllib

from deploy_check.parsing.dockerfile import parse_text as parse_dockerfile
from deploy_check.parsing.requirements import Problem
from deploy_check.parsing.requirements import logical_lines
from deploy_check.parsing.requirements import parse_line


def parse_error(path: str, text: str) -> str | None:
    """Why `text`, as the content of `path`, does not parse; None when it does (or when
    deploy-check does not parse that kind of file)."""
    name = posixpath.basename(path)
    if name.endswith(".py"):
        try:
            ast.parse(text, filename=path)
        except SyntaxError as error:
            return f"line {error.lineno}: {error.msg}"
        except (ValueError, RecursionError, MemoryError) as error:
            return type(error).__name__
        return None
    if name == "Dockerfile":
        return parse_dockerfile(text).error
    if name.startswith("requirements") and name.endswith(".txt"):
        for number, line in logical_lines(text):
            parsed = parse_line(path, number, line)
            if isinstance(parsed, Problem) and parsed.kind == "syntax":
                return f"line {number}: {parsed.message}"
        return None
    if name.endswith(".toml"):
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            return str(error)
    return None
