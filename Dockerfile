# The deploy-check GitHub Action's image: built by the runner on every job,
# so it stays small and quick (no compilers, no caches, only runtime deps).
FROM python:3.12-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/action/src

WORKDIR /action
COPY action-requirements.txt .
# --no-deps: action-requirements.txt lists everything the action imports, pinned (see its header).
RUN pip install --no-cache-dir --no-compile --no-deps -r action-requirements.txt
COPY entrypoint.py .
COPY src/deploy_check ./src/deploy_check

ENTRYPOINT ["python", "/action/entrypoint.py"]
