"""The repository's Dockerfile, parsed by BuildKit's own parser (`dockerfile`).

Niblit reads only `./Dockerfile`, case-sensitive. Without it, two other files stand in:
- `parse()`: a root file that only a case-insensitive file system takes for it
  (`dockerfile`, `DockerFile`). Its author meant it as the Dockerfile, so the Dockerfile
  rules check it, on its own lines, besides dockerfile-missing.
- `deciding()`: that, or else the Dockerfile the author builds under another name
  (`Dockerfile.prod`, `Dockerfile-alpine`, `app.dockerfile`, `docker/Dockerfile`: see
  `stand_in`). Only its facts are used (the app module its CMD serves, the packages it
  pip-installs, its ports), for hints and for what it installs outside requirements.txt.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
import shlex

import dockerfile as buildkit

from deploy_check.finding import Location
from deploy_check.parsing import compose
from deploy_check.project import Project

PATH = "Dockerfile"


@dataclasses.dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction with its place (1-based lines)."""

    cmd: str  # upper-cased
    value: tuple[str, ...]
    flags: tuple[str, ...]
    json: bool
    original: str
    line: int
    end_line: int
    path: str = PATH  # the file it is in

    def location(self, raw_line: str | None = None, token: str | None = None) -> Location:
        """The instruction's place; with `token`, the column span of it on the first line."""
        if raw_line is not None and token:
            index = raw_line.find(token)
            if index >= 0:
                return Location(self.path, self.line, index + 1, self.line, index + len(token) + 1)
        return Location(self.path, self.line, None, self.end_line if self.end_line != self.line else None)


@dataclasses.dataclass(frozen=True)
class ParsedDockerfile:
    """Instructions, or the parser's error when it could not parse."""

    instructions: tuple[Instruction, ...]
    error: str | None = None
    path: str = PATH  # the file parsed: ./Dockerfile, or the file standing in for it

    def of(self, cmd: str) -> list[Instruction]:
        return [i for i in self.instructions if i.cmd == cmd]

    def last_line(self) -> int:
        return self.instructions[-1].end_line if self.instructions else 1


def parse_text(text: str, path: str = PATH) -> ParsedDockerfile:
    """Parse Dockerfile text (of the file at `path`); never raises."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as error:
        return ParsedDockerfile((), str(error) or "does not parse", path)
    except (ValueError, RecursionError, MemoryError) as error:  # defensive: hostile input
        return ParsedDockerfile((), f"does not parse: {type(error).__name__}", path)
    if any(not c.cmd for c in commands):
        return ParsedDockerfile((), "an instruction has no name (a stray line continuation?)", path)
    return ParsedDockerfile(
        tuple(
            Instruction(
                cmd=c.cmd.upper(),
                value=tuple(c.value),
                flags=tuple(c.flags),
                json=bool(c.json),
                original=c.original,
                line=c.start_line,
                end_line=c.end_line,
                path=path,
            )
            for c in commands
        ),
        path=path,
    )


def parse(project: Project) -> ParsedDockerfile | None:
    """The Dockerfile the Dockerfile rules check: ./Dockerfile, else a root file named so
    but for case (`dockerfile`); None when there is neither."""
    if project.has(PATH):
        return root(project)
    variant = case_variant(project)
    return _parse_file(project, variant) if variant is not None else None


def root(project: Project) -> ParsedDockerfile | None:
    """./Dockerfile itself, parsed once per project (what a build of the repository's own
    Dockerfile ran); None when there is none."""
    return _parse_file(project, PATH) if project.has(PATH) else None


def deciding(project: Project) -> ParsedDockerfile | None:
    """The Dockerfile whose facts decide the deploy: parse(), else the stand-in's."""
    parsed = parse(project)
    if parsed is not None:
        return parsed
    other = stand_in(project)
    return _parse_file(project, other) if other is not None else None


def _parse_file(project: Project, path: str) -> ParsedDockerfile:
    def compute() -> ParsedDockerfile:
        text = project.read_text(path)
        if text is None:
            return ParsedDockerfile((), "not readable as UTF-8 text", path)
        return parse_text(text, path)

    return project.memo(("dockerfile", path), compute)


def case_variant(project: Project) -> str | None:
    """A root file named `Dockerfile` but for case, when ./Dockerfile is absent."""
    if project.has(PATH):
        return None
    return next((f.path for f in project.files if f.path.lower() == "dockerfile" and f.path != PATH), None)


