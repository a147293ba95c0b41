"""What gunicorn binds in the image, worked out as gunicorn works it out, without running it.

gunicorn's order (gunicorn/app/base.py `load_config`, gunicorn/config.py `Bind`): the
command line's `--bind`, else the one in GUNICORN_CMD_ARGS, else `bind` in the config
file (the one `-c` names on the command line or in GUNICORN_CMD_ARGS, else
`./gunicorn.conf.py` in the working directory), else the default: `0.0.0.0:$PORT` when
the PORT variable is set, `127.0.0.1:8000` when it is not. Niblit sets PORT=5000
(its spec's environment, over the image's ENV), so without any bind gunicorn listens on
0.0.0.0:5000 there. The config file is read with `ast`, never run: literals, f-strings,
`+`, `%` and `.format` of them, module-level names and environment reads (with
Niblit's environment and the Dockerfile's ENV) are worked out; anything else leaves the
bind undecided, and a rule says nothing about it.
"""
from __future__ import annotations

import ast
import dataclasses
import posixpath
import re
import shlex
from typing import Union

from deploy_check import spec
from deploy_check.finding import Location
from deploy_check.parsing import dockerfile
from deploy_check.parsing import python
from deploy_check.project import Project

CMD_ARGS = "GUNICORN_CMD_ARGS"
DEFAULT_CONFIG = "gunicorn.conf.py"
# Where gunicorn goes when nothing binds and PORT is unset (gunicorn/config.py `Bind`).
UNSET_DEFAULT = "127.0.0.1:8000"
# What a config file's expressions may be: at most this deep, the rest is undecided.
MAX_DEPTH = 12

# Longer strings are not an address: left undecided, and never built.
MAX_CHARS = 1000
# Only plain conversions: a width (`%999999999d`, `{:>999999999}`) would build a huge string.
_PLAIN_PERCENT = re.compile(r"(?:[^%]|%[sdi%])*")
_PLAIN_FORMAT = re.compile(r"(?:[^{}]|\{\d*\}|\{\{|\}\})*")

Value = Union[str, int, list, None]  # list: of str/int; None: cannot be told


@dataclasses.dataclass(frozen=True)
class Bind:
    """One address gunicorn binds on Niblit, and the place that decides it."""

    value: str
    written: str  # as written there (`0.0.0.0:$PORT`)
    where: Location


@dataclasses.dataclass(frozen=True)
class Decision:
    """What gunicorn binds, from which source (`command`, GUNICORN_CMD_ARGS, `config` or
    `PORT`, the default); `binds` is None when it cannot be told statically."""

    source: str
    binds: tuple[Bind, ...] | None
    config: str | None = None  # the config file's path, when that decides
    # True when the bind follows the PORT variable (gunicorn's default, `$PORT`, or a
    # config file's environment read): the Dockerfile's own ENV PORT then moves it
    # wherever Niblit's environment does not override it.
    follows_port: bool = False

    def wrong(self) -> tuple[Bind, ...]:
        """The binds, when none of them is one Niblit reaches (every address at port 5000)."""
        binds = self.binds or ()
        return () if any(reaches(bind.value) for bind in binds) else binds

    def respelled(self) -> tuple[Bind, ...]:
        """The binds other than the template's, when one of them is reachable all the same
        (`:5000`, `[::]:5000`, an extra `127.0.0.1:9000`): drift, not a port error."""
        binds = self.binds or ()
        return () if self.wrong() else tuple(bind for bind in binds if bind.value != spec.BIND)


def reaches(value: str) -> bool:
    """Does gunicorn, given this bind, listen on every address at Niblit's port? As
    gunicorn/util.py `parse_address` reads it: `:5000` is every address, `[::]:5000` every
    IPv6 one (IPv4 too, as Linux binds it), a missing port is 8000."""
    if value.startswith("tcp://"):
        value = value[len("tcp://"):]
    if value.startswith(("unix:", "fd://")):
        return False
    default_port = UNSET_DEFAULT.rsplit(":", 1)[1]
    if "[" in value and "]" in value:
        host, port = value.split("]")[0][1:], (value.split("]:") + [default_port])[1]
    elif ":" in value:
        host, port = (value.split(":") + [default_port])[:2]
    else:
        host, port = value or "0.0.0.0", default_port
    try:
        number = int(port)
    except ValueError:
        return False
    return host.lower() in ("", "0.0.0.0", "::") and number == spec.PORT


def decide(project: Project) -> Decision | None:
    """What the Dockerfile's gunicorn CMD binds on Niblit; None when the final CMD does not
    run gunicorn (or an ENTRYPOINT decides what runs: dockerfile-cmd's business)."""
    return project.memo("gunicorn.bind", lambda: _decide(project))


