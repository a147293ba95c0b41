"""Which top-level modules the app imports, and which distributions provide which modules."""
from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator

from packaging.utils import canonicalize_name

from deploy_check import spec
from deploy_check.project import Project

# Import name -> the distribution that provides it, where the two differ.
IMPORT_TO_DIST: dict[str, str] = {
    "yaml": "pyyaml", "PIL": "pillow", "dotenv": "python-dotenv", "jwt": "pyjwt",
    "bs4": "beautifulsoup4", "sklearn": "scikit-learn", "skimage": "scikit-image",
    "cv2": "opencv-python", "dateutil": "python-dateutil", "attr": "attrs",
    "Crypto": "pycryptodome", "Cryptodome": "pycryptodomex", "OpenSSL": "pyopenssl",
    "magic": "python-magic", "docx": "python-docx", "pptx": "python-pptx",
    "serial": "pyserial", "usb": "pyusb", "telegram": "python-telegram-bot",
    "discord": "discord-py", "slugify": "python-slugify", "multipart": "python-multipart",
    "jose": "python-jose", "socketio": "python-socketio", "engineio": "python-engineio",
    "flask_sqlalchemy": "flask-sqlalchemy", "flask_login": "flask-login", "flask_wtf": "flask-wtf",
    "flask_cors": "flask-cors", "flask_migrate": "flask-migrate", "flask_bcrypt": "flask-bcrypt",
    "flask_mail": "flask-mail", "flask_limiter": "flask-limiter", "flask_socketio": "flask-socketio",
    "flask_restful": "flask-restful", "flask_caching": "flask-caching", "flask_session": "flask-session",
    "flask_jwt_extended": "flask-jwt-extended", "flask_marshmallow": "flask-marshmallow",
    "flask_babel": "flask-babel", "flask_admin": "flask-admin", "flask_compress": "flask-compress",
    "flask_talisman": "flask-talisman", "flask_seasurf": "flask-seasurf", "flask_uploads": "flask-uploads",
    "flask_restx": "flask-restx", "flask_smorest": "flask-smorest", "flask_httpauth": "flask-httpauth",
    "flask_principal": "flask-principal", "flask_security": "flask-security-too",
    "flask_moment": "flask-moment", "flask_bootstrap": "bootstrap-flask", "flask_assets": "flask-assets",
    "flask_debugtoolbar": "flask-debugtoolbar", "flask_pymongo": "flask-pymongo",
    "flask_mysqldb": "flask-mysqldb", "flask_apscheduler": "flask-apscheduler",
    "markdown": "markdown", "mistune": "mistune", "google": "google-api-python-client",
    "googleapiclient": "google-api-python-client", "psycopg2": "psycopg2-binary",
    "MySQLdb": "mysqlclient", "pymysql": "pymysql", "mysql": "mysql-connector-python",
    "cx_Oracle": "cx-oracle", "Levenshtein": "python-levenshtein", "fitz": "pymupdf",
    "win32api": "pywin32", "win32com": "pywin32", "zmq": "pyzmq", "lxml": "lxml",
    "nacl": "pynacl", "gi": "pygobject", "wx": "wxpython", "tensorflow": "tensorflow",
    "torch": "torch", "ruamel": "ruamel-yaml", "pkg_resources": "setuptools",
    "setuptools": "setuptools", "email_validator": "email-validator", "qrcode": "qrcode",
    "stripe": "stripe", "openai": "openai", "anthropic": "anthropic", "sendgrid": "sendgrid",
    "twilio": "twilio", "boto3": "boto3", "botocore": "botocore", "itsdangerous": "itsdangerous",
    "websocket": "websocket-client", "pythonjsonlogger": "python-json-logger",
    "json_logging": "json-logging", "tzlocal": "tzlocal", "pytz": "pytz", "Levenshtein_": "levenshtein",
    "mpl_toolkits": "matplotlib", "pylab": "matplotlib", "faiss": "faiss-cpu", "docopt": "docopt",
    "jinja2": "jinja2", "markupsafe": "markupsafe", "werkzeug": "werkzeug", "click": "click",
    "blinker": "blinker", "wtforms": "wtforms", "sqlalchemy": "sqlalchemy", "alembic": "alembic",
    "marshmallow": "marshmallow", "gunicorn": "gunicorn", "flask": "flask",
}

