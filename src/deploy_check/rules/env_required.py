"""The app needs an environment variable at start that Niblit does not set.

## Why it breaks on Niblit
Niblit's container has exactly three variables: `PORT` (5000), `DATABASE_PATH`
(/data/app.db) and `FLASK_ENV` (production). There is no place to add others. An app
that reads any other variable when it starts gets nothing there, and:

- `os.environ["SECRET_KEY"]` (or `os.environ.__getitem__(...)`) raises KeyError: the
  app never starts (error);
- `os.getenv("DATABASE_URL").replace(...)`, `int(os.getenv("WORKERS"))`, a subscript,
  `+` with a string, `json.loads(...)` of a read without a default fail on its None:
  the app never starts (error). The same through a name bound once to the read and
  used so in the same block (`url = os.getenv("X")` then `url.split(",")`);
- `if not os.getenv("API_KEY"): raise ...` (or `sys.exit(...)`, `if "X" not in
  os.environ:`, `if key is None:` for a name bound to the read), `assert "X" in
  os.environ`, and a call of the module's own helper that reads the variable its
  argument names and ends in `raise` (`get_secret("SECRET_KEY")` in a config class)
  stop the app on purpose: it never starts (error);
- a config mapping indexed by the environment's name (`config[os.getenv("FLASK_ENV")]`,
  `config_by_name[os.environ.get("APP_ENV", "development")]`) is indexed with what
  Niblit gives: `production` for FLASK_ENV, the read's default for any other variable.
  A mapping without that key raises KeyError at start (error); one whose key picks a
  development or testing config runs that config in production, and a `.get(key,
  fallback)` without the key runs its fallback (warnings: the app starts, but not
  with the settings you meant);
- `SECRET_KEY = os.getenv("SECRET_KEY")` or `SQLALCHEMY_DATABASE_URI =
  os.environ.get("DATABASE_URL")`, without a default, leaves the setting None
  (warning: the app starts; Flask then refuses to sign a session at the first login
  or flash, and the database fails, at `init_app` in Flask-SQLAlchemy 3 or at the
  first query, depending on the library).

What counts is what runs at start in the modules the served app imports (see
`import-not-in-requirements`'s reachability: from app.py or the module gunicorn
loads, following imports and `from_object("config.Config")`): module-level code,
class bodies (a config class's body runs at import, whichever class the app loads),
and the body of a factory that runs at start (`app = create_app()` at module level
of a served module, or gunicorn's `'pkg:create_app()'`), with what it calls in turn
by name, a config object's `__init__` included (`from_object(Config())`). A script, test, seed or
migration the app never imports, a function that runs later (a route, a CLI
command), code under `if __name__ == "__main__":`, and a read under a guard are
not reported: `if "X" in os.environ:`, `if os.getenv("X"):`, a conditional
expression testing the same variable, or a `try` whose `except` catches the
error (KeyError for `os.environ[...]`, AttributeError or TypeError for a None).
`PORT`, `DATABASE_PATH` and `FLASK_ENV` are set, and never reported.

An `ENV X=...` in the repository's Dockerfile does not help: Niblit builds with the
spec's template, which sets only the three, so the message says so when the
Dockerfile sets the variable. `deploy-check --env X` (the action's `env` input)
gives X to the smoke-tested app only: the finding stays, with the same severity,
since Niblit still does not set it, and the message says so; the smoke test then
shows how the app behaves once the variable exists.

## How to fix
Give each read a default that works on Niblit, or handle its absence where it is
used: `os.environ.get("UPLOAD_DIR", "/data/uploads")`, a `production` key in the
config mapping, a check at first use instead of at import. For Flask's
`SECRET_KEY`, `--fix` (a safe fix, offered where the read is assigned to the
setting as a whole) keeps the read and falls back to a key generated once into
/data, as `hardcoded-secret`'s fix does (see `deploy-check --explain
hardcoded-secret`). A value that only a third party can give (an API key) has no
place on Niblit's environment: read it where it is used, and let that feature
fail clearly.

## Example
Bad:

```python
SECRET_KEY = os.environ["SECRET_KEY"]
DATABASE_URI = os.getenv("DATABASE_URL").replace("postgres://", "postgresql://")
app.config.from_object(config[os.getenv("FLASK_ENV")])  # keys: "dev", "prod"
```

Good:

```python
SECRET_KEY = os.environ.get("SECRET_KEY") or persistent_secret_key()
DATABASE_PATH = os.environ.get("DATABASE_PATH", "/data/app.db")
app.config.from_object(config[os.getenv("FLASK_ENV", "production")])  # keys: ..., "production"
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.fixing import codemod
from deploy_check.parsing import config_classes
from deploy_check.parsing import dockerfile
from deploy_check.parsing import env_needs
from deploy_check.parsing import frameworks
from deploy_check.parsing import reachability
from deploy_check.parsing.env_needs import Need
from deploy_check.project import Project
from deploy_check.rules.base import Rule
from deploy_check.rules.base import Settings
from deploy_check.rules.hardcoded_secret import persistent_key_fix

RULE = Rule("env-required", severity="error", doc=__doc__, fix="safe")
SETTINGS = True  # the --env names, for the message

_SECRET_KEY = "SECRET_KEY"
ONLY = ("Niblit sets only " + ", ".join(spec.ENVIRONMENT_LISTED[:-1]) + " and " + spec.ENVIRONMENT_LISTED[-1])


def check(project: Project, settings: Settings) -> Iterator[Finding]:
    served = [path for path in project.python_files()
              if reachability.is_served(project, path) and frameworks.foreign(project, path) is None]
    facts = {path: env_needs.facts(project, path) for path in served}
    if not any(fact.needs for fact in facts.values()):
        return
    started = _started(facts, reachability.entry_factories(project))
    stops = {(path, need.scope, need.variable) for path, fact in facts.items() for need in fact.needs
             if need.kind == env_needs.RAISE}
    loaded = {name for path in served for name in config_classes.loaded_classes(project, path)}
    loaded |= config_classes.loaded_through_dicts(project)
    classes = {name: (bases, assigned) for fact in facts.values() for name, bases, assigned in fact.classes}
    image_env = _dockerfile_env(project)
    said: set[tuple[str, int, str]] = set()
    for path, fact in facts.items():
        for need in fact.needs:
            if need.variable in spec.ENVIRONMENT_NAMES and need.kind != env_needs.MAPPING:
                continue
            if need.scope is not None and need.scope not in started:
                continue
            if need.kind == env_needs.SETTING and not _loaded_setting(need, loaded, classes):
                continue
            if need.kind in (env_needs.SETTING, env_needs.NONE_USE) and (path, need.scope, need.variable) in stops:
                continue  # the same code stops on purpose when it is unset: that is the finding
            found = _judge(project, path, need)
            if found is None or (path, need.line, need.variable) in said:
                continue
            said.add((path, need.line, need.variable))
            message, severity, hint = found
            message += _why_still_unset(need.variable, image_env, settings)
            yield RULE.finding(message, Location(path, need.line, need.column, need.end_line, need.end_column),
                               hint=hint, severity=severity, fix=_fix(project, path, need))


def _started(facts: dict[str, env_needs.Facts], factories: frozenset[str]) -> set[str]:
    """The functions (and classes, for their __init__) that run at start: those called at
    import, gunicorn's factory, and what those call in turn (by name, a few levels)."""
    started = set(factories)
    for fact in facts.values():
        started |= fact.start_calls
    calls_in: dict[str, set[str]] = {}
    for fact in facts.values():
        for function, names in fact.calls_in:
            calls_in.setdefault(function, set()).update(names)
    for _ in range(5):
        more = {name for function in started for name in calls_in.get(function, ())} - started
        if not more:
            break
        started |= more
    return started


