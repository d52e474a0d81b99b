"""Settings for the Confessions backend.

Everything comes from the environment (and an optional `.env` file beside `manage.py`), read
once here. An unset variable falls back to an embedded default that works on a laptop (SQLite
under `var/`, the in-memory channel layer, files under `var/media`); a variable that is set but
malformed stops start-up with `ImproperlyConfigured` naming it. The table of
docs/configuration.md lists every variable read here, and a test keeps the two in step.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from botocore.config import Config as BotoConfig
from django.core.exceptions import ImproperlyConfigured

from core import logs

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class StrictEnv(environ.Env):
    """`environ.Env` that remembers what it read and refuses malformed values by name.

    django-environ quietly turns an unknown boolean such as "maybe" into False; here it stops
    start-up instead. `names_read` lets tests check docs/configuration.md and docker-compose
    against it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.names_read: set[str] = set()

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        self.names_read.add(var)
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"{var} is malformed: {exc}") from exc

    def bool(self, var, default=environ.Env.NOTSET):
        raw = self.str(var, default=None)
        if raw is None:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable")
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{var} is malformed: expected 1/0, true/false, yes/no, on/off")

    def positive_int(self, var, default: int) -> int:
        value = self.int(var, default=default)
        if value <= 0:
            raise ImproperlyConfigured(f"{var} is malformed: expected a positive whole number")
        return value

    def whole_number(self, var, default: int) -> int:
        value = self.int(var, default=default)
        if value < 0:
            raise ImproperlyConfigured(f"{var} is malformed: expected a whole number, 0 or more")
        return value

    def url(self, var, *, schemes: set[str], default=None) -> str | None:
        """A URL whose scheme is one of `schemes` and which names a host (unless it is a unix
        socket or an SQLite file)."""
        raw = self.str(var, default=None)
        if raw is None or raw == "":
            return default
        try:
            parsed = urlparse(raw)
            parsed.port  # noqa: B018 - raises ValueError on a non-numeric port
        except ValueError as exc:
            raise ImproperlyConfigured(f"{var} is malformed: {exc}") from exc
        if parsed.scheme not in schemes:
            raise ImproperlyConfigured(
                f"{var} is malformed: scheme must be one of {', '.join(sorted(schemes))}"
            )
        if not parsed.hostname and parsed.scheme not in ("unix", "sqlite"):
            raise ImproperlyConfigured(f"{var} is malformed: it names no host")
        return raw


