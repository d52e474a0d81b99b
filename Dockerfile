# One image for every app service of docker-compose.yml: the WSGI server (HTTP), the ASGI
# server (/ws/) and the one-shot migration differ only by command.
FROM python:3.11-slim

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