Classes = dict[str, tuple[tuple[str, ...], frozenset[str]]]


def _loaded_setting(need: Need, loaded: set[str], classes: Classes) -> bool:
    """Is the setting what production runs? Outside a class, yes. In a class body (which runs
    at import whichever class loads), when the app loads that class, or a subclass of it that
    does not set the same name; when nothing tells which class loads, unless the class is a
    development or testing one."""
    if not need.where.startswith("in class "):
        return True
    name = need.where.removeprefix("in class ")
    if not loaded:
        return not config_classes.NOT_PRODUCTION.search(name)
    for chosen in loaded:
        current, seen = chosen, 0
        while current in classes and seen < 10:
            if current == name:
                return True
            bases, assigned = classes[current]
            if need.setting in assigned or not bases:
                break
            current, seen = bases[0], seen + 1
        if current == name:
            return True
    return False


def _judge(project: Project, path: str, need: Need) -> tuple[str, str, str] | None:
    """(message, severity, hint) for a need, or None when it is not a finding."""
    at = _at(need)
    default_hint = (f'give it a default that works on Niblit (os.environ.get("{need.variable}", ...)) or '
                    "handle its absence where it is used")
    if need.kind == env_needs.RAISE:
        return (f"the app stops at start when {need.variable} is unset ({need.text}: {need.use}, {at}): {ONLY}",
                "error", default_hint)
    if need.kind == env_needs.INDEX:
        return f"{need.text} runs {at}: KeyError at start: {ONLY}", "error", _hint(need, default_hint)
    if need.kind == env_needs.NONE_USE:
        return (f"{need.text} is None on Niblit, which does not set {need.variable}, and {need.use} fails on "
                f"it {at}: the app does not start", "error", default_hint)
    if need.kind == env_needs.SETTING:
        if need.setting == _SECRET_KEY:
            what = "Flask then refuses to sign a session (RuntimeError at the first login or flash)"
        else:
            what = "the database fails (Flask-SQLAlchemy 3 refuses a None URI at init_app; others at the first query)"
        return (f"{need.setting} is None on Niblit ({need.text}, {at}; {ONLY}): {what}", "warning",
                _hint(need, default_hint))
    return _mapping(project, path, need, at)


