"""Secrets in the files the upload will contain: found once per project, shared.

Two sources, merged one hit per line (the first wins):

1. Python's AST: literals assigned to secret-named targets (`SECRET_KEY`,
   `app.secret_key`, `app.config["SECRET_KEY"]`, `...PASSWORD`, `...TOKEN`,
   `...API_KEY`, keyword arguments and dict keys of those names) and literal
   fallbacks of secret-named environment reads (`os.environ.get("SECRET_KEY",
   "dev")`). Every non-empty literal counts, placeholders included: a deployed
   app with `SECRET_KEY = "change-me"` has a fixed, public key.
2. detect-secrets 1.5.0 plugins (in `secret_detectors`, imported on first use), called directly (no global settings, no
   network verification): provider formats (AWS, private keys, GitHub, Slack,
   Stripe, ...) in every text file of the upload; the keyword and base64
   high-entropy detectors only in Python files that did not parse and in
   config files, where they are precise enough.

A `# pragma: allowlist secret` on the line (or `# pragma: allowlist nextline
secret` on the line before), as detect-secrets honours it, drops the hit.

Secret values never leave this module except through `secret_values`, which
exists so the GitHub Action can `::add-mask::` them before printing anything.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from collections.abc import Sequence


from deploy_check.parsing import frameworks
from deploy_check.parsing import python
from deploy_check.parsing.imports import is_test_code
from deploy_check.parsing.secret_hit import SecretHit
from deploy_check.parsing.secret_hit import is_example_env
from deploy_check.parsing.secret_hit import is_fixture_script
from deploy_check.parsing.secret_hit import is_test_env
from deploy_check.parsing.secret_hit import is_secret_file
from deploy_check.parsing.secret_hit import is_template_placeholder
from deploy_check.parsing.secret_hit import not_a_secret_value
from deploy_check.project import Project
from deploy_check.upload_set import included

# Bigger files are data or bundles, not hand-written code or config.
MAX_SCAN_BYTES = 1024 * 1024
# Files whose names say they are generated or pinned, never hand-typed secrets.
_SKIP_SUFFIXES = (".min.js", ".min.css", ".map", ".lock", "go.sum", "pnpm-lock.yaml", "uv.lock")
# Extensions of files that are binary or compressed: never decoded.
_BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tiff", ".svgz",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".gz", ".tgz", ".bz2", ".xz",
    ".7z", ".rar", ".whl", ".egg", ".pdf", ".mp3", ".mp4", ".webm", ".ogg", ".wav",
    ".db", ".sqlite", ".sqlite3", ".so", ".pyd", ".dll", ".exe", ".bin", ".pkl",
    ".npy", ".npz", ".parquet", ".h5", ".pt", ".onnx",
)
# Config formats where `name = value` without quotes is an assignment.
_CONFIG_SUFFIXES = (
    ".cfg", ".ini", ".toml", ".yaml", ".yml", ".json", ".conf", ".cnf", ".properties",
    ".env.example", ".env.sample", ".env.template", ".env.dist",
)
_CONFIG_NAMES = ("Dockerfile", "docker-compose.yml", "docker-compose.yaml", "Procfile", ".flaskenv")

# A target named like this holds a secret: the name *ends* with the secret
# word, so PASSWORD_MIN_LENGTH or TOKEN_EXPIRY_SECONDS do not count.
_SECRET_NAME = re.compile(
    r"(secret_?key|secret|passw(?:or)?d|api_?key|apikey|access_?key|private_?key|auth_?key|"
    r"token|client_?secret|(?:en)?crypt(?:ion)?_?key|signing_?key|jwt_?key|fernet_?key|hmac_?key|cipher_?key)$",
    re.IGNORECASE,
)


def find_secrets(project: Project) -> list[SecretHit]:
    """Every secret in the upload's text files, one per line, sorted by place."""
    return project.memo("parsing.secrets", lambda: _find(project))


