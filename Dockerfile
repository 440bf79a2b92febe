# syntax=docker/dockerfile:1
# One image for every process: web (the default command), worker and beat (`celery …`), migrate.
# Each build step is a Makefile target that `make test` runs too (README, "Container image").

# --- Front-end files and the local model's files, from npm (pinned by package-lock.json) ---
FROM node:24-bookworm-slim AS npm
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Makefile package.json package-lock.json ./
RUN make node-modules NPM_CI_FLAGS=--omit=dev

# --- Python dependencies into /opt/venv, then the collected static files ---
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
# make runs the same targets here as on a developer's machine.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY Makefile requirements.txt requirements-model.txt ./
RUN make VENV=/opt/venv PYTHON=python3 runtime
COPY . .
COPY --from=npm /build/node_modules ./node_modules
RUN make VENV=/opt/venv collectstatic

# --- The image that runs: no compilers, no make, no npm; a user without a shell or a home ---
FROM python:3.11-slim-bookworm
# /data/media: where compose.yaml's volume keeps photos (local storage); owned by the app's user
# so a new named volume starts writable.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin cloudscendo \
    && mkdir -p /data/media && chown 10001 /data/media
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 10001
EXPOSE 8000
ENTRYPOINT ["python", "/app/infra/container/entrypoint.py"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "cloudscendo.wsgi"]
