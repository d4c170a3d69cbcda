# syntax=docker/dockerfile:1
#
# Production image: gunicorn serving the site with production settings.
# Build:    docker build -t pompidou-site .
# Release:  docker run --rm --env-file prod.env -e DB_STATEMENT_TIMEOUT=0 pompidou-site python manage.py migrate --noinput
#           (and, on an empty database only, python manage.py load_seed_content)
# Serve:    docker run --env-file prod.env -p 8000:8000 -v pompidou-media:/app/media pompidou-site
# Worker:   docker run --env-file prod.env -v pompidou-media:/app/media pompidou-site python manage.py db_worker
#           (the second process: scheduled publishing and background tasks; see the README)
# Migrations are a release step, never part of CMD: several containers starting at once must not
# race to migrate the same database.

# ---- Builder: install the pinned requirements into a virtualenv ---------------------------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

# Every requirement ships a wheel for this platform (psycopg[binary] bundles libpq), so no compiler.
RUN python -m venv /opt/venv
# The lock pins every package, transitive ones included, with its hashes: pip refuses any other file.
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes --requirement /tmp/requirements.lock

# ---- Runtime -----------------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=pompidou_site.settings.production \
    MEDIA_ROOT=/app/media \
    PORT=8000

# pg_dump and pg_restore, for `manage.py backup_site` and `restore_site` run inside the container.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 pompidou \
    && useradd --system --uid 1000 --gid pompidou --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin pompidou

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root, so the application cannot rewrite itself; only media/ is its own.
COPY . .

# Static files are collected and compressed once, at build time. The production settings refuse
# to load without their environment, so this step alone gets throwaway values, made on the spot:
# nothing secret is baked into the image, and collectstatic never touches the database.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:///:memory: WAGTAILADMIN_BASE_URL=http://localhost \
    python manage.py collectstatic --noinput --verbosity 1 \
    && python -m compileall -q pompidou_site programmes trainings \
    && mkdir -p /app/media \
    && chown pompidou:pompidou /app/media

USER pompidou:pompidou

# Media (uploaded documents and images) must live on persistent storage mounted here.
VOLUME ["/app/media"]
EXPOSE 8000

CMD ["gunicorn", "--config", "gunicorn.conf.py"]
