"""The Dockerfile does not build FROM python:3.12-slim.

## Why it breaks on Niblit
Niblit's builder expects the template's base image, `python:3.12-slim`. Another
base (Alpine, a full Debian image, an older Python) changes which wheels pip can
install, the image's size and the Python version the app runs on; a
multi-stage build is not the template either.

In a multi-stage build the image that runs is the last stage's, so that FROM is
the one judged, followed through `FROM <an earlier stage>` to the image it names
(a `node` stage that builds assets first is not the app's base image; its
instructions are drift that `dockerfile-template` reports).

## How to fix
Start the Dockerfile with `FROM python:3.12-slim`, as the spec's template does.

## Example
Bad:

```dockerfile
FROM python:3.9-alpine
```

Good:

```dockerfile
FROM python:3.12-slim
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.parsing import dockerfile
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-base-image", severity="error", doc=__doc__, fix="safe")
EXPECTED = spec.BASE_IMAGE
# The same image as Docker Hub's other spellings name it.
_EQUIVALENT = {EXPECTED, f"docker.io/library/{EXPECTED}", f"library/{EXPECTED}", f"docker.io/{EXPECTED}"}


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error:
        return
    froms = parsed.of("FROM")
    if not froms:
        yield RULE.finding(
            f"the Dockerfile has no FROM: Niblit builds FROM {EXPECTED}",
            dockerfile.Instruction("FROM", (), (), False, "", 1, 1).location(),
            hint=f"start the Dockerfile with `FROM {EXPECTED}`",
        )
        return
    final = _base_of(froms, len(froms) - 1)
    image = final.value[0] if final.value else ""
    if image.lower() not in _EQUIVALENT or final.flags:
        shown = image or "(nothing)"
        stage = " (the base of the final build stage, the image that runs)" if len(froms) > 1 else ""
        yield RULE.finding(
            f"FROM {shown}{stage}: Niblit's template builds FROM {EXPECTED}",
            final.location(project.line(parsed.path, final.line), image or None),
            hint=f"use `FROM {EXPECTED}` exactly" + (" (no --platform or other flags)" if final.flags else ""),
        )


def _base_of(froms: list[dockerfile.Instruction], index: int) -> dockerfile.Instruction:
    """The FROM that names the image stage `index` is built on, through `FROM <earlier stage>`.

    The final stage is the image that runs; earlier stages are drift that dockerfile-template reports.
    """
    seen = set()
    while index not in seen:
        seen.add(index)
        words = froms[index].value
        image = words[0].lower() if words else ""
        earlier = [i for i in range(index) if _stage_name(froms[i]) == image]
        if not earlier:
            break
        index = earlier[-1]
    return froms[index]


def _stage_name(instruction: dockerfile.Instruction) -> str | None:
    words = [word.lower() for word in instruction.value]
    return words[2] if len(words) >= 3 and words[1] == "as" else None
