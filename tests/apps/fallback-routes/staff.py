from flask import Blueprint, request

staff = Blueprint("staff", __name__, url_prefix="/staff")


@staff.route("/reports")
def reports():
    if not request.headers.get("Authorization"):
        return "login required", 401
    return "reports"
