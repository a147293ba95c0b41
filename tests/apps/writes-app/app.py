from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    with open("visits.txt", "a") as handle:  # /app/visits.txt: lost on redeploy
        handle.write("visit\n")
    return "counted"
