import requests
from flask import Flask


def create_app():
    app = Flask(__name__)

    @app.route("/")
    def home():
        return requests.get("https://example.com").text

    return app