def secret_values(project: Project) -> set[str]:
    """The literal secret strings found, for `::add-mask::`; never for messages.

    Values shorter than 4 characters are left out: masking "dev" would blank
    every occurrence of that word in the log and protects nothing. A private
    key contributes each of its lines (masks work line by line).
    """
    values: set[str] = set()
    for hit in find_secrets(project):
        for value in (hit.value, *hit.mask):
            for part in value.splitlines():
                part = part.strip()
                if len(part) >= 4:
                    values.add(part)
    return values


def scannable(project: Project, path: str) -> bool:
    """Is `path` a file of the upload worth scanning for secrets?"""
    entry = project.entry(path)
    if entry is None or entry.size > MAX_SCAN_BYTES or not included(path):
        return False
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    if lower.endswith(_BINARY_SUFFIXES) or lower.endswith(_SKIP_SUFFIXES):
        return False
    from deploy_check.parsing.secret_detectors import is_lock_file

    return not is_lock_file(name)


def _scanned(project: Project, path: str) -> bool:
    """Scannable, or a committed .env of bounded size (not in the zip, but in the repository)."""
    entry = project.entry(path)
    return scannable(project, path) or (entry is not None and is_secret_file(path) and entry.size <= MAX_SCAN_BYTES)


# -- the scan -------------------------------------------------------------------


def _find(project: Project) -> list[SecretHit]:
    from deploy_check.parsing import secret_detectors as detectors

    # A committed .env is left out of the zip at the root, but it is in the repository and
    # its values are what the app loads: each secret in it is reported on its line.
    paths = [entry.path for entry in project.files if _scanned(project, entry.path)]
    candidates = secret_candidates(project, paths)
    hits: list[SecretHit] = []
    for path, could_match in candidates.items():
        lines = project.lines(path)
        if not lines:
            continue
        plugins = [p for p in detectors.FORMAT_PLUGINS if id(p) in could_match or id(p) in detectors.UNFILTERED]
        fixtures = is_test_code(path) or is_fixture_script(path) or is_test_env(path)
        if fixtures:  # user:password@localhost URLs of a test database are fixtures too
            plugins = [p for p in plugins if p is not detectors.URL_PASSWORDS]
        per_line: dict[int, SecretHit] = {}
        if is_secret_file(path):
            wide = False  # a dotenv file: its own parser, no keyword guessing
            # the tests' env file (.env.test) holds fixtures: only provider formats count there
            for hit in () if fixtures else _env_file_hits(path, lines):
                per_line[hit.line] = hit
        else:
            python_hits = python_secret_hits(project, path) if path.endswith(".py") else None
            for hit in python_hits or ():
                # the leftmost literal on a line speaks for the line
                if hit.line not in per_line or hit.column < per_line[hit.line].column:
                    per_line[hit.line] = hit
            wide = python_hits is None and _is_config(path)
            if not fixtures and _is_named_secret_file(path):
                for hit in _bare_value_hits(path, lines):
                    per_line[hit.line] = hit
        for hit in detectors.detector_hits(path, plugins, lines, keyword_and_entropy=wide):
            per_line.setdefault(hit.line, hit)
        hits.extend(h for n, h in sorted(per_line.items()) if not detectors.allowlisted(path, lines, n))
    return hits


# A file named for what it holds: token.txt, api_key, github-token.txt, secret.key, passwords.txt.
_SECRET_FILE_NAME = re.compile(
    r"^(?:.*[_.-])?(?:token|secret|secret_?key|api_?key|apikey|access_?key|passw(?:or)?d|credentials?)s?"
    r"(?:\.(?:txt|key|secret|token))?$",
    re.IGNORECASE,
)
# What a bare token or key looks like: one word, long enough, of letters and digits (and - _ . = + /).
_BARE_VALUE = re.compile(r"^[A-Za-z0-9+/=_.-]{12,512}$")


def _is_named_secret_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return bool(_SECRET_FILE_NAME.match(name)) and not name.lower().endswith((".py", ".md", ".html", ".js"))