def port_env(project: Project) -> tuple[str, dockerfile.Instruction] | None:
    """The Dockerfile's last ENV PORT: its value and instruction."""
    parsed = dockerfile.parse(project)
    found: tuple[str, dockerfile.Instruction] | None = None
    for instruction in parsed.of("ENV") if parsed is not None else ():
        for key, value in dockerfile.env_pairs(instruction):
            if key == spec.PORT_VARIABLE:
                found = (value, instruction)
    return found


def gunicorn_words(project: Project) -> tuple[dockerfile.Instruction, list[str]] | None:
    """The final CMD and its words, when it runs gunicorn and no ENTRYPOINT wraps it."""
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error or parsed.of("ENTRYPOINT"):
        return None
    cmd = dockerfile.final_command(parsed)
    words = launched(dockerfile.command_words(cmd) or []) if cmd is not None else []
    if cmd is None or not words or "gunicorn" not in words[0]:
        return None
    return cmd, words


# Commands that run the next words as a program: `uv run gunicorn ...` binds what gunicorn binds.
_LAUNCHERS = (("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run"),
              ("python", "-m"), ("python3", "-m"), ("exec",))


def launched(words: list[str]) -> list[str]:
    """The words from gunicorn on, when only a launcher (`uv run`, `python -m`) comes before it."""
    for launcher in _LAUNCHERS:
        if tuple(words[:len(launcher)]) == launcher and len(words) > len(launcher):
            return launched(words[len(launcher):])
    return words


def _decide(project: Project) -> Decision | None:
    found = gunicorn_words(project)
    parsed = dockerfile.parse(project)
    if found is None or parsed is None:
        return None
    cmd, words = found
    image_env = dockerfile.env_values(parsed)
    # What the container's environment is on Niblit: the image's ENV, with Niblit's over it.
    niblit_env = {**image_env, **spec.ENVIRONMENT}
    binds, _ = dockerfile.split_bind(words)
    if binds:
        raw = project.line(parsed.path, cmd.line)
        # a shell-form CMD expands $PORT when it runs; an exec-form one passes it on as is
        values = [(dockerfile.expand_env(b, niblit_env) if not cmd.json else b, b) for b in binds]
        return Decision("command", tuple(Bind(value, b, cmd.location(raw, b)) for value, b in values),
                        follows_port=not cmd.json and any(_names_port(b) for b in binds))
    config = _config_option(words)
    args_line = next((i for i in reversed(parsed.of("ENV"))
                      if any(key == CMD_ARGS for key, _ in dockerfile.env_pairs(i))), None)
    if args_line is not None:
        # ENV values are expanded when the image is built, from the ENV lines above
        value = dict(dockerfile.env_pairs(args_line))[CMD_ARGS]
        expanded = dockerfile.expand_env(value, dockerfile.env_values(parsed, before=args_line.line))
        try:
            env_words = shlex.split(expanded)
        except ValueError:
            return Decision(CMD_ARGS, None)
        env_binds, _ = dockerfile.split_bind(env_words)
        if env_binds:
            raw = project.line(parsed.path, args_line.line)
            return Decision(CMD_ARGS, tuple(Bind(b, b, args_line.location(raw, b)) for b in env_binds))
        config = config or _config_option(env_words)
    path = _config_path(config) if config else DEFAULT_CONFIG
    if path is None or (config and not project.has(path)):
        return Decision("config", None, config=path)  # not a file of the repository: cannot tell
    if project.has(path):
        decided = _config_bind(project, path, niblit_env)
        if decided is not None:
            return decided
    return Decision(spec.PORT_VARIABLE, (Bind(f"0.0.0.0:{niblit_env[spec.PORT_VARIABLE]}", "", cmd.location()),),
                    follows_port=True)


def _names_port(word: str) -> bool:
    return f"${spec.PORT_VARIABLE}" in word or f"${{{spec.PORT_VARIABLE}}}" in word


def _config_option(words: list[str]) -> str | None:
    """The value of gunicorn's `-c` / `--config` among the words, the last one winning."""
    found: str | None = None
    for index, word in enumerate(words):
        if word in ("-c", "--config") and index + 1 < len(words):
            found = words[index + 1]
        elif word.startswith("--config="):
            found = word.split("=", 1)[1]
        elif word.startswith("-c") and len(word) > 2 and not word.startswith("--"):
            found = word[2:]
    return found


def _config_path(value: str) -> str | None:
    """The repository path of a config file gunicorn is given (`PATH`, `file:PATH`,
    `python:MODULE`), run from the template's WORKDIR; None when it is outside the app."""
    if value.startswith("python:"):
        return value[len("python:"):].replace(".", "/") + ".py"
    if value.startswith("file:"):
        value = value[len("file:"):]
    if value.startswith("/"):
        if not value.startswith(spec.APP_DIR + "/"):
            return None
        value = value[len(spec.APP_DIR) + 1:]
    path = posixpath.normpath(value)
    return None if path.startswith("..") else path


