"""Routes to probe: one 500s (only off /), one needs a login, one must never be hit."""
import os

from flask import Flask, redirect, request

app = Flask(__name__)
DELETED = "/data/deleted-everything"


@app.route("/")
def home():
    return "home"


@app.route("/report")
def report():
    rows = open("/app/missing.csv").read()  # line 17: 500, a file the upload does not have
    return rows


@app.route("/admin")
def admin():
    if not request.headers.get("Authorization"):
        return "login required", 401
    return "secret"


@app.route("/account")
def account():
    return redirect("/login?next=/account")


@app.route("/login")
def login():
    return "log in"


@app.route("/reset-db")
def reset_db():
    open(DELETED, "w").close()  # never to be probed: its name says it changes state
    return "reset"


@app.route("/gone")
def gone():
    return "not here", 404


@app.route("/items/<int:item_id>")
def item(item_id):
    return str(item_id)


@app.route("/submit", methods=["POST"])
def submit():
    return "ok"


@app.route("/health")
def health():
    return {"deleted": os.path.exists(DELETED)}