env = StrictEnv()
if (BASE_DIR / ".env").is_file():
    # Values already in the environment win over the file.
    environ.Env.read_env(BASE_DIR / ".env")

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Every key written in this repository (the dev defaults here, the Dockerfile's build step, the
# bench) carries one of these words, and production refuses a key that does: a key anyone can
# read signs tokens anyone can forge. tests/core/test_settings.py finds every key literal in
# the repository and holds it to this.
PUBLISHED_KEY_MARKERS = ("dev-only", "not-a-secret", "change-me", "insecure", "demo")


def published_key(value: str) -> bool:
    return any(marker in value.lower() for marker in PUBLISHED_KEY_MARKERS)


def _production_key(name: str, value: str) -> None:
    if not DEBUG and published_key(value):
        raise ImproperlyConfigured(
            f"{name} is one published in the repository (it says "
            f"{', '.join(m for m in PUBLISHED_KEY_MARKERS if m in value.lower())!r}): "
            "generate a random one (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )


_DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value when DJANGO_DEBUG=0")
_production_key("DJANGO_SECRET_KEY", SECRET_KEY)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "background",
    "accounts",
    "media_app",
    "realtime",
    "wechat",
    "moderation",
    "messages_app",
    "walls",
    "webclient",
    "ops",
    "exports",
]

MIDDLEWARE = [
    # The request's id, on every log line and in the X-Request-ID answer (core.logs).
    "core.logs.RequestIdMiddleware",
    # Counts and times every request (Prometheus, at /metrics): first, so it sees them all.
    "core.metrics.MetricsMiddleware",
    # Which database the request's reads go to (core.replicas): a replica, or the primary.
    "core.replicas.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RefuseNulMiddleware",
    "core.compression.JsonGZipMiddleware",
    # The language of every message, errors included (Accept-Language; the admin's cookie).
    "django.middleware.locale.LocaleMiddleware",
    "core.errors.ApiErrorEnvelopeMiddleware",
    # The session, the user and flash messages are the admin's: passed by on the API
    # (core.middleware).
    "core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.AuthenticationMiddleware",
    "core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# JSON over 1 KB is gzipped here unless a proxy in front does it (the compose file's nginx).
if not env.bool("DJANGO_GZIP", default=True):
    MIDDLEWARE.remove("core.compression.JsonGZipMiddleware")

ROOT_URLCONF = "confessions_backend.urls"
WSGI_APPLICATION = "confessions_backend.wsgi.application"
ASGI_APPLICATION = "confessions_backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every message for people (API errors, the admin) in English or Simplified Chinese, as the
# request's Accept-Language asks (django.middleware.locale); error codes never change.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The client SDK's bundle (clients/js, built by bin/sdk-build): the web client imports it.
STATICFILES_DIRS = [("webclient/sdk", BASE_DIR / "clients" / "js" / "dist")]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Without `collectstatic` (make run, tests) WhiteNoise serves straight from the apps.
WHITENOISE_USE_FINDERS = DEBUG

# --- Database ---------------------------------------------------------------------------------

_database_url = env.url(
    "DATABASE_URL",
    schemes={"postgres", "postgresql", "pgsql", "sqlite"},
    default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
)
try:
    _database = environ.Env.db_url_config(_database_url)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
if _database["ENGINE"] == "django.db.backends.postgresql":
    if not _database.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL is malformed: it names no database")
    # Fail fast when PostgreSQL is away, so the caller gets a 503 rather than a hung worker.
    _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Django's backend, reading timestamps with psycopg's C parser (see the module).
    _database["ENGINE"] = "core.postgresql"
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] not in ("", ":memory:"):
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    options = _database.setdefault("OPTIONS", {})
    options.setdefault("timeout", 10)
    # The server and its worker write at once (`make run`): a transaction takes the write lock
    # when it begins and waits for it (a deferred one that must upgrade fails at once with
    # "database is locked"), and WAL lets readers go on while someone writes.
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
    # A file, not Django's in-memory default: a test can then take the database away (and
    # give it back) to prove that an unreachable database answers 503.
    _database["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
_database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
_database["CONN_HEALTH_CHECKS"] = True
# Read (and checked) whatever the engine, so a compose file or .env means the same everywhere.
_pool_size = env.int("DATABASE_POOL_SIZE", default=4)
_pool_timeout = env.positive_int("DATABASE_POOL_TIMEOUT", default=3)
_prepared_statements = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
# A session idle inside a transaction this long is ended by PostgreSQL and its locks released.
# An app host cut off the network mid-transaction would otherwise keep its row locks until the
# server's TCP keepalive gave up on it (2 hours by default), and every write to those rows would
# wait, until the other hosts' threads were all waiting (the multi-host drill). Our transactions
# wait on nothing but the database, so a few seconds idle inside one means its client is gone.
# 0: leave it to the server (behind PgBouncer, which refuses startup options: there its own
# idle_transaction_timeout does it).
_idle_transaction_seconds = env.int("DATABASE_IDLE_TRANSACTION_SECONDS", default=10)
if _idle_transaction_seconds < 0:
    raise ImproperlyConfigured("DATABASE_IDLE_TRANSACTION_SECONDS is malformed: use 0 or more")
if _database["ENGINE"] == "core.postgresql":
    # Settings for each session, sent when it connects (libpq's `options`).
    _session = []
    # A bounded pool per process (Django 5.2's psycopg pool): however many threads a server
    # runs, a process holds at most this many connections, so load cannot exhaust
    # PostgreSQL's max_connections; a request that waits longer than the timeout for one is a
    # 503. Size it so processes x pool size stays under max_connections.
    if _pool_size < 0:
        raise ImproperlyConfigured("DATABASE_POOL_SIZE is malformed: use 0 (off) or more")
    if _pool_size:
        if _database["CONN_MAX_AGE"]:
            raise ImproperlyConfigured(
                "DATABASE_CONN_MAX_AGE must be 0 when DATABASE_POOL_SIZE is set: "
                "the pool keeps the connections"
            )
        # Health-checked as core.postgresql.pool says.
        _database["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": _pool_size,
            "timeout": _pool_timeout,
        }
    if _prepared_statements:
        # The hot reads (core.compiled) run as prepared statements, planned once
        # per connection: an inbox page's query is ~1 ms of PostgreSQL's planning otherwise.
        # Only they ask for it (the ORM's own queries bind on the client and are never
        # prepared). Turn it off behind a transaction-pooling PgBouncer older than 1.21.
        _database["OPTIONS"]["prepare_threshold"] = 5
        _session.append("-c plan_cache_mode=force_generic_plan")
    if _idle_transaction_seconds:
        _session.append(f"-c idle_in_transaction_session_timeout={_idle_transaction_seconds}s")
    if _session:
        _database["OPTIONS"]["options"] = " ".join(
            [_database["OPTIONS"].get("options", ""), *_session]
        ).strip()
# Behind a transaction-pooling PgBouncer, a cursor held across transactions (what `iterator()`
# uses) lands on another server connection: turn them off there (docs/operations.md).
_database["DISABLE_SERVER_SIDE_CURSORS"] = not env.bool(
    "DATABASE_SERVER_SIDE_CURSORS", default=True
)
DATABASES = {"default": _database}

# Read replicas (core.replicas): the hot reads of a request whose user has not written in the
# last DATABASE_REPLICA_STICKY_SECONDS go to one of them; everything else to the primary.
_replica_urls = env.list("DATABASE_REPLICA_URLS", default=[])
for _index, _replica_url in enumerate(_replica_urls):
    if _database["ENGINE"] != "core.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs DATABASE_URL on PostgreSQL")
    try:
        _replica = environ.Env.db_url_config(_replica_url)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS is malformed: {exc}") from exc
    DATABASES[f"replica{_index}"] = {
        **_database,
        **{key: _replica[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
        "OPTIONS": {**_database["OPTIONS"]},
        # Tests read the primary through it, as if it replicated at once.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_REPLICA_STICKY_SECONDS = env.positive_int("DATABASE_REPLICA_STICKY_SECONDS", default=5)
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"] if _replica_urls else []

# --- Redis: channel layer and cache -----------------------------------------------------------

REDIS_URL = env.url("REDIS_URL", schemes={"redis", "rediss", "unix"})

if REDIS_URL:
    # Pub/sub, not the list-based RedisChannelLayer: measured on the 2-core dev machine
    # (bench/channel_layers.py) it pushes with p50 0.15 ms vs 0.97 ms and fans out 4-5x more
    # per second. It keeps nothing for a receiver that is not listening, which costs nothing
    # here: a push only says "look", the notification itself is stored and replayed.
    # Past one Redis: CHANNEL_REDIS_URLS lists the shards (channels_redis hashes each channel
    # and group to one of them); the cache stays on REDIS_URL.
    _channel_hosts = env.list("CHANNEL_REDIS_URLS", default=[]) or [REDIS_URL]
    for _host in _channel_hosts:
        if urlparse(_host).scheme not in ("redis", "rediss", "unix"):
            raise ImproperlyConfigured(
                f"CHANNEL_REDIS_URLS is malformed: {_host!r} is not a redis:// URL"
            )
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.PubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": host, "socket_connect_timeout": 2} for host in _channel_hosts]
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="confessions"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Notification sockets one user may hold open at once (WeChat allows a mini program 5); a
# newer one closes the oldest with 4409.
SOCKETS_PER_USER = env.positive_int("SOCKETS_PER_USER", default=5)

# --- Media storage ----------------------------------------------------------------------------

# How long a signed media URL stays valid.
MEDIA_URL_TTL_SECONDS = env.positive_int("MEDIA_URL_TTL_SECONDS", default=300)
# Uploads without S3; BACKUP_DIR: backups without S3 (ops.backups).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# Nothing serves MEDIA_URL directly: every URL handed out is signed (media_app).
MEDIA_URL = "/media/"

# Upload limits (media_app). Sizes in bytes.
MEDIA_MAX_IMAGE_BYTES = env.positive_int("MEDIA_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
MEDIA_MAX_IMAGE_PIXELS = env.positive_int("MEDIA_MAX_IMAGE_PIXELS", default=40_000_000)
MEDIA_MAX_VIDEO_BYTES = env.positive_int("MEDIA_MAX_VIDEO_BYTES", default=50 * 1024 * 1024)
MEDIA_MAX_VIDEO_SECONDS = env.positive_int("MEDIA_MAX_VIDEO_SECONDS", default=60)
MEDIA_UPLOADS_PER_DAY = env.positive_int("MEDIA_UPLOADS_PER_DAY", default=100)
# Uploads one server process writes to storage at once (keep it under the server's threads:
# with S3 frozen, the others answer 503 instead of holding every thread).
MEDIA_UPLOADS_AT_ONCE = env.positive_int("MEDIA_UPLOADS_AT_ONCE", default=2)
MEDIA_QUOTA_BYTES = env.positive_int("MEDIA_QUOTA_BYTES", default=1024 * 1024 * 1024)
# ffmpeg (from the imageio-ffmpeg wheel) gets this long per probe or poster frame.
MEDIA_FFMPEG_TIMEOUT_SECONDS = env.positive_int("MEDIA_FFMPEG_TIMEOUT_SECONDS", default=20)
# Uploads bigger than this go to a temporary file rather than memory while parsed.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Confessions one user may send per hour (then 429).
CONFESSIONS_PER_HOUR = env.positive_int("CONFESSIONS_PER_HOUR", default=10)
# Confession walls: posts one user may make per hour (then 429); how far back the `hot` feed
# looks; how long likes gather before their post's author is told of them, in one message.
WALL_POSTS_PER_HOUR = env.positive_int("WALL_POSTS_PER_HOUR", default=5)
# Wrong invite codes an account may try in an hour (ten times this per client address).
WALL_INVITE_GUESSES_PER_HOUR = env.positive_int("WALL_INVITE_GUESSES_PER_HOUR", default=10)
WALL_HOT_DAYS = env.positive_int("WALL_HOT_DAYS", default=7)
# How long a process keeps a wall's `hot` order before ranking it again (0: at every read).
WALL_HOT_REFRESH_SECONDS = env.whole_number("WALL_HOT_REFRESH_SECONDS", default=30)
WALL_LIKE_DIGEST_SECONDS = env.whole_number("WALL_LIKE_DIGEST_SECONDS", default=600)
# E-mail verification of a wall's members (walls.verification): codes one account, or one
# address, may ask for in an hour; how long a code works.
WALL_VERIFY_EMAILS_PER_HOUR = env.positive_int("WALL_VERIFY_EMAILS_PER_HOUR", default=5)
WALL_EMAIL_CODE_MINUTES = env.positive_int("WALL_EMAIL_CODE_MINUTES", default=15)
# Wall searches (`?q=`) one account may make in a minute (then 429).
WALL_SEARCHES_PER_MINUTE = env.positive_int("WALL_SEARCHES_PER_MINUTE", default=30)

# How long the link to a data export (exports.services) works; its zip is deleted after.
EXPORT_TTL_HOURS = env.positive_int("EXPORT_TTL_HOURS", default=24)
# The IP region shown on profiles (accounts.regions): a MaxMind-format .mmdb file; unset,
# no region is looked up or shown.
IP_REGION_DB = env.str("IP_REGION_DB", default="")

# --- E-mail (the codes of walls.verification) ------------------------------------------------
# By SMTP when EMAIL_HOST is set; else, under DJANGO_DEBUG, printed to the console (`make run`);
# else not configured (asking for a code is 503 `email_unavailable`).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.positive_int("EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env.str("EMAIL_FROM", default="Confessions <noreply@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_CONFIGURED = bool(EMAIL_HOST) or DEBUG
# Against probing (confess anonymously to many to see who confesses back): anonymous
# confessions may be open to at most this many people at once; a retracted one holds its
# recipient's place for the cool-down after it is retracted.
ANONYMOUS_RECIPIENTS_LIMIT = env.positive_int("ANONYMOUS_RECIPIENTS_LIMIT", default=3)
ANONYMOUS_SLOT_COOLDOWN_DAYS = env.whole_number("ANONYMOUS_SLOT_COOLDOWN_DAYS", default=7)
# Secret crushes (messages_app.services.crushes): how many a list holds; how long a removed
# one keeps its place (against probing); whether its target is told that someone has one.
CRUSHES_MAX = env.positive_int("CRUSHES_MAX", default=9)
CRUSH_COOLDOWN_DAYS = env.whole_number("CRUSH_COOLDOWN_DAYS", default=7)
CRUSH_TELL_TARGET = env.bool("CRUSH_TELL_TARGET", default=True)
# ...and replies, so a thread cannot be used to flood the other side.
REPLIES_PER_HOUR = env.positive_int("REPLIES_PER_HOUR", default=60)

# The moderation chain (moderation.checkers) and when reports hide a confession.
# The banned phrases for every author; WeChat's own check for authors with an openid (it passes
# the others, and everyone while WeChat is not configured).
MODERATION_CHECKERS = env.list(
    "MODERATION_CHECKERS",
    default=["moderation.checkers.BannedPhraseChecker", "moderation.checkers.WeChatContentChecker"],
)
REPORTS_TO_HIDE = env.positive_int("REPORTS_TO_HIDE", default=3)

# --- Background work (django-tasks, django-tasks-db; `python manage.py worker`) -------------

# A task is a row in the same database, written in the transaction of the change that caused it.
# django-tasks-db, carrying the enqueuing request's id to the worker (background.backend).
TASKS = {"default": {"BACKEND": "background.backend.DatabaseBackend"}}
# A task whose outside call fails runs again after TASKS_RETRY_SECONDS, then twice that, ...,
# TASKS_MAX_ATTEMPTS times in all; then it is recorded as failed (admin: Task results).
TASKS_MAX_ATTEMPTS = env.positive_int("TASKS_MAX_ATTEMPTS", default=5)
TASKS_RETRY_SECONDS = env.positive_int("TASKS_RETRY_SECONDS", default=10)
# `make run` runs the worker inside its ASGI server (background.embedded), where the in-memory
# channel layer can push what a task notifies; production runs `manage.py worker` processes.
TASKS_WORKER_IN_SERVER = env.bool("TASKS_WORKER_IN_SERVER", default=False)
# /readyz turns 503 when tasks are due and no worker has picked one up for this long.
TASKS_STALLED_SECONDS = env.positive_int("TASKS_STALLED_SECONDS", default=300)
# A worker silent this long is dead: its running task is queued again, and /readyz fails while
# tasks wait and no worker lives. Workers beat every 5 s.
TASKS_WORKER_DEAD_SECONDS = env.positive_int("TASKS_WORKER_DEAD_SECONDS", default=30)
# The periodic jobs, run by the workers (no cron): job name -> how often. The task behind each
# name is registered by its app (background.periodic); `manage.py check` fails on a name without.
TASK_SCHEDULE = {
    "media_cleanup": timedelta(hours=1),  # uploads never attached, after 24 h
    "notifications_prune": timedelta(days=1),  # read notifications older than 90 days
    "tokens_flush": timedelta(days=1),  # expired refresh tokens (simplejwt's flush)
    "task_results_prune": timedelta(days=1),  # finished task rows (7 days; failed: 30)
    "sanctions_expire": timedelta(minutes=1),  # timed mutes and bans end by themselves
    "exports_expire": timedelta(hours=1),  # data exports' zips, once their links expired
}
# How long a mute or a ban from the moderation desk lasts ("Mute their authors"); 0: for good.
SANCTION_MUTE_HOURS = env.whole_number("SANCTION_MUTE_HOURS", default=24)
SANCTION_BAN_HOURS = env.whole_number("SANCTION_BAN_HOURS", default=168)
# How far back an author's record, shown to moderators beside what they wrote, reaches.
MODERATION_RECORD_DAYS = env.positive_int("MODERATION_RECORD_DAYS", default=30)


def _sanction_ladder(steps: list[str]) -> list[tuple[str, int]]:
    """SANCTION_LADDER's steps as (kind, hours), 0 hours for good: `warning`, `mute:24`,
    `ban` ..."""
    ladder = []
    for step in steps:
        kind, _, hours = step.strip().partition(":")
        if kind not in ("warning", "mute", "ban") or (hours and not hours.isdigit()):
            raise ImproperlyConfigured(
                f"SANCTION_LADDER is malformed: {step!r} is not warning, mute[:hours] or "
                "ban[:hours]"
            )
        if kind == "warning" and hours:
            raise ImproperlyConfigured("SANCTION_LADDER is malformed: a warning has no hours")
        ladder.append((kind, int(hours or 0)))
    if not ladder:
        raise ImproperlyConfigured("SANCTION_LADDER is malformed: it has no step")
    return ladder


# The next step the desk suggests beside an author's record, as their sanctions over
# MODERATION_RECORD_DAYS add up (the last step repeats).
SANCTION_LADDER = _sanction_ladder(
    env.list("SANCTION_LADDER", default=["warning", "mute:24", "mute:168", "ban:720", "ban"])
)
# How long opening an item in the moderation desk keeps it for that moderator.
MODERATION_CLAIM_MINUTES = env.positive_int("MODERATION_CLAIM_MINUTES", default=5)
# Error reports to Sentry (core.sentry), scrubbed of users and secrets; unset: none.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
if SENTRY_DSN:
    from core import sentry

    sentry.init(
        SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=env.str("SENTRY_RELEASE", default="") or None,
    )
# Who may read /metrics (Prometheus' bearer token); unset: /metrics is a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# How long an item may wait at the desk before its age shows in red.
MODERATION_TARGET_MINUTES = env.positive_int("MODERATION_TARGET_MINUTES", default=60)

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_s3_endpoint = env.url("AWS_S3_ENDPOINT_URL", schemes={"http", "https"})
# Where clients reach S3 when that differs from where we do (compose: http://minio:9000 for
# us, http://localhost:9000 for a phone or browser). Only used to sign URLs.
AWS_S3_PUBLIC_ENDPOINT_URL = env.url("AWS_S3_PUBLIC_ENDPOINT_URL", schemes={"http", "https"})
_s3_region = env.str("AWS_S3_REGION_NAME", default="us-east-1")
_s3_access_key = env.str("AWS_ACCESS_KEY_ID", default="")
_s3_secret_key = env.str("AWS_SECRET_ACCESS_KEY", default="")
_s3_addressing = env.str("AWS_S3_ADDRESSING_STYLE", default="path" if _s3_endpoint else "virtual")
if _s3_addressing not in ("path", "virtual", "auto"):
    raise ImproperlyConfigured("AWS_S3_ADDRESSING_STYLE is malformed: use path, virtual or auto")
# How long one S3 call may wait to connect and for each read (it is tried twice); /readyz
# gives its storage check this long in all.
AWS_S3_TIMEOUT_SECONDS = env.positive_int("AWS_S3_TIMEOUT_SECONDS", default=5)


def s3_storage(
    *,
    bucket_name: str,
    endpoint_url: str | None,
    region_name: str,
    access_key: str,
    secret_key: str,
    addressing_style: str,
    timeout_seconds: int,
    url_ttl_seconds: int,
) -> dict:
    """The STORAGES entry for a private S3 bucket (tests build theirs with it too)."""
    return {
        "BACKEND": "media_app.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": endpoint_url,
            "region_name": region_name,
            # Empty means boto3's own chain (instance role, ~/.aws, ...).
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "client_config": BotoConfig(
                s3={"addressing_style": addressing_style},
                signature_version="s3v4",
                connect_timeout=timeout_seconds,
                read_timeout=timeout_seconds,
                # Two attempts in all (botocore's `max_attempts` counts the retries only).
                retries={"total_max_attempts": 2, "mode": "standard"},
            ),
            # Private objects: no ACL header at all (the bucket policy decides, and that
            # policy is "nothing public"); every URL is presigned and short-lived.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_ttl_seconds,
            # Keys are fresh uuids: no HeadObject to look for a name first (with S3 frozen,
            # that call alone took a whole timeout before the upload's own).
            "file_overwrite": True,
        },
    }


def _bucket(name: str) -> dict:
    """The STORAGES entry for bucket `name` on the configured S3."""
    return s3_storage(
        bucket_name=name,
        endpoint_url=_s3_endpoint,
        region_name=_s3_region,
        access_key=_s3_access_key,
        secret_key=_s3_secret_key,
        addressing_style=_s3_addressing,
        timeout_seconds=AWS_S3_TIMEOUT_SECONDS,
        url_ttl_seconds=MEDIA_URL_TTL_SECONDS,
    )


if AWS_STORAGE_BUCKET_NAME:
    _default_storage = _bucket(AWS_STORAGE_BUCKET_NAME)
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
# Backups (ops.backups): a bucket of their own on the same S3, or var/backups without S3.
BACKUP_BUCKET = env.str("BACKUP_BUCKET", default="")
BACKUP_KEEP = env.positive_int("BACKUP_KEEP", default=14)
if AWS_STORAGE_BUCKET_NAME:
    _backup_storage = _bucket(BACKUP_BUCKET or f"{AWS_STORAGE_BUCKET_NAME}-backups")
else:
    _backup_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BACKUP_DIR},
    }
STORAGES = {
    "default": _default_storage,
    "backups": _backup_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- REST API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.OrjsonRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.renderers.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["core.parsing.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.KeysetPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # How many proxies in front of us append to X-Forwarded-For: throttles key on the client IP.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    # Rates for the sign-in doors, per client IP and per username (accounts.throttles).
    "DEFAULT_THROTTLE_RATES": {
        # Per address, far above what a campus behind one NAT sends: the per-username (and,
        # for share links, per-link) limits are the ones that bite first.
        "auth_ip": env.str("AUTH_THROTTLE_IP_RATE", default="600/min"),
        "auth_username": env.str("AUTH_THROTTLE_USERNAME_RATE", default="10/min"),
        # WeChat sign-ins share campus and carrier addresses, and WeChat limits each user's
        # code exchanges itself (45011): a much higher per-IP rate.
        "auth_wechat_ip": env.str("AUTH_THROTTLE_WECHAT_IP_RATE", default="600/min"),
        "shared_link": env.str("SHARED_LINK_THROTTLE_RATE", default="60/min"),
        # Messages through a personal inbox link: per writer (their address signed out, their
        # account signed in) and per link, whoever writes.
        "inbox_link_writer": env.str("INBOX_LINK_WRITER_RATE", default="10/hour"),
        "inbox_link": env.str("INBOX_LINK_RATE", default="300/hour"),
    },
}
for _variable, _rate in (
    ("AUTH_THROTTLE_IP_RATE", REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_ip"]),
    ("AUTH_THROTTLE_USERNAME_RATE", REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_username"]),
    ("AUTH_THROTTLE_WECHAT_IP_RATE", REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_wechat_ip"]),
    ("SHARED_LINK_THROTTLE_RATE", REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["shared_link"]),
    ("INBOX_LINK_WRITER_RATE", REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["inbox_link_writer"]),
    ("INBOX_LINK_RATE", REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["inbox_link"]),
):
    _count, _, _period = _rate.partition("/")
    if not _count.isdigit() or not _period or _period[0] not in "smhd":
        raise ImproperlyConfigured(f"{_variable} is malformed: use <count>/<sec|min|hour|day>")

JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="")
if not JWT_SIGNING_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set JWT_SIGNING_KEY (not the same as DJANGO_SECRET_KEY)")
    JWT_SIGNING_KEY = "dev-only-insecure-jwt-signing-key-" + SECRET_KEY
if JWT_SIGNING_KEY == SECRET_KEY:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from DJANGO_SECRET_KEY")
_production_key("JWT_SIGNING_KEY", JWT_SIGNING_KEY)

SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.positive_int("JWT_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.positive_int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "CHECK_USER_IS_ACTIVE": True,
}
# A refresh token used again this soon after its rotation answers the same new pair (two pages
# refreshing at once, an answer lost on a weak network); later, its reuse revokes its family.
JWT_REFRESH_GRACE_SECONDS = env.whole_number("JWT_REFRESH_GRACE_SECONDS", default=30)

SPECTACULAR_SETTINGS = {
    "TITLE": "Confessions API",
    "DESCRIPTION": "REST API of the Confessions mini program backend. Errors share one "
    'envelope: {"error": {"code", "message", "fields"?}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A wall's post or comment has the confessions' statuses but "scheduled".
    "ENUM_NAME_OVERRIDES": {"WallStatusEnum": ["pending", "approved", "rejected", "hidden"]},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_envelope",
    ],
}

# --- WeChat -----------------------------------------------------------------------------------

# Off unless both are set: then /auth/wechat answers 503 saying so.
WECHAT_APPID = env.str("WECHAT_APPID", default="")
WECHAT_SECRET = env.str("WECHAT_SECRET", default="")
WECHAT_API_BASE = env.url(
    "WECHAT_API_BASE", schemes={"http", "https"}, default="https://api.weixin.qq.com"
).rstrip("/")
WECHAT_TIMEOUT_SECONDS = env.float("WECHAT_TIMEOUT_SECONDS", default=3.0)
# Risky new accounts (accounts.risk): ranked by getuserriskrank at sign-up (0 to 4); at this
# rank or above, what they write waits for moderators during their first days.
WECHAT_RISK_REVIEW_RANK = env.int("WECHAT_RISK_REVIEW_RANK", default=3)
WECHAT_RISK_REVIEW_DAYS = env.whole_number("WECHAT_RISK_REVIEW_DAYS", default=7)
if not 0 < WECHAT_TIMEOUT_SECONDS <= 30:
    raise ImproperlyConfigured("WECHAT_TIMEOUT_SECONDS is malformed: use 0 < seconds <= 30")

# WeChat's message push (/wechat/push, JSON format): the Token configured beside the URL; empty
# turns the endpoint off (404). With an EncodingAESKey (43 characters) it runs in safe mode.
WECHAT_PUSH_TOKEN = env.str("WECHAT_PUSH_TOKEN", default="")
WECHAT_PUSH_AES_KEY = env.str("WECHAT_PUSH_AES_KEY", default="")
if WECHAT_PUSH_AES_KEY and len(WECHAT_PUSH_AES_KEY) != 43:
    raise ImproperlyConfigured("WECHAT_PUSH_AES_KEY is malformed: WeChat's keys are 43 characters")
# Plain mode signs the query, not the body: in production only when an operator says so.
WECHAT_PUSH_PLAIN_MODE = env.bool("WECHAT_PUSH_PLAIN_MODE", default=False)
if WECHAT_PUSH_TOKEN and not WECHAT_PUSH_AES_KEY and not DEBUG and not WECHAT_PUSH_PLAIN_MODE:
    raise ImproperlyConfigured(
        "WECHAT_PUSH_TOKEN is set without WECHAT_PUSH_AES_KEY: plain mode's signature does not "
        "cover the body, so anyone who saw one signed URL could push any event. Set the "
        "EncodingAESKey (safe mode), or WECHAT_PUSH_PLAIN_MODE=1 to accept that knowingly"
    )
WECHAT_PUSH_MAX_AGE_SECONDS = env.positive_int("WECHAT_PUSH_MAX_AGE_SECONDS", default=300)

# Subscribe messages (wechat app): which one-time template tells of which event, and which of
# our fields fills each of its keys, as JSON, e.g.
# {"confession.received": {"id": "<template id>", "data": {"thing1": "title", "time2": "time"}}}
# Fields: title, time, hint (see wechat/templates.py; `manage.py check` refuses others).
_templates = env.str("WECHAT_SUBSCRIBE_TEMPLATES", default="") or "{}"
try:
    WECHAT_SUBSCRIBE_TEMPLATES = json.loads(_templates)
except ValueError as exc:
    raise ImproperlyConfigured(f"WECHAT_SUBSCRIBE_TEMPLATES is malformed: {exc}") from exc
if not isinstance(WECHAT_SUBSCRIBE_TEMPLATES, dict) or not all(
    isinstance(spec, dict)
    and isinstance(spec.get("id"), str)
    and spec["id"]
    and isinstance(spec.get("data"), dict)
    and spec["data"]
    for spec in WECHAT_SUBSCRIBE_TEMPLATES.values()
):
    raise ImproperlyConfigured(
        'WECHAT_SUBSCRIBE_TEMPLATES is malformed: use {"<event>": {"id": "...", "data": {...}}}'
    )
# A notification not acknowledged on a socket (or marked read) within this long goes out as a
# subscribe message, when the user has a credit for its template.
WECHAT_SUBSCRIBE_DELAY_SECONDS = env.positive_int("WECHAT_SUBSCRIBE_DELAY_SECONDS", default=60)
# Where a subscribe message leads in the mini program; `?id=<confession id>` is added.
WECHAT_SUBSCRIBE_PAGE = env.str("WECHAT_SUBSCRIBE_PAGE", default="pages/confession/detail")
# Phones bound through WeChat are kept encrypted with this Fernet key (32 url-safe base64
# bytes); unset, one derived from DJANGO_SECRET_KEY. POSTING_REQUIRES_PHONE=1: sending and
# replying need a bound phone (China's rule for comment services: identity behind the scenes).
PHONE_ENCRYPTION_KEY = env.str("PHONE_ENCRYPTION_KEY", default="")
_production_key("PHONE_ENCRYPTION_KEY", PHONE_ENCRYPTION_KEY)
if PHONE_ENCRYPTION_KEY:
    try:
        import base64 as _base64

        if len(_base64.urlsafe_b64decode(PHONE_ENCRYPTION_KEY)) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "PHONE_ENCRYPTION_KEY is malformed: 32 bytes, url-safe base64 (Fernet.generate_key())"
        ) from None
POSTING_REQUIRES_PHONE = env.bool("POSTING_REQUIRES_PHONE", default=False)

# Where a share link's mini program code leads (no leading slash, no query): the page gets
# `scene=c<id>` and resolves it with GET /api/v1/confessions/by-scene/<scene>.
WECHAT_SHARE_PAGE = env.str("WECHAT_SHARE_PAGE", default="pages/shared/index")
WECHAT_MINIPROGRAM_STATE = env.str("WECHAT_MINIPROGRAM_STATE", default="formal")
if WECHAT_MINIPROGRAM_STATE not in ("developer", "trial", "formal"):
    raise ImproperlyConfigured("WECHAT_MINIPROGRAM_STATE is malformed: developer, trial or formal")

# --- HTTPS and proxies ------------------------------------------------------------------------

# On by default in production: redirect to HTTPS, secure cookies, HSTS.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself (the compose file's nginx does).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
# Load balancer probes talk plain HTTP to the process.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
_hsts_seconds = env.positive_int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_SECONDS = _hsts_seconds if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging ----------------------------------------------------------------------------------

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("DJANGO_LOG_LEVEL is malformed: use DEBUG, INFO, WARNING or ERROR")
# Plain text by default (`make run`); JSON lines for a log pipeline. Either way each line
# carries its request id and no secret (core.logs).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT is malformed: use plain or json")
LOGGING = logs.logging_config(level=LOG_LEVEL, json_lines=LOG_FORMAT == "json")

# The names every variable above was read under; tests hold docs/configuration.md and compose to it.
ENVIRONMENT_VARIABLES = frozenset(env.names_read)
