"""Settings: environment in, defaults that work, malformed values named, production hardened.

Settings are read once per process, so each case starts a fresh `manage.py` with its own
environment.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from confessions_backend import settings as settings_module

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "api.example.com",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in settings.ENVIRONMENT_VARIABLES and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_would_catch_an_insecure_setting():
    # The previous test means something only if the check does find problems.
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_HTTPS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://root@localhost/confessions"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:notaport/confessions"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("REDIS_URL", "redis://127.0.0.1:port/0"),
        ("AWS_S3_ENDPOINT_URL", "ftp://127.0.0.1:8333"),
        ("AWS_S3_ADDRESSING_STYLE", "sideways"),
        ("DJANGO_DEBUG", "maybe"),
        ("JWT_ACCESS_MINUTES", "ten"),
        ("JWT_ACCESS_MINUTES", "0"),
        ("MEDIA_URL_TTL_SECONDS", "-5"),
        ("DJANGO_LOG_LEVEL", "LOUD"),
        ("DJANGO_GZIP", "sometimes"),
    ],
)
def test_malformed_variable_stops_start_up_naming_it(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION, "JWT_SIGNING_KEY": ""}, "JWT_SIGNING_KEY"),
        ({**PRODUCTION, "JWT_SIGNING_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}, "JWT_SIGNING_KEY"),
    ],
)
def test_production_refuses_missing_secrets(environment, named):
    result = manage("check", **environment)
    assert result.returncode != 0
    assert named in result.stderr


def test_embedded_defaults_need_no_environment():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); "
        "print(s.CHANNEL_LAYERS['default']['BACKEND']); "
        "print(s.STORAGES['default']['BACKEND']); print(s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django.core.files.storage.FileSystemStorage",
        "True",
    ]


def test_explicit_sqlite_database_url_is_accepted(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])",
        DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{tmp_path}/other.sqlite3"


def test_service_variables_switch_backends():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); "
        "print(s.CHANNEL_LAYERS['default']['BACKEND']); "
        "print(s.CACHES['default']['BACKEND']); "
        "o = s.STORAGES['default']; print(o['BACKEND']); "
        "print(o['OPTIONS']['file_overwrite'], o['OPTIONS']['default_acl'], "
        "o['OPTIONS']['querystring_auth'], o['OPTIONS']['querystring_expire'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/confessions",
        REDIS_URL="redis://127.0.0.1:6379/0",
        AWS_STORAGE_BUCKET_NAME="confessions",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:8333",
        MEDIA_URL_TTL_SECONDS="120",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "core.postgresql",
        "realtime.layers.PubSubChannelLayer",
        "core.cache.RedisCache",
        "media_app.s3.S3Storage",
        "True",  # keys are fresh uuids: no HeadObject before each write
        "None",
        "True",
        "120",
    ]


def test_jwt_signing_key_is_not_the_secret_key():
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY
    assert settings.SIMPLE_JWT["ROTATE_REFRESH_TOKENS"] is True
    assert settings.SIMPLE_JWT["BLACKLIST_AFTER_ROTATION"] is True
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() <= 15 * 60
    assert "rest_framework_simplejwt.token_blacklist" in settings.INSTALLED_APPS


def test_custom_user_model_is_in_the_first_migration():
    from importlib import import_module

    from django.db.migrations import CreateModel

    assert settings.AUTH_USER_MODEL == "accounts.User"
    first = import_module("accounts.migrations.0001_initial").Migration
    assert first.initial is True
    created = [op.name for op in first.operations if isinstance(op, CreateModel)]
    assert "User" in created


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


POSTGRES = "postgres://postgres@127.0.0.1:5432/confessions"


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"DATABASE_URL": POSTGRES, "DATABASE_POOL_SIZE": "-1"}, "DATABASE_POOL_SIZE"),
        ({"DATABASE_URL": POSTGRES, "DATABASE_POOL_SIZE": "many"}, "DATABASE_POOL_SIZE"),
        ({"DATABASE_URL": POSTGRES, "DATABASE_POOL_TIMEOUT": "0"}, "DATABASE_POOL_TIMEOUT"),
        ({"DATABASE_URL": POSTGRES, "DATABASE_CONN_MAX_AGE": "60"}, "DATABASE_CONN_MAX_AGE"),
        (
            {"DATABASE_URL": POSTGRES, "DATABASE_IDLE_TRANSACTION_SECONDS": "-1"},
            "DATABASE_IDLE_TRANSACTION_SECONDS",
        ),
        (
            {"DATABASE_URL": POSTGRES, "DATABASE_IDLE_TRANSACTION_SECONDS": "soon"},
            "DATABASE_IDLE_TRANSACTION_SECONDS",
        ),
    ],
)
def test_the_pool_settings_are_checked(environment, named):
    # Settings are read at start-up: no database is contacted for this.
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


# Locks a row, then idles inside the transaction past the limit, as a client cut off the
# network mid-transaction would; prints what its session was set to and what became of it.
_IDLE_IN_A_TRANSACTION = """
import time
from django.db import DatabaseError, connection, transaction
with connection.cursor() as cursor:
    cursor.execute("SHOW idle_in_transaction_session_timeout")
    print("limit", cursor.fetchone()[0])
try:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE held (id int)")
            time.sleep(2.5)
            cursor.execute("SELECT 1")
    print("still open")
except DatabaseError as exc:
    print("ended:", exc)
"""


@pytest.mark.service("postgres")
@pytest.mark.parametrize(("seconds", "shown", "ended"), [("1", "1s", True), ("0", "0", False)])
def test_a_session_idle_in_a_transaction_is_ended(seconds, shown, ended):
    """DATABASE_IDLE_TRANSACTION_SECONDS reaches PostgreSQL: past it, the session idle inside
    a transaction (its client gone, as far as the server can tell) is ended, locks and all."""
    result = manage(
        "shell", "-c", _IDLE_IN_A_TRANSACTION,
        DATABASE_URL=POSTGRES, DATABASE_IDLE_TRANSACTION_SECONDS=seconds,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"limit {shown}" in result.stdout
    if ended:
        assert "ended:" in result.stdout
        assert "idle-in-transaction timeout" in result.stdout
    else:
        assert "still open" in result.stdout


# A key as the repository writes one: NAME=value, NAME: value, "NAME": "value",
# ${NAME:-value}, _NAME = "value"; the value a literal of 16 or more characters.
_KEY_LITERAL = re.compile(
    r"""[A-Z_]*(?:SECRET|SIGNING|ENCRYPTION)_?KEY\b["']?\s*(?::-|[:=])\s*["']?"""
    r"""(?:\$\{[A-Z_]+:-)?([A-Za-z0-9_\-+/=]{16,})"""
)


def test_production_refuses_every_key_the_repository_contains():
    """Anyone can read the repository: a key written in it signs tokens anyone can forge."""
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = {}
    for name in files:
        path = ROOT / name
        if path.suffix in {".png", ".mo", ".ico", ".svg"} or not path.is_file():
            continue
        for value in _KEY_LITERAL.findall(path.read_text(errors="ignore")):
            found[value] = name
    assert "dev-only-insecure-secret-key-never-use-in-production-0123456789" in found
    for value, name in found.items():
        assert settings_module.published_key(value), f"{name} publishes a usable key: {value}"
    for variable in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"):
        result = manage(
            "check", **{**PRODUCTION, variable: "compose-demo-key-change-me-0123456789"}
        )
        assert result.returncode != 0
        assert f"{variable} is one published in the repository" in result.stderr
