# gunicorn reads ./gunicorn.conf.py when the CMD has no --bind: this bind wins over PORT
bind = "127.0.0.1:8000"
