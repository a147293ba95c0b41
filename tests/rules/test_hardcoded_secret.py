from __future__ import annotations

import pathlib
import time

import pytest

from deploy_check.parsing.secrets import find_secrets
from deploy_check.parsing.secrets import secret_values
from deploy_check.project import Project
from deploy_check.rules import hardcoded_secret
from tests.rules.helpers import make_repo

R = "hardcoded-secret"
# Assembled at run time so this test file itself holds no scannable key.
AWS = "AKIA" + "IOSFODNN7" + "REALKEY"[:0] + "EXAMPLE"
STRIPE = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GITHUB = "ghp_" + "wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx"


def _jwt(claims: str) -> str:
    """A JSON Web Token (HS256 header) with these claims and a made-up signature."""
    import base64
    part = lambda text: base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")  # noqa: E731
    return part('{"typ":"JWT","alg":"HS256"}') + "." + part(claims) + "." + "Zm9vYmFyYmF6cXV4cXV1eA"


EXPIRED_JWT = _jwt('{"iat":1578395485,"exp":1578481885,"identity":"5e14"}')  # January 2020
LIVE_JWT = _jwt('{"iat":1578395485,"exp":4102444800,"identity":"5e14"}')  # 2100
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEpAIBAAKCAQEAxyz0123456789abcdef\n-----END RSA PRIVATE KEY-----\n"


def _py(body: str) -> dict[str, str]:
    return {"app.py": "import os\nfrom flask import Flask\napp = Flask(__name__)\n" + body}


