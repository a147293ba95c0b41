"""What the Dockerfile pip-installs besides requirements.txt's `-r` chain.

Niblit builds its template, which installs requirements.txt and nothing else. A
repository's Dockerfile (or the file standing in for it: dockerfile.deciding) may also
run `pip install -r requirements/prod.txt` or `pip install flask gunicorn`; what only
those install is missing on Niblit. Read from the RUN instructions (shell and exec form,
commands joined with `&&`, `;`, `||`), for `pip`, `pip3`, `pip3.12` and
`python -m pip`. A `-r FILE` is found in the repository through the Dockerfile's own
`COPY src dest` lines, its WORKDIR and ENV (`${PROJECT}/requirements.txt`), else by the
longest repository path the target ends with. Local paths, URLs and arguments still
holding a variable install something that cannot be named: they are left out.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
import shlex
from collections.abc import Iterator

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy_check import spec
from deploy_check.parsing import dockerfile
from deploy_check.parsing import imports
from deploy_check.parsing import requirements
from deploy_check.project import Project

# Installers' own tools: installing them is not the app's dependency.
TOOLING = frozenset({"pip", "setuptools", "wheel", "pipenv", "poetry", "uv", "virtualenv", "pip-tools"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
_PIP = re.compile(r"^pip(?:3(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^python(?:3(?:\.\d+)?)?$")
# pip install's options that take a value (the next word, or `--opt=value`).
_WITH_VALUE = frozenset({
    "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
    "--trusted-host", "--default-timeout", "--timeout", "-t", "--target", "--prefix", "--root", "--platform",
    "--python-version", "--implementation", "--abi", "--progress-bar", "--cache-dir", "--src",
    "--upgrade-strategy", "--retries", "--log", "--proxy", "--cert", "--client-cert", "--exists-action",
    "--global-option", "--install-option", "-C", "--config-settings", "--only-binary", "--no-binary",
    "--report", "--python", "--root-user-action", "--keyring-provider", "--resume-retries",
})
MAX_WORDS = 2000  # words read per RUN instruction


@dataclasses.dataclass(frozen=True)
class Package:
    """One requirement a Dockerfile's pip installs: its canonical name and the line to add
    to requirements.txt for it (None: a path or URL that needs a human)."""

    name: str
    text: str
    source: str  # the requirements file it comes from, or the Dockerfile itself
    token: str  # the RUN line's word that installs it (the package, or the `-r` target)


@dataclasses.dataclass(frozen=True)
class Install:
    """A `pip install` in a RUN instruction: what it installs, and where."""

    instruction: dockerfile.Instruction
    files: tuple[str, ...]  # repository paths of its `-r` files
    packages: tuple[Package, ...]


def installs(project: Project) -> list[Install]:
    """Every `pip install` of the deciding Dockerfile's RUN lines, once per project."""
    return project.memo("pip_installs", lambda: list(_installs(project)))


def outside(project: Project) -> list[tuple[Install, list[Package]]]:
    """The installs that bring packages requirements.txt's chain does not, with those packages
    (flask and gunicorn aside: their own rules say it, see `mention`); [] without a readable
    requirements.txt (requirements-missing, requirements-syntax)."""
    return project.memo("pip_installs.outside", lambda: _outside(project))


def mention(project: Project, name: str) -> str:
    """A message's tail for a required package a Dockerfile installs outside requirements.txt."""
    wanted = canonicalize_name(name)
    for install in installs(project):
        if any(package.name == wanted for package in install.packages):
            return (f" ({install.instruction.path} line {install.instruction.line} installs it, but Niblit "
                    f"installs only {requirements.ROOT_FILE})")
    return ""


def _outside(project: Project) -> list[tuple[Install, list[Package]]]:
    parsed = requirements.parse(project)
    if parsed is None or any(problem.kind == "syntax" for problem in parsed.problems):
        return []
    if any(line.name is None for line in parsed.requirements):
        return []  # a URL or path requirement may be any of them
    declared = parsed.names() | set(spec.REQUIRED_PACKAGES) | TOOLING
    found: list[tuple[Install, list[Package]]] = []
    said: set[str] = set()
    for install in installs(project):
        extra = [package for package in install.packages if package.name not in declared and package.name not in said]
        said.update(package.name for package in extra)
        if extra:
            found.append((install, extra))
    return found


def _installs(project: Project) -> Iterator[Install]:
    parsed = dockerfile.deciding(project)
    if parsed is None or parsed.error:
        return
    for instruction in parsed.of("RUN"):
        words = _words(instruction)
        if not words:
            continue
        env = {**_arg_defaults(parsed, instruction.line), **dockerfile.env_values(parsed, before=instruction.line)}
        workdir = _workdir(parsed, instruction.line, env)
        for command in _commands(words[:MAX_WORDS]):
            arguments = _pip_install_arguments(command)
            if arguments is not None:
                install = _install(project, parsed, instruction, arguments, env, workdir)
                if install is not None:
                    yield install


def _arg_defaults(parsed: dockerfile.ParsedDockerfile, before: int) -> dict[str, str]:
    """`ARG NAME=default` above `before`: what the build expands without --build-arg."""
    found: dict[str, str] = {}
    for instruction in parsed.of("ARG"):
        if instruction.line < before:
            for word in instruction.value:
                name, equals, value = word.partition("=")
                if equals:
                    found[name] = dockerfile.unquote(value)
    return found


