"""The Dockerfile drifts from the spec's template (other than FROM, ENV, EXPOSE and CMD).

## Why it breaks on Niblit
The spec says to use its Dockerfile exactly. Each template line has a job:
`WORKDIR /app` is where gunicorn finds `app.py`; copying `requirements.txt`
first and installing with `--no-cache-dir` keeps builds cached and the image
small; `COPY . .` ships the code; `RUN mkdir -p /data` creates the mount point
of the persistent volume. A missing or altered line breaks one of those; an
extra line (a `RUN apt-get ...`, a `USER`, a second stage) is something
Niblit's builder was not promised and may not allow.
`FROM`, the three ENV lines, `EXPOSE` and `CMD` have rules of their own
(`dockerfile-base-image`, `dockerfile-env`, `dockerfile-port`, `dockerfile-cmd`).

A missing or altered template instruction is an error; an extra one is a
warning. Whitespace, comments, line continuations, quotes Docker removes
(`WORKDIR "/app"`) and `COPY . /app` versus `COPY . .` (the same thing under
`WORKDIR /app`) do not count as drift.

The file is compared with the template as a diff (longest common subsequence),
not line by line: one extra `RUN` early on is one extra instruction, and the
template's lines after it still line up. An instruction counts as an altered
template line only when it resembles one (`RUN pip install -r requirements.txt`
for the template's pip line); otherwise it is extra and the template's line
missing. When most of the file drifts (fewer than three of the five template
instructions above are there as written, as in a Dockerfile made for
docker-compose, pipenv or another base image), that is one finding on line 1:
replace the file with the template, which `deploy-check --fix` writes. FROM,
EXPOSE, CMD and ENV are still reported on their own lines by their rules.

## How to fix
Use the template as it is; put setup your app needs in Python (for example,
create folders under /data at start-up).

## Example
Bad:

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
```

Good:

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN mkdir -p /data
```
"""
from __future__ import annotations

import difflib
from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.parsing import dockerfile
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-template", severity="error", doc=__doc__, fix="safe")

