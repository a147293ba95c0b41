from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "served by the spec's template"


@app.route("/broken")
def broken():
    return str(1 / 0)  # line 13