# Distribution -> modules it brings with it (its own and its dependencies').
DIST_PROVIDES: dict[str, frozenset[str]] = {
    "flask": frozenset({"flask", "werkzeug", "jinja2", "itsdangerous", "click", "markupsafe", "blinker"}),
    "flask-sqlalchemy": frozenset({"flask_sqlalchemy", "sqlalchemy", "greenlet"}),
    "flask-migrate": frozenset({"flask_migrate", "alembic", "sqlalchemy", "flask_sqlalchemy", "mako"}),
    "flask-wtf": frozenset({"flask_wtf", "wtforms"}),
    "flask-login": frozenset({"flask_login"}),
    "flask-marshmallow": frozenset({"flask_marshmallow", "marshmallow"}),
    "flask-restx": frozenset({"flask_restx", "jsonschema", "aniso8601", "pytz"}),
    "flask-socketio": frozenset({"flask_socketio", "socketio", "engineio"}),
    "flask-bcrypt": frozenset({"flask_bcrypt", "bcrypt"}),
    "flask-jwt-extended": frozenset({"flask_jwt_extended", "jwt"}),
    "flask-babel": frozenset({"flask_babel", "babel", "pytz"}),
    "requests": frozenset({"requests", "urllib3", "idna", "certifi", "charset_normalizer"}),
    "httpx": frozenset({"httpx", "httpcore", "anyio", "sniffio", "idna", "certifi", "h11"}),
    "boto3": frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil"}),
    "pandas": frozenset({"pandas", "numpy", "dateutil", "pytz"}),
    "matplotlib": frozenset({"matplotlib", "mpl_toolkits", "pylab", "numpy", "PIL", "dateutil"}),
    "scikit-learn": frozenset({"sklearn", "numpy", "scipy", "joblib", "threadpoolctl"}),
    "scipy": frozenset({"scipy", "numpy"}),
    "seaborn": frozenset({"seaborn", "pandas", "matplotlib", "numpy"}),
    "alembic": frozenset({"alembic", "sqlalchemy", "mako"}),
    "sqlalchemy": frozenset({"sqlalchemy", "greenlet"}),
    "google-api-python-client": frozenset({"googleapiclient", "google", "httplib2", "uritemplate"}),
    "python-jose": frozenset({"jose", "ecdsa", "rsa"}),
    "pyyaml": frozenset({"yaml", "_yaml"}),
    "python-dateutil": frozenset({"dateutil", "six"}),
    "gunicorn": frozenset({"gunicorn", "packaging"}),
    "celery": frozenset({"celery", "kombu", "billiard", "vine", "click"}),
    "openai": frozenset({"openai", "httpx", "pydantic", "anyio", "distro", "tqdm"}),
    "opencv-python-headless": frozenset({"cv2", "numpy"}),
    "opencv-python": frozenset({"cv2", "numpy"}),
    "opencv-contrib-python": frozenset({"cv2", "numpy"}),
    "pymupdf": frozenset({"fitz", "pymupdf"}),
    "beautifulsoup4": frozenset({"bs4", "soupsieve"}),
    "pillow": frozenset({"PIL"}),
    "libsass": frozenset({"sass", "sassutils", "sasstests"}),
    "pycryptodome": frozenset({"Crypto"}),
    "setuptools": frozenset({"setuptools", "pkg_resources", "_distutils_hack"}),
    "discord-py": frozenset({"discord", "aiohttp"}),
    "python-telegram-bot": frozenset({"telegram", "httpx"}),
    "ruamel-yaml": frozenset({"ruamel"}),
    "psycopg2-binary": frozenset({"psycopg2"}),
    "mysqlclient": frozenset({"MySQLdb"}),
    "pyjwt": frozenset({"jwt"}),
    "pyserial": frozenset({"serial"}),
    "pyusb": frozenset({"usb"}),
    "websocket-client": frozenset({"websocket"}),
    "pymongo": frozenset({"pymongo", "bson", "gridfs"}),
    "flask-pymongo": frozenset({"flask_pymongo", "pymongo", "bson", "gridfs"}),
    "mongoengine": frozenset({"mongoengine", "pymongo", "bson", "gridfs"}),
    "flask-mongoengine": frozenset({"flask_mongoengine", "mongoengine", "pymongo", "bson", "gridfs", "flask_wtf",
                                    "wtforms"}),
    "motor": frozenset({"motor", "pymongo", "bson", "gridfs"}),
    "protobuf": frozenset({"google"}),
    "grpcio": frozenset({"grpc"}),
    "attrs": frozenset({"attr", "attrs"}),
    "pyopenssl": frozenset({"OpenSSL", "cryptography"}),
    "dnspython": frozenset({"dns"}),
    "email-validator": frozenset({"email_validator", "dns", "idna"}),
    "pydantic": frozenset({"pydantic", "pydantic_core", "typing_extensions", "annotated_types"}),
    "wtforms": frozenset({"wtforms", "markupsafe"}),
    "python-socketio": frozenset({"socketio", "engineio", "bidict"}),
    "eventlet": frozenset({"eventlet", "greenlet", "dns"}),
    "gevent": frozenset({"gevent", "greenlet", "zope"}),
    "nltk": frozenset({"nltk", "click", "joblib", "regex", "tqdm"}),
    "transformers": frozenset({"transformers", "huggingface_hub", "tokenizers", "safetensors", "numpy", "yaml",
                               "requests", "tqdm", "regex", "filelock", "packaging"}),
    "cloudinary": frozenset({"cloudinary", "certifi", "urllib3", "six"}),
    "stripe": frozenset({"stripe", "requests"}),
    "twilio": frozenset({"twilio", "requests", "aiohttp", "jwt"}),
    "sendgrid": frozenset({"sendgrid", "python_http_client"}),
    "flask-mail": frozenset({"flask_mail", "blinker"}),
    "flask-admin": frozenset({"flask_admin", "wtforms"}),
    "flask-restful": frozenset({"flask_restful", "aniso8601", "pytz"}),
    "flask-limiter": frozenset({"flask_limiter", "limits"}),
    "bootstrap-flask": frozenset({"flask_bootstrap"}),
    "flask-bootstrap": frozenset({"flask_bootstrap"}),
    "flask-bootstrap4": frozenset({"flask_bootstrap"}),
    "cryptography": frozenset({"cryptography", "cffi"}),
    "bcrypt": frozenset({"bcrypt"}),
}

