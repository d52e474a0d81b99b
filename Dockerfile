# One image for every app service of docker-compose.yml: the WSGI server (HTTP), the ASGI
# server (/ws/) and the one-shot migration differ only by command.
FROM python:3.11-slim-bookworm

# pg_dump and pg_restore for `manage.py backup` and `restore` (ops/backups.py), from
# PostgreSQL's own apt repository (its key ships in postgresql-common) at the server's major
# version: Debian's client is 15, and a pg_dump older than its server refuses to dump it. Keep
# PG_MAJOR the major of the PostgreSQL you run (docker-compose.yml's postgres image; a test keeps
# the two in step): `docker build --build-arg PG_MAJOR=17 .` for a 17 server.
ARG PG_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_DEBUG=0

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files (admin, Swagger UI) are collected at build time and served by WhiteNoise.
# With the dev settings: this step needs no key, and the running containers get real ones.
RUN DJANGO_DEBUG=1 python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app app \
    && chown -R app /app/var

USER app
EXPOSE 8000 8001
CMD ["gunicorn", "confessions_backend.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "2", "--threads", "4", "--worker-class", "gthread", "--access-logfile", "-"]
