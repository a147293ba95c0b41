"""The one fix of every Dockerfile rule: the spec's template, written over what is there.

When the old Dockerfile installed system packages (apt-get, apk, yum, dnf), the fix's
message says which ones the template leaves out and what that means for the app.
"""
from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Iterable
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.fixing.text import whole_file
from deploy_check.parsing import dockerfile
from deploy_check.project import Project

MESSAGE = "write the spec's template Dockerfile"

# Installers and the word after which their packages follow.
_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install", "dnf": "install",
               "microdnf": "install"}
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})

# What losing a system package means, by a pattern on its name (first match wins).
MEANINGS: tuple[tuple[str, str], ...] = (
    (r"^libgl1|^libgl1-mesa|^mesa-gl|^libglib2|^libsm6|^libxext6|^libxrender",
     "opencv-python needs libGL: use opencv-python-headless"),
    (r"^ffmpeg$|^libav", "no ffmpeg binary: use a wheel that bundles one (imageio-ffmpeg) or drop the feature"),
    (r"^libpq|^postgresql", "PostgreSQL client libraries: Niblit runs SQLite only"),
    (r"mysql|mariadb", "MySQL client libraries: Niblit runs SQLite only"),
    (r"^build-essential$|^build-base$|^gcc$|^g\+\+$|^make$|^python3?-dev$|^musl-dev$|^libffi-dev$|^libssl-dev$",
     "no compiler: every requirement must install from a wheel for Linux/CPython 3.12"),
    (r"^tesseract", "no tesseract binary: pytesseract calls will fail"),
    (r"^poppler", "no poppler: pdf2image calls will fail"),
    (r"^wkhtmltopdf", "no wkhtmltopdf: pdfkit calls will fail"),
    (r"^curl$|^wget$|^git$|^ca-certificates$", "a build tool: usually not needed at run time"),
)


def template_fix(project: Project) -> Fix:
    """The fix that makes the root Dockerfile the spec's template (creating it if missing)."""
    return project.memo("fix-dockerfile-template", lambda: _template_fix(project))


def with_template_fix(project: Project, findings: Iterable[Finding]) -> Iterator[Finding]:
    """Each finding with the template fix attached."""
    for finding in findings:
        yield dataclasses.replace(finding, fix=template_fix(project))


def _template_fix(project: Project) -> Fix:
    text = project.read_text(dockerfile.PATH) if project.has(dockerfile.PATH) else None
    parsed = dockerfile.deciding(project)
    lost = system_packages(parsed.instructions if parsed is not None else ())
    return Fix(True, (whole_file(dockerfile.PATH, text, spec.DOCKERFILE),), MESSAGE + lost_packages(lost))


def system_packages(instructions: Iterable[dockerfile.Instruction]) -> list[str]:
    """The system packages RUN instructions install, in order, each once."""
    found: list[str] = []
    for instruction in instructions:
        if instruction.cmd != "RUN":
            continue
        for package in _installed(" ".join(instruction.value)):
            if package not in found:
                found.append(package)
    return found


def _installed(command: str) -> Iterator[str]:
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    installer: str | None = None
    collecting = False
    for raw in words:
        ends = raw.endswith(";") and raw != ";"
        word = raw[:-1] if ends else raw
        if word in _SEPARATORS:
            installer, collecting = None, False
            continue
        if ends:  # `pkg;` ends the command after this word
            if installer is not None and collecting and _package(word):
                yield word
            installer, collecting = None, False
            continue
        if installer is None:
            if word.rsplit("/", 1)[-1] in _INSTALLERS:
                installer = word.rsplit("/", 1)[-1]
            continue
        if not collecting:
            collecting = word == _INSTALLERS[installer]
            continue
        if _package(word):
            yield word.split("=", 1)[0]


def _package(word: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+_:=~-]*", word) is not None


def lost_packages(packages: list[str]) -> str:
    """The message's tail naming the system packages the template does not install."""
    if not packages:
        return ""
    notes: list[str] = []
    for pattern, meaning in MEANINGS:
        if any(re.search(pattern, package) for package in packages) and meaning not in notes:
            notes.append(meaning)
    shown = ", ".join(packages[:8]) + (f" and {len(packages) - 8} more" if len(packages) > 8 else "")
    return (f"; the template installs no system packages, so {shown} will be missing"
            + (f" ({'; '.join(notes)})" if notes else ""))