_TEST_DIRS = ("tests", "test")
_NOT_DEPLOYED_DIRS = ("docs",)
_NOT_DEPLOYED_FILES = ("setup.py", "noxfile.py", "fabfile.py", "tasks.py")


@dataclasses.dataclass(frozen=True)
class ImportSite:
    module: str  # top-level name
    path: str
    line: int
    column: int


def is_test_code(path: str) -> bool:
    """A test module: under a tests/ or test/ folder, or named test_*.py, *_test.py, conftest.py,
    or test.py/tests.py (unittest's discovery pattern test*.py; Django's tests.py)."""
    *folders, name = path.split("/")
    return (any(folder in _TEST_DIRS for folder in folders) or name in ("test.py", "tests.py")
            or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


def is_deployed_code(path: str) -> bool:
    """Files that Niblit runs (tests, docs and build scripts are not)."""
    *folders, name = path.split("/")
    if is_test_code(path) or any(folder in _NOT_DEPLOYED_DIRS for folder in folders):
        return False
    return name not in _NOT_DEPLOYED_FILES


def local_names(project: Project) -> set[str]:
    """Every module or package name the repository itself could provide."""
    names: set[str] = set()
    for path in project.python_files():
        parts = path[:-3].split("/")
        names.update(parts)
    return names


def required_imports(project: Project) -> Iterator[ImportSite]:
    """Top-level absolute imports of deployed code, minus optional and type-only ones."""
    for path in project.python_files():
        yield from module_imports(project, path)


def module_imports(project: Project, path: str) -> tuple[ImportSite, ...]:
    """One module's required imports: a fact kept after its AST is gone (engine.lint
    gathers it during its one visit of the module)."""
    def compute() -> tuple[ImportSite, ...]:
        if not is_deployed_code(path):
            return ()
        tree = project.python(path).tree
        return tuple(_imports(path, tree.body, optional=False)) if tree is not None else ()

    return project.memo(("imports", path), compute)


def _imports(path: str, body: list[ast.stmt], optional: bool) -> Iterator[ImportSite]:
    for node in body:
        if isinstance(node, ast.Import):
            if not optional:
                for alias in node.names:
                    yield ImportSite(alias.name.split(".")[0], path, node.lineno, node.col_offset + 1)
        elif isinstance(node, ast.ImportFrom):
            if not optional and node.level == 0 and node.module:
                yield ImportSite(node.module.split(".")[0], path, node.lineno, node.col_offset + 1)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            guarded = optional or _catches_import_error(node)
            yield from _imports(path, node.body, guarded)
            for handler in node.handlers:
                yield from _imports(path, handler.body, True)  # fallbacks are alternatives
            yield from _imports(path, node.orelse, optional)
            yield from _imports(path, node.finalbody, optional)
        elif isinstance(node, ast.If):
            type_only = _is_type_checking(node.test) or _never_on_niblit(node.test)
            yield from _imports(path, node.body, optional or type_only)
            yield from _imports(path, node.orelse, optional)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith,
                               ast.For, ast.AsyncFor, ast.While)):
            yield from _imports(path, node.body, optional)
            yield from _imports(path, getattr(node, "orelse", []), optional)


