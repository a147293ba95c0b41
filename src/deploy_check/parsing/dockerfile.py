"""The repository's Dockerfile, parsed by BuildKit's own parser (`dockerfile`)."""
from __future__ import annotations

import dataclasses
import shlex

import dockerfile as buildkit

from deploy_check.finding import Location
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

    def location(self, raw_line: str | None = None, token: str | None = None) -> Location:
        """The instruction's place; with `token`, the column span of it on the first line."""
        if raw_line is not None and token:
            index = raw_line.find(token)
            if index >= 0:
                return Location(PATH, self.line, index + 1, self.line, index + len(token) + 1)
        return Location(PATH, self.line, None, self.end_line if self.end_line != self.line else None)


@dataclasses.dataclass(frozen=True)
class ParsedDockerfile:
    """Instructions, or the parser's error when it could not parse."""

    instructions: tuple[Instruction, ...]
    error: str | None = None

    def of(self, cmd: str) -> list[Instruction]:
        return [i for i in self.instructions if i.cmd == cmd]

    def last_line(self) -> int:
        return self.instructions[-1].end_line if self.instructions else 1


def parse_text(text: str) -> ParsedDockerfile:
    """Parse Dockerfile text; never raises."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as error:
        return ParsedDockerfile((), str(error) or "does not parse")
    except (ValueError, RecursionError, MemoryError) as error:  # defensive: hostile input
        return ParsedDockerfile((), f"does not parse: {type(error).__name__}")
    if any(not c.cmd for c in commands):
        return ParsedDockerfile((), "an instruction has no name (a stray line continuation?)")
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
            )
            for c in commands
        )
    )


def parse(project: Project) -> ParsedDockerfile | None:
    """The root Dockerfile, parsed once per project; None when there is none or it is unreadable."""

    def compute() -> ParsedDockerfile | None:
        if not project.has(PATH):
            return None
        text = project.read_text(PATH)
        if text is None:
            return ParsedDockerfile((), "not readable as UTF-8 text")
        return parse_text(text)

    return project.memo(("dockerfile", PATH), compute)


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
