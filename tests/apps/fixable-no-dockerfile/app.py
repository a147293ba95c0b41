from flask import Flask

app = Flask(__name__)
app.run(host="0.0.0.0", port=5000)  # at import: every gunicorn worker would die here


@app.route("/")
def home():
    return "fixed, then served"


@app.route("/broken")
def broken():
    return str(1 / 0)  # line 14 of this file; line 13 of the fixed one
