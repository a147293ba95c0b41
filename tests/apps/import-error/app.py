from flask import Flask

import module_that_does_not_exist  # line 3: boots fail here

app = Flask(__name__)