CASES = [
    # Flask secret key shapes (line numbers include the 3-line header)
    ("secret_key attr", _py('app.secret_key = "dev"\n'), [("app.py", 4, 18)]),
    ("config subscript", _py('app.config["SECRET_KEY"] = "s3cr3t-value"\n'), [("app.py", 4, 28)]),
    ("module level", _py('SECRET_KEY = "change-me"\n'), [("app.py", 4, 14)]),
    ("class attr", _py('class Config:\n    SECRET_KEY = "x"\n'), [("app.py", 5, 18)]),
    ("annotated", _py('SECRET_KEY: str = "abc"\n'), [("app.py", 4, 19)]),
    ("bytes", _py("SECRET_KEY = b'\\x01\\x02abc'\n"), [("app.py", 4, 14)]),
    ("update kwarg", _py('app.config.update(SECRET_KEY="abc", DEBUG=False)\n'), [("app.py", 4, 30)]),
    ("from_mapping", _py('app.config.from_mapping(SECRET_KEY="dev")\n'), [("app.py", 4, 36)]),
    ("dict key", _py('app.config.update({"SECRET_KEY": "abc"})\n'), [("app.py", 4, 34)]),
    ("env fallback", _py('SECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n'), [("app.py", 4, 43)]),
    ("getenv fallback", _py('SECRET_KEY = os.getenv("SECRET_KEY", "dev")\n'), [("app.py", 4, 38)]),
    ("or fallback", _py('SECRET_KEY = os.environ.get("SECRET_KEY") or "dev"\n'), [("app.py", 4, 46)]),
    ("placeholder", _py('SECRET_KEY = "change-me"\n'), [("app.py", 4, 14)]),
    ("non-ascii column", _py('x = "é"; SECRET_KEY = "abc"\n'), [("app.py", 4, 23)]),
    ("password", _py('DB_PASSWORD = "hunter2"\n'), [("app.py", 4, 15)]),
    ("api key kwarg", _py('client = Client(api_key="abcdef123456")\n'), [("app.py", 4, 25)]),
    ("token", _py('GITHUB_TOKEN = "abc"\n'), [("app.py", 4, 16)]),
    ("aws in python", _py(f'key = "{AWS}"\n'), [("app.py", 4, 8)]),
    ("one per line", _py(f'SECRET_KEY = "a"; PASSWORD = "{AWS}"\n'), [("app.py", 4, 14)]),
    # provider formats in other text files
    ("stripe in js", {"static/app.js": f'const k = "{STRIPE}";\n'}, [("static/app.js", 1, 12)]),
    ("github in template", {"templates/x.html": f"<!-- {GITHUB} -->\n"}, [("templates/x.html", 1, 6)]),
    ("private key", {"certs/key.pem": PEM}, [("certs/key.pem", 1, 6)]),
    ("yaml keyword", {"config.yml": "db:\n  password: hunter22\n"}, [("config.yml", 2, 13)]),
    ("env example value", {".env.example": "SECRET_KEY=\nDB_PASSWORD=abc123xyz\n"}, [(".env.example", 2, 13)]),
    ("dockerfile env", {"Dockerfile": "FROM python:3.12-slim\nENV SECRET_KEY=abcdef123\n"}, [("Dockerfile", 2, 16)]),
    ("basic auth url", {"settings.py": 'URI = "postgresql://u:pw12345@db:5432/x"\n'}, [("settings.py", 1, 23)]),
    ("basic auth user == password", {"settings.py": 'URI = "mysql://web1234:web1234@db/x"\n'}, [("settings.py", 1, 24)]),
    ("env example real-looking", {".env-sample": "DB_PASSWORD=Zx81kq0PLmW2vB7\n"}, [(".env-sample", 1, 13)]),
    # negatives
    ("flags under secret-sounding names", {"docker-compose.yml": "env:\n  MYSQL_ALLOW_EMPTY_PASSWORD: 'yes'\n"
                                                                 "  REQUIRE_TOKEN: true\n"}, []),
    ("test fixtures", {"tests/conftest.py": 'app.config.update(SECRET_KEY="test-secret")\n',
                       "test_login.py": 'client.post("/login", data={"password": "hunter2"})\n'}, []),
    ("testing config class", {"config.py": 'class TestingConfig(Config):\n    SECRET_KEY = "testing"\n'}, []),
    ("dev config class still counts", {"config.py": 'class DevelopmentConfig:\n    SECRET_KEY = "dev"\n'},
     [("config.py", 2, 18)]),
    ("provider key in a test still counts", {"tests/test_s3.py": f'KEY = "{AWS}"\n'}, [("tests/test_s3.py", 1, 8)]),
    ("env example placeholders", {".env.example": "SECRET_KEY=dev\nDB_PASSWORD=your-password-here\n"
                                                  "# DATABASE_URL=mysql://web:web@localhost/r\n"}, []),
    ("env read", _py('app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n'), []),
    ("env get no default", _py('SECRET_KEY = os.environ.get("SECRET_KEY")\n'), []),
    ("empty", _py('SECRET_KEY = ""\nPASSWORD = os.environ.get("PASSWORD", "")\n'), []),
    ("non-secret names", _py('PASSWORD_MIN_LENGTH = 8\nPASSWORD_HASH = "pbkdf2:sha256"\nTOKEN_TTL = "3600"\n'), []),
    ("label", _py('labels = {"password": "Password"}\n'), []),
    ("function result", _py("SECRET_KEY = secrets.token_hex(32)\n"), []),
    ("pragma", _py('DB_PASSWORD = "hunter2"  # pragma: allowlist secret\n'), []),
    ("pragma nextline", _py('# pragma: allowlist nextline secret\nDB_PASSWORD = "hunter2"\n'), []),
    ("root .env scanned", {".env": "PASSWORD=abc\n"}, [(".env", 1, 10)]),
    # A committed .env: each secret on its line, quoted, spaced or exported; names and references are not.
    ("env file values", {".env": "FLASK_APP=todolist.py\nSECRET_KEY='this should not be checked into git'\n"
                                 "DB_PASSWORD = start123\nexport API_TOKEN=\"abc123def\"  # prod\n"
                                 "MAIL_PASSWORD=${SMTP_PASSWORD}\nREDIS_PASSWORD=\nUSER=admin\n"},
     [(".env", 2, 13), (".env", 3, 15), (".env", 4, 19)]),
    # The tests' env file holds fixtures (rykelly82/DevOps-Course-Starter's TRELLO_API_KEY = test-api-key):
    # only provider formats count there.
    ("test env file", {".env.test": "SECRET_KEY=secret-key\nTRELLO_API_KEY = test-api-key\n"
                                    "MONGO=mongodb://u:pw12345@fakemongo.com\n"}, []),
    ("provider key in a test env file", {".env.testing": f"AWS_KEY={AWS}\n"}, [(".env.testing", 1, 9)]),
    ("nested env file", {"postgresql/.env": "POSTGRES_USER=flask\nPOSTGRES_PASSWORD=flask\n"},
     [("postgresql/.env", 2, 19)]),
    # Placeholders and slots to fill in are not secrets, SECRET_KEY's included.
    ("secret key slot", _py('SECRET_KEY = "<replace with a secret key>"\n'), []),
    ("api key placeholder", _py('API_KEY = "your-api-key"\nTOKEN = "some_token.."\n'), []),
    ("password slot in a url", _py('DB_URI = f"postgresql://{DB_USER}:{DB_PASSWORD}@{DB_HOST}/app"\n'), []),
    # Made-up data, test databases and a provider's published test keys.
    ("seed script", {"utils/fake_generator.py": 'User(email="a@b.c", password="correcthorsebatterystaple")\n'}, []),
    ("test database url", {"tests/test_models.py": 'URI = "postgresql://postgres:postgres@localhost:5432/x"\n'}, []),
    ("recaptcha test keys", _py('c = {"RECAPTCHA_SECRETKEY": "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe"}\n'), []),
    # A CI file naming a secret kept elsewhere.
    ("drone from_secret", {".drone.yml": "steps:\n- settings:\n    password:\n      from_secret: docker_password\n"}, []),
    # A JSON Web Token grants access until its exp claim: an expired one (a tutorial's sample reset
    # link, seen in paurakhsharma/flask-rest-api-blog-series) is not a secret; one without exp still is.
    ("expired jwt in docs", {"docs/reset.md": f"<a href=\"http://localhost:3000/reset/{EXPIRED_JWT}\">\n"}, []),
    ("live jwt in docs", {"docs/reset.md": f"token: {LIVE_JWT}\n"}, [("docs/reset.md", 1, 8)]),
    ("jwt without exp", {"static/app.js": f'const t = "{_jwt("""{"sub":"1234567890"}""")}";\n'},
     [("static/app.js", 1, 12)]),
    # A URL to the machine itself in a README or a settings template is a local default
    # (zafaraftab1/myPortfolio's postgres:postgres@localhost); a remote one in docs still counts.
    ("local url in docs", {"README.md": "DATABASE_URL=postgresql://postgres:postgres@localhost:5432/x\n",
                           ".env.example": "DATABASE_URL=postgresql://portfolio:Zx81kq0PLmW2@127.0.0.1/x\n"}, []),
    ("remote url in docs", {"README.md": "postgresql://admin:Zx81kq0PLmW2@db.example.com/x\n"},
     [("README.md", 1, 20)]),
    ("local url in code", {"settings.py": 'URI = "postgresql://app:Zx81kq0PLmW2@localhost/x"\n'},
     [("settings.py", 1, 25)]),
    ("lock file", {"package-lock.json": f'{{"x": "{GITHUB}"}}\n'}, []),
    ("pyc", {"x.pyc": f"{AWS}\n"}, []),
    ("templated yaml", {"config.yml": "password: ${DB_PASSWORD}\n"}, []),
    ("sri hash in html", {"templates/b.html": '<link integrity="sha384-9ndCyUaIbzAi2FUVXJi0CjmCapSmO7SnpJef0486qhLnuZ2cdeRhO02iuK6FUUVM">\n'}, []),
    ("alembic revision", {"migrations/versions/a.py": 'revision = "ae1027a6acf"\ndown_revision = "3f2b1c9d8e7a"\n'}, []),
    ("binary", {"app.py": b"\x00\x01SECRET_KEY = 'x'\xff"}, []),
    # A key that signs tokens, whatever its name (a local bound in the same function, a module constant).
    ("jwt key in a local", _py("def make(p):\n    key = 'secret'\n    return jwt.encode(p, key, algorithm='HS256')\n"
                               "def other():\n    key = 'name'\n    return d[key]\n"), [("app.py", 5, 11)]),
    ("jwt key literal", _py("tok = jwt.decode(t, key='s3cr3t', algorithms=['HS256'])\n"), [("app.py", 4, 25)]),
    ("signer key constant", _py("KEY = 'dev'\ndef f():\n    return URLSafeTimedSerializer(KEY).dumps(1)\n"),
     [("app.py", 4, 7)]),
    ("hmac key", _py("sig = hmac.new(b'k3y', msg, 'sha256')\n"), [("app.py", 4, 16)]),
    ("signing key from the environment", _py("def f(p):\n    key = os.environ['JWT_KEY']\n    return jwt.encode(p, key)\n"
                                            "t = jwt.encode(p, app.config['SECRET_KEY'])\n"), []),
    ("signing key slot", _py("t = jwt.encode(p, '<your-key>')\n"), []),
    # A file named for the token it holds, nothing but the value in it.
    ("token file", {"Token.txt": "BidrpAvL2AR-wK7URBoR"}, [("Token.txt", 1, 1)]),
    ("api key file", {"keys/api_key": "\n  9f8e7d6c5b4a39281706abcd\n"}, [("keys/api_key", 2, 3)]),
    ("token file holding a sentence", {"token.txt": "put your token here\n"}, []),
    ("token file placeholder", {"token.txt": "xxxxxxxxxxxxxxxx\n"}, []),
    ("password word list", {"passwords.txt": "".join(f"Passw0rd{n}\n" for n in range(9))}, []),
    ("token file in the tests", {"tests/token.txt": "BidrpAvL2AR-wK7URBoR"}, []),
    ("a value in a file of another name", {"notes.txt": "BidrpAvL2AR-wK7URBoR"}, []),
    # Keys named for what they do: CRYPT_KEY, ENCRYPTION_KEY, JWT_KEY; not SORT_KEY or CACHE_KEY.
    ("crypt key names", _py("CRYPT_KEY = 'p@s$VV0Rd'\nENCRYPTION_KEY = 'abc123xyz'\nJWT_KEY = 'k3yk3y'\n"
                            "SORT_KEY = 'name'\nCACHE_KEY = 'views'\n"), [("app.py", 4, 13), ("app.py", 5, 18), ("app.py", 6, 11)]),
    # High-entropy values under identifier names are ids; under other names they still count.
    ("vercel project ids", {".vercel/project.json": '{"projectId":"prj_5MEH2iVgUFfa8Ck94SGDOUY6ZCvX",'
                                                    '"orgId":"team_NkeH7SwjOGdBCd4M29cLblh7"}\n'}, []),
    ("client id in yaml", {"config.yml": 'client_id: "5MEH2iVgUFfa8Ck94SGDOUY6ZCvXNkeH7SwjOGdB"\n'}, []),
    ("entropy under another name", {"settings.json": '{"signing": "prj_5MEH2iVgUFfa8Ck94SGDOUY6ZCvX"}\n'},
     [("settings.json", 1, 14)]),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hardcoded_secret(tmp_path: pathlib.Path, files: dict, expected: list) -> None:
    make_repo(tmp_path, files)
    project = Project(str(tmp_path))
    got = [(f.path, f.line, f.column) for f in hardcoded_secret.check(project)]
    assert got == expected
    assert all(f.rule == R for f in hardcoded_secret.check(project))


def test_messages_never_contain_the_value(tmp_path: pathlib.Path) -> None:
    values = ["dev-key-1234", "hunter2", AWS, STRIPE]
    make_repo(tmp_path, _py(
        f'SECRET_KEY = "{values[0]}"\nPASSWORD = "{values[1]}"\nA = "{values[2]}"\nB = "{values[3]}"\n'
    ))
    project = Project(str(tmp_path))
    findings = list(hardcoded_secret.check(project))
    assert len(findings) == 4
    for finding in findings:
        text = f"{finding.message} {finding.hint} {finding!r}"
        for value in values:
            assert value not in text and value[:6] not in text
    assert all(value in secret_values(project) for value in values)
    assert all("hunter2" not in repr(hit) for hit in find_secrets(project))


def test_secret_values_masks_private_key_body(tmp_path: pathlib.Path) -> None:
    make_repo(tmp_path, {"key.pem": PEM, "app.py": 'SECRET_KEY = "dev"\n'})
    values = secret_values(Project(str(tmp_path)))
    assert "MIIEpAIBAAKCAQEAxyz0123456789abcdef" in values
    assert "dev" not in values  # too short to mask usefully


def test_kind_named_in_message(tmp_path: pathlib.Path) -> None:
    make_repo(tmp_path, _py(f'app.secret_key = "dev"\nk = "{AWS}"\n'))
    messages = [f.message for f in hardcoded_secret.check(Project(str(tmp_path)))]
    assert "SECRET_KEY" in messages[0]
    assert "AWS access key" in messages[1]


def test_thousand_files_is_fast(tmp_path: pathlib.Path) -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}  # some comment text here\n" for i in range(40))
    for i in range(1000):
        sub = tmp_path / f"pkg{i // 100}"
        sub.mkdir(exist_ok=True)
        (sub / f"m{i}.py").write_text(body)
    start = time.perf_counter()
    assert list(hardcoded_secret.check(Project(str(tmp_path)))) == []
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"hardcoded-secret took {elapsed:.1f}s on 1,000 files"


