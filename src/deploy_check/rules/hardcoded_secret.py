"""A secret key, password or API token is written literally in code or config.

## Why it breaks on Niblit
Everything in the upload zip ships with the app: a literal `SECRET_KEY`
lets anyone who has the code forge Flask session cookies (log in as any
user), and a provider key or password in the code is as good as published.
The spec says: no secret keys or API tokens in code. A placeholder such as
`"change-me"` or `"dev"` counts too: deployed, it is a fixed, public key.
So does a literal fallback (`os.environ.get("SECRET_KEY", "dev")`): if the
variable is ever missing, the app silently runs with the public key.

Found by Python's AST (secret-named assignments (`SECRET_KEY`, `*_PASSWORD`,
`*_TOKEN`, `API_KEY`, `CRYPT_KEY`, `ENCRYPTION_KEY`, `JWT_KEY`, ...), `app.config[...]`,
`app.config.update(...)`, keyword arguments, dict keys, environment reads
with literal defaults, the key handed to `jwt.encode`/`jwt.decode`,
`hmac.new` or an itsdangerous serializer, literally or through a variable
bound in the same function or at module level: like `SECRET_KEY`, any fixed
signing key counts, even `"secret"`), by the file's own name for a file that
holds nothing but a few bare values (`Token.txt`, `api_key`, `secret.key`:
one word a line, letters mixed with digits) and by detect-secrets' provider formats (AWS, private
keys, GitHub, Slack, Stripe, OpenAI, JWT, `user:password@` URLs, ...) in every
text file of the upload. A settings template such as `.env.example` is
documentation the app never loads: there, placeholders (`SECRET_KEY=dev`,
`your-password-here`, `mysql://user:user@localhost`) are left alone, and
only values that look real are reported; there and in documentation
(Markdown, reStructuredText) a password in a URL to the machine itself
(`postgres:postgres@localhost`) is a local default, not a secret. Test code (`tests/`, `test_*.py`,
`conftest.py`, a `TestingConfig` class, the tests' env file `.env.test`) and seed or fake-data scripts
(`seed.py`, `fake_generator.py`, `fixtures/`) hold fixtures, not secrets: there
only provider formats are reported (not `user:password@localhost` URLs of a
test database). A slot to fill in is not a value, even for `SECRET_KEY`
(`"<your-secret-key>"`, `"{password}"` in an f-string URL, `"${TOKEN}"`), nor
is an API key's placeholder (`"YOUR_API_KEY"`, `"some_token.."`), a name of a
secret kept elsewhere (Drone's `from_secret: docker_password`) or a key its
provider publishes for tests (reCAPTCHA's test keys), nor a JSON Web Token
whose `exp` claim is past (a tutorial's sample link: it grants nothing), nor a
random-looking value under an identifier's name (`.vercel/project.json`'s
`projectId`, a `client_id`). A committed `.env` is
read too, although the zip leaves the root one out: each secret in it is
reported on its line, besides `secret-file` on the file. The message names the kind of
secret, never its value: a `SECRET_KEY` in a Django project's settings (a module
with `INSTALLED_APPS` or `django` imports, or the one `DJANGO_SETTINGS_MODULE` names)
is Django's, and gets no Flask fix. `# pragma: allowlist secret` on the line silences it, as in
detect-secrets; so does `# deploy-check: ignore[hardcoded-secret]`.

## How to fix
Keep the value out of the code. The spec's environment has only `PORT`,
`FLASK_ENV` and `DATABASE_PATH`, so for Flask's `SECRET_KEY` the simplest
fix needs nothing from the platform: generate the key on the first start
and keep it in `/data`, where it survives restarts and redeploys (sessions
stay valid). A provider's API key or password has to come from the
environment (`os.environ.get("NAME")`); smoke-test such an app with
`deploy-check --env NAME` (the action's `env` input). Read it with `.get`, not
`os.environ["NAME"]`: Niblit sets no variable of yours, and a KeyError at import
stops the whole app from starting (`env-required`), where a missing key should
fail only the feature that uses it.
Rotate any real key that was committed: it is in the Git history.

`--fix` does the Flask key (a safe fix): the literal (or the environment read
it is the default of) becomes `os.environ.get("SECRET_KEY") or
persistent_secret_key()`, with the function below added to the module.
`--unsafe-fixes` also turns other literals in Python code into
`os.environ.get("NAME")` (NAME from the variable, key or keyword it is assigned
to): unsafe because what used the key gets None until that variable is set
(`--env NAME` for the smoke test). Secrets inside a longer string (a URL's password) and in
other files are left for you.

## Example
Bad:
```python
app.secret_key = "dev"
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "change-me")
```
Good:
```python
import os
import secrets


def persistent_secret_key(path="/data/secret_key"):
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mine = f"{path}.{os.getpid()}"
        with open(mine, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(mine, path)  # atomic: the first gunicorn worker wins
        except FileExistsError:
            pass
        os.remove(mine)
    with open(path) as handle:
        return handle.read()


app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or persistent_secret_key()
STRIPE_KEY = os.environ.get("STRIPE_KEY")
```
"""
from __future__ import annotations