def _bare_value_hits(path: str, lines: list[str]) -> Iterator[SecretHit]:
    """The values of a short file that is nothing but them (one word a line): a token pasted
    into `Token.txt` has no name or quotes for the other scans to go by."""
    values = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    if not values or len(values) > 5 or not all(_BARE_VALUE.match(text) for _, text in values):
        return
    kind = _kind(path.rsplit("/", 1)[-1].split(".", 1)[0].rstrip("sS") or "token", False)
    for number, text in values:
        classes = sum(bool(re.search(c, text)) for c in ("[a-z]", "[A-Z]", "[0-9]"))
        if classes < 2 or not_a_secret_value(text) or is_template_placeholder(text):
            continue
        column = lines[number - 1].find(text) + 1
        yield SecretHit(path, number, column, number, column + len(text), kind, "named-file",
                        value=text, mask=(text,))


def secret_candidates(project: Project, paths: Sequence[str]) -> dict[str, frozenset[int]]:
    """For each scannable, non-empty text among `paths`: the provider formats (ids of
    detect-secrets plugins) its text could match, from one prefilter search over all of
    them. Kept as facts: the lint's module visit finds those of the Python modules, maybe in
    worker processes (forked, so the plugins' ids are the same there), and the scan for the
    rest of the files searches only what is not known yet."""
    from deploy_check.parsing import secret_detectors as detectors

    unknown = [path for path in paths if not project.known(("secrets.candidates", path))]
    texts = {path: text for path in unknown if _scanned(project, path) and (text := project.read_text(path))}
    for path in unknown:
        project.remember(("secrets.candidates", path), None)
    for path, could_match in zip(texts, detectors.PREFILTER.candidates(list(texts.values()))):
        project.remember(("secrets.candidates", path), frozenset(could_match))
    known: dict[str, frozenset[int] | None] = {path: project.memo(("secrets.candidates", path), lambda: None)
                                               for path in paths}
    return {path: found for path, found in known.items() if found is not None}


def python_secret_hits(project: Project, path: str) -> tuple[SecretHit, ...] | None:
    """The secrets one module's AST shows, or None when it does not parse: a fact kept after
    the AST is gone (engine.lint gathers it during its one visit of the module)."""
    def compute() -> tuple[SecretHit, ...] | None:
        parsed = project.python(path)
        if parsed.tree is None:
            return None
        if not scannable(project, path):
            return ()
        # Test code and seed scripts hold fixtures (SECRET_KEY="test", login passwords), not
        # secrets: only provider formats are looked for there.
        if is_test_code(path) or is_fixture_script(path):
            return ()
        nodes = python.nodes_of(project, parsed, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, *_BINDING_NODES)
        # A Django project's SECRET_KEY is Django's, not Flask's: named so, and no Flask fix offered.
        owner = frameworks.framework_of(project, path) or "Flask"
        return tuple(_python_hits(path, nodes, project.lines(path), owner))

    return project.memo(("secrets.python", path), compute)


