"""The Niblit Flask spec's own text, spelled once: what fixes write and the template build uses."""
from __future__ import annotations

# The spec's Dockerfile, exactly as it gives it ("use this EXACTLY"), comments included.
DOCKERFILE = """\
FROM python:3.12-slim

WORKDIR /app

# Install dependencies first (better caching)
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# Copy application code
COPY . .

# Create data directory for persistent storage
RUN mkdir -p /data

# Environment variables
ENV PORT=5000
ENV FLASK_ENV=production
ENV DATABASE_PATH=/data/app.db

EXPOSE 5000

# Run with gunicorn for production
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
"""

BASE_IMAGE = "python:3.12-slim"

# What requirements.txt must include ("must include flask and gunicorn").
REQUIRED_PACKAGES = ("flask", "gunicorn")

# The Python versions the spec allows ("Python 3.11 or 3.12"); a pin a fix writes uses the last.
PYTHON_VERSIONS = ("3.11", "3.12")
