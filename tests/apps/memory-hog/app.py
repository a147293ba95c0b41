from flask import Flask

BALLAST = b"x" * (300 * 1024 * 1024)  # touched, not lazily allocated: over the free tier's 256 MB

app = Flask(__name__)


@app.route("/")
def home():
    return str(len(BALLAST))