def installed_by(project: Project, module: str, dist: str) -> Install | None:
    """The install (outside requirements.txt) that provides this import, if one does."""
    wanted = canonicalize_name(dist)
    for install, packages in outside(project):
        for package in packages:
            if package.name == wanted or module in imports.provided_modules({package.name}):
                return install
    return None


def _words(instruction: dockerfile.Instruction) -> list[str]:
    if instruction.json:
        return list(instruction.value)
    try:
        return shlex.split(" ".join(instruction.value), comments=True)
    except ValueError:
        return " ".join(instruction.value).split()


def _commands(words: list[str]) -> Iterator[list[str]]:
    command: list[str] = []
    for word in words:
        if word in _SEPARATORS:
            yield command
            command = []
        elif word.endswith(";") and len(word) > 1:
            command.append(word[:-1])
            yield command
            command = []
        else:
            command.append(word)
    yield command


def _pip_install_arguments(command: list[str]) -> list[str] | None:
    """The words after `pip install` (`python -m pip install`), or None for another command.
    Variable assignments and `sudo`/`env`/`exec` may come first (`PIP_NO_CACHE_DIR=1 pip ...`)."""
    start = 0
    while start < len(command) and (re.match(r"^\w+=", command[start]) or command[start] in ("sudo", "env", "exec")):
        start += 1
    names = [posixpath.basename(word) for word in command[start:start + 4]]
    if names[:1] and _PIP.match(names[0]) and names[1:2] == ["install"]:
        return command[start + 2:]
    if names[:1] and _PYTHON.match(names[0]) and names[1:4] == ["-m", "pip", "install"]:
        return command[start + 4:]
    return None


def _install(project: Project, parsed: dockerfile.ParsedDockerfile, instruction: dockerfile.Instruction,
             arguments: list[str], env: dict[str, str], workdir: str) -> Install | None:
    files: list[str] = []
    packages: list[Package] = []
    index = 0
    while index < len(arguments):
        word = arguments[index]
        index += 1
        if word in ("-r", "--requirement") and index < len(arguments):
            target, index = arguments[index], index + 1
        elif word.startswith("--requirement=") or (word.startswith("-r") and len(word) > 2):
            target = word.split("=", 1)[1] if word.startswith("--") else word[2:]
        elif word in _WITH_VALUE:
            index += 1
            continue
        elif word.startswith("-"):
            continue
        else:
            package = _package(word, parsed.path)
            if package is not None:
                packages.append(package)
            continue
        found = _resolve(project, parsed, instruction.line, target, env, workdir)
        if found is not None and found not in files:
            files.append(found)
            packages.extend(_from_file(project, found, target))
    if not files and not packages:
        return None
    return Install(instruction, tuple(files), tuple(packages))


def _package(word: str, source: str) -> Package | None:
    if "$" in word or "/" in word or word.startswith(".") or "://" in word:
        return None  # a variable, a local path or a URL: nothing to name
    try:
        requirement = Requirement(word)
    except InvalidRequirement:
        return None
    return Package(canonicalize_name(requirement.name), word, source, word)


def _from_file(project: Project, path: str, token: str) -> Iterator[Package]:
    for line in requirements.parse_file(project, path).requirements:
        if line.name is not None and line.applies:
            text = requirements.without_options(line.text)
            if not re.match(r"^(-e|--editable)\b", text):
                yield Package(line.name, text, line.path, token)


def _workdir(parsed: dockerfile.ParsedDockerfile, before: int, env: dict[str, str]) -> str:
    workdir = "/"
    for instruction in parsed.of("WORKDIR"):
        if instruction.line < before and instruction.value:
            workdir = posixpath.join(workdir, dockerfile.expand_env(instruction.value[0], env))
    return posixpath.normpath(workdir)


def _resolve(project: Project, parsed: dockerfile.ParsedDockerfile, before: int, target: str,
             env: dict[str, str], workdir: str) -> str | None:
    """The repository file a `-r` target in the image is (see the module docstring)."""
    in_image = posixpath.normpath(posixpath.join(workdir, dockerfile.expand_env(target, env)))
    for source, destination, into_folder in _copies(parsed, before, env):
        if project.has(source):  # a file: it lands at destination (or in it, keeping its name)
            landing = posixpath.join(destination, posixpath.basename(source)) if into_folder else destination
            if in_image == landing:
                return source
        elif in_image.startswith(destination.rstrip("/") + "/"):  # a folder: its contents land there
            candidate = posixpath.normpath(posixpath.join(source, posixpath.relpath(in_image, destination)))
            if project.has(candidate):
                return candidate
    parts = [part for part in in_image.split("/") if part]
    for start in range(len(parts)):  # the longest repository path the target ends with
        candidate = "/".join(parts[start:])
        if "$" not in candidate and project.has(candidate):
            return candidate
    return None


def _copies(parsed: dockerfile.ParsedDockerfile, before: int, env: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(repository path, image path, into a folder) of the COPY/ADD lines above `before` that
    copy from the build context (not `--from` another stage), latest first."""
    found = []
    for instruction in parsed.instructions:
        if instruction.line >= before or instruction.cmd not in ("COPY", "ADD") or len(instruction.value) != 2:
            continue
        if any(flag.startswith("--from") for flag in instruction.flags):
            continue
        source, destination = (dockerfile.expand_env(word, env) for word in instruction.value)
        image = posixpath.normpath(posixpath.join(_workdir(parsed, instruction.line, env), destination))
        into_folder = destination.endswith("/") or destination in (".", "./")
        found.append((posixpath.normpath(source.lstrip("/")), image, into_folder))
    return found[::-1]