def _mapping(project: Project, path: str, need: Need, at: str) -> tuple[str, str, str] | None:
    assert need.mapping is not None
    pairs = _mapping_pairs(project, path, need.mapping)
    if pairs is None:
        return None
    keys = dict(pairs)
    if need.variable in spec.ENVIRONMENT:
        value: str | None = spec.ENVIRONMENT[need.variable]
        given = f"Niblit runs with {need.variable}={value}"
    else:
        value = need.default
        given = (f"{need.variable} is unset on Niblit, so the key is its default {value!r}" if value is not None
                 else f"{need.variable} is unset on Niblit, so the key is None")
    name = need.mapping[1]
    if value not in keys:
        listed = ", ".join(repr(key) for key in list(keys)[:8])
        if need.getter:
            return (f"{need.text} finds no key {value!r} in {name} ({listed}): it loads its fallback "
                    f"{need.fallback or 'None'} ({given})", "warning",
                    f"add a {value!r} key to {name} for the config production should run")
        return (f"{name} has no key {value!r} ({listed}): KeyError {at} ({given})", "error",
                f"add a {value!r} key to {name} for the config production should run")
    chosen = keys[value]
    if value is not None and (config_classes.NOT_PRODUCTION.search(value) or
                              config_classes.NOT_PRODUCTION.search(chosen)):
        return (f"{need.text} picks {chosen} ({given}): a development or testing config runs in production",
                "warning", f"make the key Niblit gives ({value!r}) name your production config, or give "
                f"{need.variable} a default that does")
    return None


def _mapping_pairs(project: Project, path: str, mapping: tuple[str, str]) -> tuple[tuple[str, str], ...] | None:
    module, name = mapping
    own = path[:-3].replace("/", ".").removesuffix(".__init__")
    candidates = (path,) if module == own else env_needs.module_path_candidates(module)
    for candidate in candidates:
        if project.has(candidate):
            found = dict(env_needs.facts(project, candidate).mappings).get(name)
            if found is not None:
                return found
    return None


def _at(need: Need) -> str:
    if need.scope is not None:
        return f"{need.where}, which runs at start"
    return f"at import ({need.where.removeprefix('in ')})" if need.where else "at import"


def _hint(need: Need, otherwise: str) -> str:
    if need.variable == _SECRET_KEY:
        return (f"fall back to a key generated once into {spec.DATA_DIR}: "
                'os.environ.get("SECRET_KEY") or persistent_secret_key() (deploy-check --explain hardcoded-secret)')
    return otherwise


def _why_still_unset(variable: str, image_env: frozenset[str], settings: Settings) -> str:
    said = ""
    if variable in image_env:
        said += (f"; the Dockerfile's ENV {variable} does not survive: Niblit builds with the spec's template, "
                 "which sets only those three")
    if variable in settings.smoke_env_names:
        said += f"; --env {variable} sets it for the smoke test only"
    return said


def _dockerfile_env(project: Project) -> frozenset[str]:
    parsed = dockerfile.parse(project)
    if parsed is None:
        return frozenset()
    return frozenset(name for instruction in parsed.of("ENV") for name, _ in dockerfile.env_pairs(instruction))


def _fix(project: Project, path: str, need: Need) -> Fix | None:
    """The persistent key, for SECRET_KEY read as a whole into Flask's SECRET_KEY."""
    if need.variable != _SECRET_KEY or need.setting != _SECRET_KEY or \
            need.kind not in (env_needs.INDEX, env_needs.SETTING):
        return None
    line = project.line(path, need.line)
    if line is None:
        return None
    column = codemod.character_column(line, need.column - 1)
    return persistent_key_fix(path, project.read_text(path), need.line, column, ("Subscript", "Call"))
