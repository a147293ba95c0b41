"""The Dockerfile's CMD is not the template's exec-form gunicorn command for `app:app`.

## Why it breaks on Niblit
Niblit starts the app with the template's command: gunicorn, two workers,
serving the `app` object of `app.py`. A shell-form CMD runs under `/bin/sh`,
which does not pass on the stop signal, so redeploys kill the app hard; another
server (`flask run`, `python app.py`) is a development server; another module or
object (`wsgi:app`, `app:create_app()`) is not what the spec promises; an
ENTRYPOINT changes what runs altogether (an ENTRYPOINT with no CMD is that one
finding, not a second one for the missing CMD). (The `--bind` value is checked by
`dockerfile-port`.) A CMD without `--bind` is drift too, even when gunicorn
listens on 0.0.0.0:5000 anyway (from Niblit's PORT=5000, `GUNICORN_CMD_ARGS`
or `gunicorn.conf.py`): the message says where the bind comes from.

## How to fix
Use exactly:

    CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]

and make `app.py` define `app = Flask(__name__)`.

## Example
Bad:

```dockerfile
CMD python app.py
```

Good:

```dockerfile
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import dockerfile
from deploy_check.parsing import gunicorn_bind
from deploy_check.fixing.dockerfile import with_template_fix
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("dockerfile-cmd", severity="error", doc=__doc__, fix="safe")
_EXPECTED = [word for word in spec.TEMPLATE_CMD if word not in ("--bind", spec.BIND)]
_TEMPLATE = spec.TEMPLATE_CMD_JSON


def check(project: Project) -> Iterator[Finding]:
    yield from with_template_fix(project, _check(project))


def _check(project: Project) -> Iterator[Finding]:
    parsed = dockerfile.parse(project)
    if parsed is None or parsed.error or not parsed.instructions:
        return
    entrypoints = parsed.of("ENTRYPOINT")
    for entrypoint in entrypoints:
        yield RULE.finding(
            "ENTRYPOINT changes what Niblit runs: the template has none",
            entrypoint.location(),
            hint=f"remove the ENTRYPOINT and use CMD {_TEMPLATE}",
        )
    cmd = dockerfile.final_command(parsed)
    if cmd is None and entrypoints:
        return  # the ENTRYPOINT starts something: its finding says what to use instead
    if cmd is None:
        yield RULE.finding(
            "no CMD: the container would not start the app",
            Location(parsed.path, parsed.last_line()),
            hint=f"end the Dockerfile with CMD {_TEMPLATE}",
        )
        return
    words = dockerfile.command_words(cmd)
    # One finding per CMD: the shell form is said with what else differs, not beside it.
    shell = "" if cmd.json else ", in shell form (/bin/sh does not pass the stop signal on)"
    if not words:
        if shell:
            yield _shell_form(cmd)
        return
    if "gunicorn" not in words[0]:
        yield RULE.finding(
            f"CMD runs {words[0]!r}, not gunicorn{shell}: Niblit runs the app with gunicorn",
            cmd.location(),
            hint=f"use CMD {_TEMPLATE}",
        )
        return
    binds, rest = dockerfile.split_bind(words)
    if rest != _EXPECTED:
        yield RULE.finding(
            f"CMD differs from the template{shell}: found {' '.join(rest)!r}, expected {' '.join(_EXPECTED)!r} "
            "(plus --bind)",
            cmd.location(),
            hint=f"use CMD {_TEMPLATE}",
        )
        return
    if shell:
        yield _shell_form(cmd)
    if not binds:
        missing = _missing_bind(project)
        if missing:
            yield RULE.finding(missing, cmd.location(), hint=f"use CMD {_TEMPLATE}")
    else:
        decided = gunicorn_bind.decide(project)
        respelled = decided.respelled() if decided is not None else ()
        if respelled:
            shown = ", ".join(repr(bind.written) for bind in respelled)
            yield RULE.finding(
                f"CMD binds {shown} besides or instead of the template's {spec.BIND!r}: gunicorn listens on every "
                f"address at port {spec.PORT} all the same, but the template says it as {spec.BIND!r} alone",
                cmd.location(), hint=f"use CMD {_TEMPLATE}")


def _missing_bind(project: Project) -> str | None:
    """Drift, when the CMD has no --bind and gunicorn's bind comes from elsewhere: what it
    binds then (a wrong bind is dockerfile-port's, on the line that decides it)."""
    decided = gunicorn_bind.decide(project)
    if decided is None or decided.wrong():
        return None
    if decided.binds is None:
        return (f"CMD has no --bind: what gunicorn binds then depends on {decided.config or gunicorn_bind.CMD_ARGS}, "
                "which cannot be told without running it; the template binds explicitly")
    if decided.source == spec.PORT_VARIABLE:
        why = (f"Niblit sets {spec.PORT_VARIABLE}={spec.PORT} and gunicorn binds 0.0.0.0:${spec.PORT_VARIABLE} "
               f"when that is set ({gunicorn_bind.UNSET_DEFAULT} when it is not)")
    else:
        why = f"{decided.config or decided.source} binds it"
    return f"CMD has no --bind: gunicorn listens on {spec.BIND} only because {why}; the template binds explicitly"


def _shell_form(cmd: dockerfile.Instruction) -> Finding:
    return RULE.finding(
        "shell-form CMD: it runs under /bin/sh, which does not pass the stop signal to gunicorn",
        cmd.location(),
        hint=f"use the exec (JSON) form: CMD {_TEMPLATE}",
    )
