from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return str(1 / 0)  # line 8
