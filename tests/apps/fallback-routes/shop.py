from flask import Blueprint

shop = Blueprint("shop", __name__, url_prefix="/ignored")


@shop.route("/")
def index():
    return "shop"


@shop.get("/cart")
def cart():
    return "cart"


@shop.route("/cart/empty")
def empty_cart():
    open("/data/cart-emptied", "w").close()  # never probed
    return "emptied"