@pytest.mark.parametrize(
    "source",
    [
        "SECRET = r'(?=[^\\v]*)(?=\\w+)'\n",
        "defaults = {'secret': 'will be replaced'}\n",
        "password = ':****'\n",
        "URL = 'socks5h://<username>:<password>@proxy-host'\n",
        "EXAMPLE = 'postgresql://user:password@localhost/db'\n",
        "TOKEN = '${TOKEN}'\n",
        "codes = {'secret': '\\u3299'}\n",
    ],
)
def test_patterns_placeholders_and_sentences_are_not_secrets(tmp_path, source):
    from deploy_check.project import Project
    from deploy_check.rules import hardcoded_secret

    (tmp_path / "app.py").write_text(source)
    assert list(hardcoded_secret.check(Project(str(tmp_path)))) == []


def test_a_placeholder_secret_key_is_still_a_fixed_key(tmp_path):
    from deploy_check.project import Project
    from deploy_check.rules import hardcoded_secret

    (tmp_path / "app.py").write_text("app.config['SECRET_KEY'] = 'change me'\n")
    assert len(list(hardcoded_secret.check(Project(str(tmp_path))))) == 1


@pytest.mark.parametrize(
    ("token", "expired"),
    [
        (EXPIRED_JWT, True),
        (LIVE_JWT, False),
        (_jwt('{"exp":true}'), False),  # a bool is no time
        (_jwt('{"exp":"1578481885"}'), False),
        (_jwt("[" * 3000 + "]" * 3000), False),  # deep nesting: bounded, never a crash
        ("eyJhbGciOiJIUzI1NiJ9.%%%.sig", False),
        ("no-dots", False),
    ],
)
def test_expired_jwt(token: str, expired: bool) -> None:
    from deploy_check.parsing.secret_detectors import expired_jwt
    assert expired_jwt(token, now=1_700_000_000) is expired
