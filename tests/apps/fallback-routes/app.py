"""Routes that deploy-check's inspection cannot list: importing the app needs the container's
network (its own address, by its host name), which the inspection lacks; they come from the source.
/stats 500s (line 26); /widgets after it, with a traceback longer than the smoke paths' log (line 57);
/search crashes without the query it reads (line 70): a warning."""
import socket
import sqlite3

from flask import Flask

from shop import shop
from staff import staff

HOST_IP = socket.gethostbyname(socket.gethostname())
app = Flask(__name__)
app.register_blueprint(shop, url_prefix="/shop")  # wins over the Blueprint's own /ignored
app.register_blueprint(staff)


@app.route("/")
def home():
    return "home on " + HOST_IP


@app.route("/stats")
def stats():
    return str(sqlite3.connect("notes.db").execute("SELECT count(*) FROM notes").fetchone())  # no such table


@app.route("/feed/", strict_slashes=False)
def feed():
    return "feed"


@app.route("/items/<int:item_id>")
def item(item_id):
    return str(item_id)


@app.route("/submit", methods=["POST"])
def submit():
    open("/data/submitted", "w").close()  # a GET never reaches it
    return "ok"


@app.route("/logout")
def logout():
    open("/data/logged-out", "w").close()  # never probed: its name says it changes state
    return "bye"


def ping(depth):
    return pong(depth - 1)


def pong(depth):
    if depth == 0:
        raise LookupError("a traceback of 600 lines, after /stats's")
    return ping(depth)


@app.route("/widgets")
def widgets():
    return ping(150)


@app.route("/search")
def search():
    from flask import request

    return "found " + request.args.get("q").lower()  # a bare GET: None.lower(), only a warning