def _catches_import_error(node: ast.Try | ast.TryStar) -> bool:
    for handler in node.handlers:
        if handler.type is None:
            return True
        names = [handler.type] if not isinstance(handler.type, ast.Tuple) else list(handler.type.elts)
        for name in names:
            if isinstance(name, ast.Name) and name.id in ("ImportError", "ModuleNotFoundError", "Exception", "BaseException"):
                return True
    return False


def _never_on_niblit(test: ast.expr) -> bool:
    """`if os.environ.get("FLASK_COVERAGE"):`, `if "X" in os.environ:`, `if os.getenv("X") == "1":`
    for a variable X Niblit does not set: its body never runs there."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        if isinstance(test.ops[0], ast.In) and isinstance(left, ast.Constant) and _is_environ(right):
            return isinstance(left.value, str) and left.value not in spec.ENVIRONMENT_NAMES
        if isinstance(test.ops[0], (ast.Eq, ast.Is)) and isinstance(right, ast.Constant) and right.value:
            return _unset_read(left)
        return False
    return _unset_read(test)


def _unset_read(node: ast.expr) -> bool:
    """An environment read, without a default, of a variable Niblit does not set."""
    if not isinstance(node, ast.Call) or len(node.args) != 1 or node.keywords:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in ("get", "getenv") or (name == "get" and not _is_environ(getattr(func, "value", None))):
        return False
    first = node.args[0]
    return isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value not in spec.ENVIRONMENT_NAMES


def _is_environ(node: ast.AST | None) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (isinstance(node, ast.Name) and node.id == "environ")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def provided_modules(distributions: set[str]) -> set[str]:
    """Modules that these (canonical) distribution names make importable, with what their
    dependencies bring in turn (flask-migrate brings Flask-SQLAlchemy, and so SQLAlchemy's)."""
    provided: set[str] = set()
    pending = sorted(distributions)
    seen: set[str] = set()
    while pending:
        dist = pending.pop()
        if dist in seen:
            continue
        seen.add(dist)
        brought = DIST_PROVIDES.get(dist, frozenset())
        provided |= brought
        pending.extend(distribution_for(module) for module in brought if distribution_for(module) in DIST_PROVIDES)
        if is_flask_extension(dist):
            pending.append("flask")  # an extension requires Flask: flask-restplus alone installs it
        provided.add(dist.replace("-", "_"))
        provided.add(dist.replace("-", "_").replace("python_", "", 1))
        provided.add(dist.replace("-", "_").removesuffix("_python"))
        provided.add(dist.replace("-", "_").removeprefix("py"))
    return provided


def is_flask_extension(dist: str) -> bool:
    """A Flask extension by the naming convention Flask's docs set (`Flask-Foo`, or `Foo-Flask`):
    it depends on Flask, so requiring it installs Flask and Flask's own dependencies."""
    return dist != "flask" and (dist.startswith("flask-") or dist.endswith("-flask"))


def distribution_for(module: str) -> str:
    """The distribution to require for an import name (best guess for the hint)."""
    return IMPORT_TO_DIST.get(module, canonicalize_name(module))