def _config_bind(project: Project, path: str, env: dict[str, str]) -> Decision | None:
    """The config file's `bind`, or None when it sets none (gunicorn's default then)."""
    parsed = project.python(path)
    if parsed.tree is None:
        return Decision("config", None, config=path)
    assignments: dict[str, ast.expr] = {}
    binds: list[ast.expr] = []
    for statement in python.module_level(parsed.tree.body):
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value is not None else []
        value = getattr(statement, "value", None)
        for target in targets:
            if isinstance(target, ast.Name) and isinstance(value, ast.expr):
                assignments[target.id] = value
                if target.id == "bind":
                    binds.append(value)
    if not binds:
        return None
    evaluator = _Evaluator(assignments, env)
    values = [evaluator.value(node) for node in binds]
    # Set in more than one place (an if/else): decided only when every branch agrees.
    if any(value is None for value in values) or any(value != values[0] for value in values):
        return Decision("config", None, config=path, follows_port=evaluator.read_port)
    last = binds[-1]
    items = values[-1] if isinstance(values[-1], list) else [values[-1]]
    where = python.location(path, last)
    return Decision("config", tuple(Bind(str(item), str(item), where) for item in items),
                    config=path, follows_port=evaluator.read_port)


class _Evaluator:
    """A config file's expressions, worked out from literals, names and the environment."""

    def __init__(self, names: dict[str, ast.expr], env: dict[str, str]) -> None:
        self.names = names
        self.env = env
        self.read_port = False
        self.known: dict[str, Value] = {}

    def value(self, node: ast.AST, depth: int = 0) -> Value:
        """The expression's value, or None; never longer than MAX_CHARS (the file is hostile:
        `b = a + a`, `c = b + b`, ... would double at each name)."""
        if depth > MAX_DEPTH:
            return None
        found = self._value(node, depth)
        if isinstance(found, str) and len(found) > MAX_CHARS:
            return None
        return found

    def _value(self, node: ast.AST, depth: int) -> Value:
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, (str, int)) and not isinstance(node.value, bool) else None
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(item, depth + 1) for item in node.elts]
            return items if all(isinstance(item, (str, int)) for item in items) else None
        if isinstance(node, ast.Name):
            return self._name(node.id, depth)
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for part in node.values:
                inner = part.value if isinstance(part, ast.FormattedValue) else part
                if isinstance(part, ast.FormattedValue) and part.format_spec is not None:
                    return None
                value = self.value(inner, depth + 1)
                if not isinstance(value, (str, int)):
                    return None
                parts.append(str(value))
            return "".join(parts)
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.Subscript):
            return self._environment(node, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return None

    def _name(self, name: str, depth: int) -> Value:
        """A module-level name's value, worked out once (a hostile file may use it a
        thousand times) and None inside its own definition."""
        if name not in self.known:
            bound = self.names.get(name)
            self.known[name] = None  # while it is worked out: `a = b`, `b = a` ends here
            self.known[name] = self.value(bound, depth + 1) if bound is not None else None
        return self.known[name]

    def _binop(self, node: ast.BinOp, depth: int) -> Value:
        left = self.value(node.left, depth + 1)
        right = self.value(node.right, depth + 1)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        if isinstance(node.op, ast.Mod) and isinstance(left, str) and right is not None and _PLAIN_PERCENT.fullmatch(left):
            try:
                return left % (tuple(right) if isinstance(right, list) else right)
            except (TypeError, ValueError):
                return None
        return None

    def _call(self, node: ast.Call, depth: int) -> Value:
        name = python.dotted(node.func) or ""
        if name in ("str", "int") and len(node.args) == 1 and not node.keywords:
            value = self.value(node.args[0], depth + 1)
            if not isinstance(value, (str, int)):
                return None
            try:
                return str(value) if name == "str" else int(value)
            except ValueError:
                return None
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and not node.keywords:
            template = self.value(node.func.value, depth + 1)
            args = [self.value(arg, depth + 1) for arg in node.args]
            if (isinstance(template, str) and _PLAIN_FORMAT.fullmatch(template)
                    and all(isinstance(arg, (str, int)) for arg in args)):
                try:
                    return template.format(*args)
                except (IndexError, KeyError, ValueError):
                    return None
            return None
        return self._environment(node, depth)

    def _environment(self, node: ast.Call | ast.Subscript, depth: int) -> Value:
        """`os.environ.get("PORT", "5000")`, `os.getenv(...)`, `os.environ["PORT"]`."""
        if isinstance(node, ast.Subscript):
            if not (python.dotted(node.value) or "").endswith("environ"):
                return None
            key, default = node.slice, None
        else:
            name = python.dotted(node.func) or ""
            if not (name.endswith("environ.get") or name in ("os.getenv", "getenv")) or not node.args:
                return None
            key, default = node.args[0], (node.args[1] if len(node.args) > 1 else None)
        variable = self.value(key, depth + 1)
        if not isinstance(variable, str):
            return None
        if variable == spec.PORT_VARIABLE:
            self.read_port = True
        if variable in self.env:
            return self.env[variable]
        return self.value(default, depth + 1) if default is not None else None