# Folders whose Dockerfile builds the repository from its root (not another app's folder).
STAND_IN_FOLDERS = ("", "docker", ".docker", "deploy", "deployment", "container", "containers")
_STAND_IN_NAME = re.compile(r"^(?:dockerfile(?:[.-][\w.-]+)?|[\w.-]+\.dockerfile)$", re.IGNORECASE)
_NOT_A_DOCKERFILE = re.compile(r"\.(?:dockerignore|md|rst|txt|sh|ya?ml|json|orig|bak|swp)$", re.IGNORECASE)
_LESSER = re.compile(r"dev|test|local|debug|ci\b|build", re.IGNORECASE)


def stand_ins(project: Project) -> list[str]:
    """Without ./Dockerfile, the files that look like the repository's Dockerfile, most
    likely first: the case variant, then one a compose file builds the app with, then the
    root's (a production one before the others, dev/test/build ones last), then those of a
    docker/-like folder."""
    if project.has(PATH):
        return []
    found = [f.path for f in project.files if posixpath.dirname(f.path) in STAND_IN_FOLDERS
             and _STAND_IN_NAME.match(posixpath.basename(f.path)) and not not_a_dockerfile(f.path)]
    composed = _compose_dockerfiles(project)
    found.extend(path for path in composed if path not in found)

    def rank(path: str) -> tuple[int, int, int, int, str]:
        name = posixpath.basename(path)
        return (0 if name.lower() == "dockerfile" and "/" not in path else 1, 0 if path in composed else 1,
                path.count("/"), 0 if "prod" in name.lower() else 2 if _LESSER.search(name) else 1, path)

    return sorted(found, key=rank)


def _compose_dockerfiles(project: Project) -> list[str]:
    """The Dockerfiles a compose file builds this repository's app with (`build: {context: .,
    dockerfile: Dockerfile.prod}`), when they exist."""
    named = [posixpath.normpath(service.dockerfile) for service in compose.app_services(project)
             if service.builds_root and service.dockerfile]
    return [path for path in dict.fromkeys(named) if project.has(path) and path != PATH]


def not_a_dockerfile(path: str) -> bool:
    """A file named after the Dockerfile that is something else (`Dockerfile.dockerignore`,
    `dockerfile.md`)."""
    return _NOT_A_DOCKERFILE.search(path) is not None


def stand_in(project: Project) -> str | None:
    """The most likely of stand_ins(), or None."""
    found = stand_ins(project)
    return found[0] if found else None


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    """ENV's key/value pairs, quotes removed (`ENV K V` legacy form included)."""
    values = list(instruction.value)
    pairs = []
    for key, value in zip(values[0::2], values[1::2]):
        pairs.append((key, unquote(value)))
    return pairs


def unquote(value: str) -> str:
    try:
        parts = shlex.split(value)
    except ValueError:
        return value
    return " ".join(parts) if parts else ""


def command_words(instruction: Instruction) -> list[str] | None:
    """CMD/ENTRYPOINT/RUN as argv: exec form as given, shell form split like sh (None if unsplittable)."""
    if instruction.json:
        return list(instruction.value)
    try:
        return shlex.split(" ".join(instruction.value))
    except ValueError:
        return None


def split_bind(words: list[str]) -> tuple[list[str], list[str]]:
    """gunicorn's bind values (`--bind X`, `-b X`, `--bind=X`, `-bX`) and the other words."""
    binds: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("--bind", "-b") and index + 1 < len(words):
            binds.append(words[index + 1])
            index += 2
            continue
        if word.startswith("--bind="):
            binds.append(word.split("=", 1)[1])
        elif word.startswith("-b") and len(word) > 2 and not word.startswith("--"):
            binds.append(word[2:])
        else:
            rest.append(word)
        index += 1
    return binds, rest


def final_command(parsed: ParsedDockerfile) -> Instruction | None:
    """The CMD that takes effect (the last one)."""
    cmds = parsed.of("CMD")
    return cmds[-1] if cmds else None


def expand_env(value: str, env: dict[str, str]) -> str:
    """Expand $NAME and ${NAME} from the Dockerfile's ENV (shell-form CMD does at run time)."""
    import re

    return re.sub(
        r"\$\{(\w+)\}|\$(\w+)",
        lambda m: env.get(m.group(1) or m.group(2), m.group(0)),
        value,
    )


def env_values(parsed: ParsedDockerfile, before: int | None = None) -> dict[str, str]:
    """The variables the ENV lines set (only those above line `before`, when given)."""
    values: dict[str, str] = {}
    for instruction in parsed.of("ENV"):
        if before is None or instruction.line < before:
            values.update(env_pairs(instruction))
    return values
