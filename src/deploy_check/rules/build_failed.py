"""docker build failed.

## Why it breaks on Niblit
Niblit builds the image from your Dockerfile before anything runs; a build
that fails here fails there too. The finding sits on the Dockerfile
instruction that failed or, when pip could not install a package ("No
matching distribution found for X", a wheel that does not build), on the
requirements.txt line of that package, and carries the last lines of the
build log.

## How to fix
Read the log lines in the finding. For pip: check the name and version on
PyPI and that the version supports Python 3.12 on Linux; packages that
compile C code may need a version with a prebuilt wheel.

## Example
Bad (requirements.txt):

```text
flask==3.0.3
gunicorn==22.0.0
flsk==1.0
```

Good:

```text
flask==3.0.3
gunicorn==22.0.0
```
"""
from __future__ import annotations

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.observed import BuildFailure
from deploy_check.parsing import buildlog
from deploy_check.parsing import dockerfile
from deploy_check.parsing import requirements
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("build-failed", severity="error", doc=__doc__)


def judge(project: Project, failure: BuildFailure) -> list[Finding]:
    """build-failed, on the requirements.txt line pip could not install, else on the failing
    Dockerfile instruction (of the spec's template when that was built: not a line of yours)."""
    lines = list(failure.log_lines)
    log = buildlog.relevant_tail(lines)
    clash = buildlog.conflict(lines)
    parsed = requirements.parse(project) if clash else None
    found = parsed.find(clash.requested) if parsed and clash else []
    if clash and found:
        why = f": {clash.reason}" if clash.reason else ""
        return [RULE.finding(
            f"pip cannot install the requirements together: {clash.pin} conflicts with "
            f"{_others(parsed, clash.by) if parsed else 'another requirement'}{why}",
            Location(found[0].path, found[0].line),
            hint=f"loosen or update the pin of {clash.requested} (or of the package that needs another version)",
            log=log)]
    name = buildlog.failing_requirement(lines)
    if name:
        parsed = requirements.parse(project)
        found = parsed.find(name) if parsed else []
        if found:
            return [RULE.finding(
                f"pip could not install {name!r}: the build fails at `pip install -r {spec.REQUIREMENTS}`",
                Location(found[0].path, found[0].line),
                hint="check the name and version on PyPI, and that it has a wheel for Linux/Python 3.12", log=log)]
    template = failure.template
    step = buildlog.failed_step(lines)
    parsed_dockerfile = dockerfile.parse_text(spec.DOCKERFILE) if template else dockerfile.root(project)
    where = Location(None if template else dockerfile.PATH)
    instruction_text = ""
    if step and parsed_dockerfile and 0 < step <= len(parsed_dockerfile.instructions):
        instruction = parsed_dockerfile.instructions[step - 1]
        where = where if template else instruction.location()
        whose = "the template's " if template else ""
        instruction_text = f" at {whose}`{instruction.original[:80]}`"
    reason = " ".join((failure.error or "docker build failed").split())[:300]
    return [RULE.finding(f"docker build failed{instruction_text}: {reason}", where,
                         hint="run `docker build .` locally to see the whole log", log=log)]


def _others(parsed: requirements.Requirements, names: tuple[str, ...]) -> str:
    """The requirements that rule the pin out, each with its line (`Werkzeug==2.2.3 (line 11)`);
    one not required directly by name, as pip names it."""
    quoted: list[str] = []
    for name in names:
        lines = parsed.find(name)
        if lines:
            where = f"line {lines[0].line}" if lines[0].path == requirements.ROOT_FILE else f"{lines[0].path}:{lines[0].line}"
            text = lines[0].text.split("#", 1)[0].split(" --", 1)[0].strip()[:80]
            quoted.append(f"`{text}` ({where})")
        else:
            quoted.append(name)
    return " and ".join(quoted) if quoted else "another requirement"
