from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "hi"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)  # line 12: the container's loopback, another port