def _is_config(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return (path.endswith(".py") or name in _CONFIG_NAMES or name.lower().endswith(_CONFIG_SUFFIXES)
            or is_example_env(path))


# -- Python ---------------------------------------------------------------------


# The nodes _secret_literals looks at: the other nine in ten are skipped at once.
_BINDING_NODES = (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Call, ast.Dict, ast.BoolOp)


def _python_hits(path: str, nodes: Sequence[ast.AST], lines: list[str], owner: str) -> Iterator[SecretHit]:
    # Inside `class TestingConfig:` (or any Test* class) a key is a fixture, too.
    in_test_class = python.inside_test_classes(nodes)
    reported: set[int] = set()
    for node in nodes:
        if id(node) in in_test_class:
            continue
        for name, value, fallback in _secret_literals(node):
            text = _literal_text(value)
            if text is None or not text.strip() or _is_label(name, text):
                continue
            if not _is_secret_key_name(name) and not_a_secret_value(text):
                continue
            if is_template_placeholder(text):
                continue
            reported.add(id(value))
            yield _python_hit(path, lines, name, value, text, fallback, owner)
    # A key that signs tokens is a fixed, public key whatever it is called: like SECRET_KEY,
    # even "secret" counts (only a slot to fill in does not).
    for value in _signing_keys(nodes):
        text = _literal_text(value)
        if id(value) in reported or id(value) in in_test_class or text is None or not text.strip():
            continue
        if is_template_placeholder(text):
            continue
        reported.add(id(value))
        yield _python_hit(path, lines, "signing_key", value, text, False, owner)


# Calls that sign or verify with a key: where the key is (its position, its keyword).
_SIGNING_CALLS = {"jwt.encode": (1, "key"), "jwt.decode": (1, "key"), "hmac.new": (0, "key")}
# itsdangerous' signers and serializers (and the old TimedJSONWebSignatureSerializer): the key comes first.
_SIGNER_CLASSES = frozenset({"URLSafeTimedSerializer", "URLSafeSerializer", "TimedSerializer", "Serializer",
                             "TimestampSigner", "Signer", "TimedJSONWebSignatureSerializer",
                             "JSONWebSignatureSerializer"})


def _signing_keys(nodes: Sequence[ast.AST]) -> Iterator[ast.expr]:
    """The literal keys of signing calls: `jwt.encode(payload, "secret")`, or `key = "secret"`
    bound in the same function (or at module level) and handed to one as `key`."""
    functions = [n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    wanted: set[tuple[int, str]] = set()  # (the line of the function the name is read in, or 0; the name)
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        where = _SIGNING_CALLS.get(name) or ((0, "secret_key") if name.rsplit(".", 1)[-1] in _SIGNER_CLASSES else None)
        if where is None:
            continue
        position, keyword = where
        arg = node.args[position] if len(node.args) > position else next(
            (k.value for k in node.keywords if k.arg == keyword), None)
        if isinstance(arg, ast.Constant):
            yield arg
        elif isinstance(arg, ast.Name):
            wanted.add((_scope(arg, functions), arg.id))
    if not wanted:
        return
    names = {name for _, name in wanted}
    for node in nodes:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id in names):
            scope = _scope(node, functions)
            if (scope, node.targets[0].id) in wanted or scope == 0:  # a module constant serves every function
                yield node.value


def _scope(node: ast.AST, functions: Sequence[ast.AST]) -> int:
    """The first line of the innermost function holding the node, 0 at module level."""
    function = python.enclosing_function(node, functions)
    return function.lineno if function is not None else 0


# -- dotenv files ---------------------------------------------------------------

_ENV_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*?)\s*$")


def _env_file_hits(path: str, lines: list[str]) -> Iterator[SecretHit]:
    """`NAME=value` lines of a .env whose name says secret and whose value is one."""
    for number, line in enumerate(lines, start=1):
        match = _ENV_ASSIGNMENT.match(line)
        if not match or not _SECRET_NAME.search(match.group("name")):
            continue
        raw = match.group("value")
        if raw[:1] in ("'", '"') and raw[:1] in raw[1:]:
            value = raw[1 : raw.index(raw[0], 1)]
        else:
            value = raw.split(" #", 1)[0].strip()
        name = match.group("name")
        if not value or is_template_placeholder(value) or value.startswith("$"):
            continue
        if not _is_secret_key_name(name) and not_a_secret_value(value):
            continue
        column = line.find(value, match.start("value")) + 1
        yield SecretHit(path, number, column, number, column + len(value), _kind(name, False).replace(" literal", ""),
                        "env-file", value=value, mask=(value,))


