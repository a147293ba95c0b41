from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "hello"


# Not under `if __name__ == "__main__":`, so each gunicorn worker starts Flask's own
# server at import; it finds port 5000 taken and exits, and gunicorn respawns it.
app.run(host="0.0.0.0", port=5000)