from collections.abc import Iterator

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Fix
from deploy_check.finding import Location
from deploy_check.fixing import codemod
from deploy_check.parsing import frameworks
from deploy_check.parsing.secret_hit import SecretHit
from deploy_check.parsing.secrets import find_secrets
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("hardcoded-secret", severity="error", doc=__doc__, fix="safe or unsafe")


def check(project: Project) -> Iterator[Finding]:
    for hit in find_secrets(project):
        yield RULE.finding(
            _message(hit),
            at=Location(hit.path, hit.line, hit.column, hit.end_line, hit.end_column),
            hint=_hint(hit),
            fix=_fix(project, hit),
        )


def _message(hit: SecretHit) -> str:
    if hit.source == "env-file":
        return f"{hit.kind} in {hit.path}, committed to the repository: anyone who can read it has the secret"
    if hit.env_fallback:
        return (
            f"{hit.kind}: when the variable is unset the app runs with a key that "
            "ships in the upload"
        )
    return f"{hit.kind} in the upload: anyone with the zip or the repository can read it"


def _hint(hit: SecretHit) -> str:
    flask_key = hit.kind.startswith("Flask SECRET_KEY")
    if hit.env_fallback:
        if flask_key:
            return ("drop the literal: fall back to a key generated once into /data instead "
                    "(see deploy-check --explain hardcoded-secret)")
        return 'drop the literal default: read os.environ.get("NAME") and handle None where the key is used'
    if flask_key:
        return ("generate the key on first start and keep it in /data (see deploy-check --explain "
                'hardcoded-secret), or read os.environ.get("SECRET_KEY") if you set one')
    if hit.kind.startswith(f"{frameworks.DJANGO} SECRET_KEY"):
        return ('Django\'s key, not the Flask app\'s: read it from the environment (os.environ.get("SECRET_KEY")) '
                "or leave that Django project out of the upload; rotate it, since it is in the Git history")
    return ('read it from the environment (os.environ.get("NAME")), never from the code; '
            "rotate it, since it is in the Git history")


# The function the rule's doc shows, taken from it: what the Flask key's fix writes.
_SHOWN = (__doc__ or "").partition("def persistent_secret_key")[2]  # no doc (python -OO): no fix
PERSISTENT_SECRET_KEY = "def persistent_secret_key" + _SHOWN.split("\n\n\n", 1)[0] + "\n" if _SHOWN else ""


def persistent_key_fix(path: str, text: str | None, line: int, column: int, kinds: tuple[str, ...],
                       containing: bool = False) -> Fix | None:
    """The Flask key's fix (safe): the node of `kinds` at (line, 0-based character column),
    a literal or an environment read, becomes `os.environ.get("SECRET_KEY") or
    persistent_secret_key()`, the function added to the module (env-required uses it too)."""
    if not PERSISTENT_SECRET_KEY:
        return None
    transform = codemod.from_environment("persistent_secret_key()", PERSISTENT_SECRET_KEY, ("os", "secrets"))
    edits = codemod.rewrite(path, text, line, column, kinds, transform, containing=containing)
    return Fix(True, edits, f"generate the key on first start and keep it in {spec.DATA_DIR}") if edits else None


def _fix(project: Project, hit: SecretHit) -> Fix | None:
    if not hit.path.endswith(".py") or not hit.value:
        return None
    text = project.read_text(hit.path)
    column = hit.column - 1  # the hit's columns count characters, as libcst does (0-based there)
    if hit.kind.startswith("Flask SECRET_KEY") and PERSISTENT_SECRET_KEY:
        return persistent_key_fix(hit.path, text, hit.line, column, ("SimpleString",),
                                  containing=hit.source != "python")
    env = codemod.from_environment()

    def whole_literal(module, target):  # type: ignore[no-untyped-def]
        # Only a literal that is the secret and nothing else (not a URL with a password in it).
        return env(module, target) if target.node.evaluated_value == hit.value else None

    edits = codemod.rewrite(hit.path, text, hit.line, column, ("SimpleString",), whole_literal, containing=True)
    return Fix(False, edits, "read it from the environment (what uses it gets None until it is set)") if edits else None