def _secret_literals(node: ast.AST) -> Iterator[tuple[str, ast.expr, bool]]:
    """(target name, literal node, is-env-fallback) for each secret-shaped binding."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            name = _target_name(target)
            if name:
                yield name, node.value, False
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        name = _target_name(node.target)
        if name:
            yield name, node.value, False
    elif isinstance(node, ast.Call):
        env = _env_read(node)
        if env is not None:
            name, default = env
            if default is not None and _SECRET_NAME.search(name):
                yield name, default, True
        for keyword in node.keywords:
            if keyword.arg and _SECRET_NAME.search(keyword.arg):
                yield keyword.arg, keyword.value, False
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if _SECRET_NAME.search(key.value):
                    yield key.value, value, False
    elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        # os.environ.get("SECRET_KEY") or "dev"
        for before, after in zip(node.values, node.values[1:]):
            env = _env_read(before) if isinstance(before, ast.Call) else None
            if env is None and isinstance(before, ast.Subscript):
                env = _environ_subscript(before)
            if env is not None and _SECRET_NAME.search(env[0]):
                yield env[0], after, True


def _target_name(target: ast.expr) -> str | None:
    """The secret-looking name a target binds: `X`, `obj.x`, `obj["X"]`."""
    name: str | None = None
    if isinstance(target, ast.Name):
        name = target.id
    elif isinstance(target, ast.Attribute):
        name = target.attr
    elif isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            name = key.value
    if name and _SECRET_NAME.search(name):
        return name
    return None


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _env_read(call: ast.Call) -> tuple[str, ast.expr | None] | None:
    """(variable, default) for os.environ.get / os.getenv / environ.setdefault calls."""
    func = _dotted(call.func)
    if not (
        func.endswith(("environ.get", "environ.setdefault"))
        or func in ("os.getenv", "getenv")
    ):
        return None
    if not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    if not isinstance(call.args[0].value, str):
        return None
    default: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg in ("default", "value"):
            default = keyword.value
    return call.args[0].value, default


def _environ_subscript(node: ast.Subscript) -> tuple[str, None] | None:
    if _dotted(node.value).endswith("environ") and isinstance(node.slice, ast.Constant):
        if isinstance(node.slice.value, str):
            return node.slice.value, None
    return None


def _literal_text(value: ast.expr) -> str | None:
    if isinstance(value, ast.Constant):
        if isinstance(value.value, str):
            return value.value
        if isinstance(value.value, bytes):
            return value.value.decode("latin-1")
    return None


def _is_secret_key_name(name: str) -> bool:
    return re.sub(r"[^a-z]", "", name.lower()) in ("secretkey", "flasksecretkey", "appsecretkey")


def _is_label(name: str, text: str) -> bool:
    """`{"password": "Password"}`: a form label or field name, not a secret.

    Never for SECRET_KEY: `SECRET_KEY = "secret_key"` is a fixed key.
    """
    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]", "", s.lower())

    return norm(name) != "secretkey" and norm(name) == norm(text)


def _kind(name: str, fallback: bool, owner: str = "Flask") -> str:
    """What the secret is, in words; `owner` is the framework whose SECRET_KEY it is."""
    lower = name.lower().replace("-", "_")
    if lower in ("secret_key", "secretkey"):
        base = f"{owner} SECRET_KEY"
    elif re.search(r"passw(or)?d|pwd$", lower):
        base = "password"
    elif re.search(r"api_?key$", lower):
        base = "API key"
    elif lower.endswith("token"):
        base = "token"
    elif "private" in lower:
        base = "private key"
    elif lower == "signing_key":
        base = "token signing key"
    else:
        base = "secret"
    if fallback:
        return f"{base} fallback literal in an environment read"
    return f"{base} literal"


def _python_hit(
    path: str, lines: list[str], name: str, node: ast.expr, text: str, fallback: bool, owner: str
) -> SecretHit:
    line = node.lineno
    end_line = node.end_lineno or line
    column = _char_column(lines, line, node.col_offset)
    end_column = _char_column(lines, end_line, node.end_col_offset or node.col_offset)
    mask = (_inner_source(lines, line, column, end_line, end_column),)
    return SecretHit(
        path, line, column, end_line, end_column, _kind(name, fallback, owner), "python",
        env_fallback=fallback, value=text, mask=mask,
    )


def _char_column(lines: list[str], line: int, byte_offset: int) -> int:
    """1-based character column from the AST's UTF-8 byte offset."""
    if not 0 < line <= len(lines):
        return byte_offset + 1
    prefix = lines[line - 1].encode("utf-8")[:byte_offset]
    return len(prefix.decode("utf-8", errors="ignore")) + 1


def _inner_source(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> str:
    """The literal as written, prefix and quotes stripped (what a log would show)."""
    if line != end_line or not 0 < line <= len(lines):
        return ""
    raw = lines[line - 1][column - 1 : end_column - 1]
    return raw.lstrip("bBrRuU").strip("'\"")
