"""Routes read from the source as Flask builds them (the fallback when the url_map cannot be read)."""
from __future__ import annotations

import textwrap

import pytest

from deploy_check.project import Project
from deploy_check.runtime import declared
from deploy_check.runtime import routes


def read(tmp_path, files: dict[str, str]) -> dict[str, str]:
    """'PATH METHODS' -> endpoint, of what the source declares."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    found = declared.routes(Project(str(tmp_path)))
    return {f"{r.path} {'+'.join(sorted(r.methods))}": r.endpoint for r in found}


def paths(tmp_path, files: dict[str, str]) -> set[str]:
    return set(read(tmp_path, files))


APP = """\
    from flask import Flask
    from views import admin
    from .auth import bp as auth_bp
    import shop
    app = Flask(__name__)
    app.register_blueprint(admin, url_prefix="/staff")
    app.register_blueprint(auth_bp)
    app.register_blueprint(shop.bp, url_prefix="/")
    app.register_blueprint(shop.bp, url_prefix="/store/", name="store")
    """


def test_blueprints_under_the_prefix_they_are_registered_with(tmp_path):
    found = paths(tmp_path, {
        "app.py": APP,
        "views.py": """\
            from flask import Blueprint
            admin = Blueprint("admin", __name__, url_prefix="/admin")  # overridden: /staff
            @admin.route("/")
            def index(): ...
            @admin.get("")
            def bare(): ...
            """,
        "auth.py": """\
            import flask
            bp = flask.Blueprint("auth", __name__, url_prefix="/auth/")
            @bp.route("/login")
            def login(): ...
            """,
        "shop.py": """\
            from flask import Blueprint
            bp = Blueprint("shop", __name__)
            @bp.route("/cart")
            def cart(): ...
            """,
    })
    assert found == {"/staff/ GET", "/staff GET", "/auth/login GET", "/cart GET", "/store/cart GET"}


def test_endpoints_are_named_as_flask_names_them(tmp_path):
    found = read(tmp_path, {
        "app.py": "from flask import Flask, Blueprint\napp = Flask(__name__)\nbp = Blueprint('auth', __name__)\n"
                  "@bp.route('/logout')\ndef logout(): ...\n@app.route('/x', endpoint='other')\ndef x(): ...\n",
    })
    assert found == {"/logout GET": "auth.logout", "/x GET": "other"}


@pytest.mark.parametrize(
    "source, expected",
    [
        ("@app.route('/form', methods=['POST'])\ndef form(): ...", {"/form POST"}),
        ("@app.route('/both', methods=('get', 'POST'))\ndef both(): ...", {"/both GET+POST"}),
        ("@app.post('/p')\ndef p(): ...", {"/p POST"}),
        ("@app.route('/m', methods=METHODS)\ndef m(): ...", set()),  # computed: unknown, left out
        ("@app.route(PATH)\ndef unknown(): ...", set()),
        ("@app.route('/s/', strict_slashes=False)\ndef s(): ...", {"/s/ GET"}),
        ("@app.route('/i/<int:item_id>')\ndef i(item_id): ...", {"/i/<int:item_id> GET"}),
        ("@app.route('/h', host='api.example.com')\ndef h(): ...", set()),
        ("@app.route('/o', **OPTIONS)\ndef o(): ...", set()),
        ("def f(): ...\napp.add_url_rule('/f', view_func=f)", {"/f GET"}),
        ("def g(): ...\napp.add_url_rule('/g', 'gee', g, methods=['POST'])", {"/g POST"}),
        ("class Items(MethodView):\n    def get(self): ...\n    def post(self): ...\n"
         "app.add_url_rule('/items', view_func=Items.as_view('items'))", {"/items GET+POST"}),
        ("app.add_url_rule('/ext', view_func=Imported.as_view('ext'))", set()),  # its methods are unknown
    ],
)
def test_methods_and_paths_only_when_literal(tmp_path, source, expected):
    assert paths(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n" + source + "\n"}) == expected


def test_a_computed_prefix_leaves_the_blueprint_out(tmp_path):
    found = paths(tmp_path, {
        "app.py": "from flask import Flask, Blueprint\napp = Flask(__name__)\nbp = Blueprint('b', __name__)\n"
                  "@bp.route('/x')\ndef x(): ...\napp.register_blueprint(bp, url_prefix=PREFIX)\n",
    })
    assert found == set()


def test_what_selection_probes_of_the_fallback(tmp_path):
    (tmp_path / "app.py").write_text(
        "from flask import Flask, Blueprint\napp = Flask(__name__)\nbp = Blueprint('api', __name__)\n"
        "@bp.route('/items/<int:i>')\ndef item(i): ...\n@bp.route('/items', methods=['POST'])\ndef add(): ...\n"
        "@bp.route('/items')\ndef items(): ...\n@bp.route('/items/clear')\ndef clear(): ...\n"
        "app.register_blueprint(bp, url_prefix='/api')\n")
    selection = routes.select("decorators", routes.from_decorators(Project(str(tmp_path))), ["/"], [])
    assert [r.path for r in selection.probe] == ["/api/items"] and selection.with_arguments == 1
    assert selection.skipped == (("/api/items/clear", "its name says it changes state"),)