TEMPLATE = spec.TEMPLATE_INSTRUCTIONS
_TEMPLATE_ENV = spec.ENVIRONMENT_NAMES
_WORKDIR_ALIASES = {".", "./", spec.APP_DIR, spec.APP_DIR + "/"}
# Below this many of the template's instructions kept as written, the file is reported as
# one drift ("replace it with the template"), not instruction by instruction.
MOSTLY_KEPT = len(TEMPLATE) // 2 + 1
# How alike (difflib's ratio) a found instruction must be to a template one to be that
# line altered, rather than an extra instruction beside a missing template line.
_ALTERED_RATIO = 0.6


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None:
        return
    if parsed.error:
        yield RULE.finding(
            f"the Dockerfile does not parse: {parsed.error}",
            Location(parsed.path, 1),
            hint="start from the spec's template",
        )
        return
    found = list(_comparable(parsed))
    keys = [key for key, _ in found]
    matcher = difflib.SequenceMatcher(a=TEMPLATE, b=keys, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    if kept < MOSTLY_KEPT:
        yield RULE.finding(
            f"most of the Dockerfile drifts from the template: {kept} of its {len(TEMPLATE)} instructions "
            "(WORKDIR, the two COPY and the two RUN lines) are there as the spec writes them",
            Location(parsed.path, 1),
            hint="replace the file with the spec's template (`deploy-check --fix` writes it); what your build "
            "needs beyond it belongs in requirements.txt or in the app's start-up",
        )
        return
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        expected = list(TEMPLATE[a0:a1])
        actual = found[b0:b1]
        altered, missing, extra = _pair(expected, actual)
        for want, (key, instruction) in altered:
            yield RULE.finding(
                f"`{key}` differs from the template's `{want}`",
                instruction.location(),
                hint=f"use `{want}` as in the template",
            )
        where = _line_after(parsed, found[b0 - 1][1].end_line if b0 > 0 else 0)
        for want in missing:
            yield RULE.finding(
                f"the template's `{want}` is missing",
                Location(parsed.path, where),
                hint=f"add `{want}` here, in the template's order",
            )
        for key, instruction in extra:
            yield RULE.finding(
                f"`{key}` is not in the template",
                instruction.location(),
                hint="remove it: Niblit builds the template as it is",
                severity=Severity.WARNING,
            )


Found = tuple[str, dockerfile.Instruction]


def _pair(expected: list[str], actual: list[Found]) -> tuple[list[tuple[str, Found]], list[str], list[Found]]:
    """Pair template lines with found ones of the same instruction (altered); the rest
    are missing (template lines) or extra (found ones)."""
    altered: list[tuple[str, Found]] = []
    missing: list[str] = []
    remaining = list(actual)
    for want in expected:
        keyword = want.split()[0]
        alike = [(difflib.SequenceMatcher(a=want, b=item[0], autojunk=False).ratio(), index)
                 for index, item in enumerate(remaining) if item[0].split()[0] == keyword]
        best = max(alike, default=None, key=lambda pair: (pair[0], -pair[1]))
        match = remaining[best[1]] if best is not None and best[0] >= _ALTERED_RATIO else None
        if match is None:
            missing.append(want)
        else:
            remaining.remove(match)
            altered.append((want, match))
    return altered, missing, remaining


def _line_after(parsed: dockerfile.ParsedDockerfile, line: int) -> int:
    """The first instruction after `line`: where a missing template line belongs."""
    for instruction in parsed.instructions:
        if instruction.line > line:
            return instruction.line
    return parsed.last_line()


def _comparable(parsed: dockerfile.ParsedDockerfile) -> Iterator[tuple[str, dockerfile.Instruction]]:
    """The instructions this rule owns, as canonical keys, in file order."""
    final_cmd = dockerfile.final_command(parsed)
    first_from = True
    for instruction in parsed.instructions:
        cmd = instruction.cmd
        if cmd == "FROM":
            if not first_from:
                yield f"FROM {' '.join(instruction.value)} (a second build stage)", instruction
            first_from = False
        elif cmd == "ENV":
            for key, value in dockerfile.env_pairs(instruction):
                if key not in _TEMPLATE_ENV:
                    yield f"ENV {key}=…", instruction  # never echo values: they may be secrets
        elif cmd in ("EXPOSE", "ENTRYPOINT"):
            continue
        elif cmd == "CMD":
            if instruction is not final_cmd:
                yield "CMD (an earlier CMD that never runs)", instruction
        else:
            yield canonical(instruction), instruction


def canonical(instruction: dockerfile.Instruction) -> str:
    """A key under which equivalent spellings compare equal."""
    cmd = instruction.cmd
    # Docker removes the quotes of a shell-form argument (`WORKDIR "/app"` is WORKDIR /app).
    values = list(instruction.value) if instruction.json else [dockerfile.unquote(v) for v in instruction.value]
    if cmd == "WORKDIR":
        path = " ".join(values)
        return f"WORKDIR {path.rstrip('/') or '/'}"
    if cmd in ("COPY", "ADD") and values:
        *sources, dest = values
        sources = [_strip_dot_slash(s) for s in sources]
        dest = "." if dest in _WORKDIR_ALIASES else dest
        if len(sources) == 1 and dest == sources[0] and "/" not in dest:
            dest = "."  # COPY requirements.txt requirements.txt: the same file in the WORKDIR
        return " ".join([cmd, *instruction.flags, *sources, dest])
    words = (dockerfile.command_words(instruction) if cmd == "RUN" else None) or " ".join(values).split()
    return " ".join([cmd, *instruction.flags, *words])


def _strip_dot_slash(source: str) -> str:
    if source in ("./", "."):
        return "."
    return source[2:] if source.startswith("./") else source
