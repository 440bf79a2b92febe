"""Cloudscendo settings: one file, every value from the environment.

The defaults run the whole site on a fresh machine with nothing installed:
SQLite, files under media/, the local emotion model and search index, offline
video links and Celery tasks run in-process. Production switches each part by
environment variable; README.md lists them all, as does .env.example.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cloudscendo.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_required,
    env_str,
)
from cloudscendo.logs import logging_config
from cloudscendo.security import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored runtime state of the embedded default

DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Embedded default only: one random key per checkout, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before WhiteNoise's: its runserver (cloudscendo/management/commands/runserver.py) wraps WhiteNoise's.
    "cloudscendo",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "accounts",
    "moods",
    "music",
]

MIDDLEWARE = [
    "cloudscendo.logs.RequestIdMiddleware",
    "cloudscendo.health.ProbeMiddleware",  # before the host check and the HTTPS redirect (see its docstring)
    "django.middleware.security.SecurityMiddleware",
    "cloudscendo.security.SecurityHeadersMiddleware",
    "cloudscendo.outage.DatabaseUnavailableMiddleware",  # database unreachable: 503 and Retry-After, not 500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cloudscendo.limits.RequestBodyLimitMiddleware",  # before CsrfViewMiddleware, the first to read a body
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cloudscendo.urls"
WSGI_APPLICATION = "cloudscendo.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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


# --- Database -------------------------------------------------------------

# SQLite as `make run` uses it, with several tabs at once (issue 13: parallel writes answered 500
# "database is locked"). WAL lets readers work while one connection writes; IMMEDIATE takes the
# write lock when a transaction begins, where the busy timeout (20 s) waits for it, instead of
# failing at once when a transaction that has read tries to write
# (https://docs.djangoproject.com/en/5.2/ref/databases/#database-is-locked-errors).
# mmap_size: reads go straight to the OS's cached pages of the file, not copied into each connection's
# 2 MB page cache; a song list build on the 41k catalogue took 7 % less CPU (measured 2026-12-01, A/B in one process).
# 256 MiB is address space, not memory (https://www.sqlite.org/mmap.html).
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                  "init_command": "PRAGMA journal_mode=WAL; PRAGMA mmap_size=268435456"}


def _database(url: str | None) -> dict:
    if url is None:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3", "OPTIONS": SQLITE_OPTIONS}
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured("DATABASE_URL must start with postgres://, postgresql:// or sqlite://.")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": _database(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True


# --- Files: static through whitenoise, captures through django-storages ------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages installed from npm at set-up (never committed, never a CDN).
NODE_MODULES_DIR = BASE_DIR / "node_modules"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# No MEDIA_URL route exists: captures are private and served only by
# permission-checked views or short-lived presigned URLs.

STORAGE_BACKEND = env_choice("STORAGE_BACKEND", ("local", "s3"), "local")
AWS_REGION = env_str("AWS_REGION")
AWS_CONNECT_TIMEOUT = env_float("AWS_CONNECT_TIMEOUT", 3.0, minimum=0.1, maximum=60)
AWS_READ_TIMEOUT = env_float("AWS_READ_TIMEOUT", 10.0, minimum=0.1, maximum=300)


AWS_S3_ADDRESSING_STYLE = env_choice("AWS_S3_ADDRESSING_STYLE", ("virtual", "path"), "virtual")
# With S3 the browser posts a photo straight to the bucket (moods/uploads.py): the presigned POST's
# policy lasts this long. The page asks for it just before sending, so it can be short.
AWS_S3_UPLOAD_EXPIRE = env_int("AWS_S3_UPLOAD_EXPIRE", 120, minimum=10)


def _aws_region(because: str) -> str:
    return env_required("AWS_REGION", because=because)


def _default_storage() -> dict:
    if STORAGE_BACKEND == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": MEDIA_ROOT, "base_url": None,
                            "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}}
    from cloudscendo.aws import client_config  # boto3 is imported only when S3 is chosen

    because = "when STORAGE_BACKEND=s3"
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_required("AWS_STORAGE_BUCKET_NAME", because=because),
            "region_name": _aws_region(because),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "location": env_str("AWS_S3_PREFIX", "captures"),
            # The same timeouts and retries as every AWS call, so an unreachable bucket fails an
            # upload in seconds. s3v4 explicitly: us-east-1 presigns SigV2 otherwise (boto3 #2680).
            # (With a client_config, django-storages ignores its signature_version and addressing_style.)
            "client_config": client_config(
                connect_timeout=AWS_CONNECT_TIMEOUT, read_timeout=AWS_READ_TIMEOUT, signature_version="s3v4",
                s3={"addressing_style": AWS_S3_ADDRESSING_STYLE}),
            "default_acl": None,  # objects inherit the bucket's private ownership
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_S3_URL_EXPIRE", 300, minimum=1),
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }


STORAGES = {
    "default": _default_storage(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}


# --- Backends behind the ports ----------------------------------------------

EMOTION_BACKEND = env_choice("EMOTION_BACKEND", ("local", "rekognition", "hybrid"), "local")
SEARCH_BACKEND = env_choice("SEARCH_BACKEND", ("local", "kendra"), "local")
VIDEO_BACKEND = env_choice("VIDEO_BACKEND", ("offline", "youtube"), "offline")
if EMOTION_BACKEND in ("rekognition", "hybrid"):
    _aws_region(f"when EMOTION_BACKEND={EMOTION_BACKEND}")
# DetectFaces calls a second, all workers together (a token bucket in CACHE_URL's Redis): set it to the
# account's quota (Service Quotas: "Transactions per second per account for ... DetectFaces").
REKOGNITION_MAX_TPS = env_float("REKOGNITION_MAX_TPS", 5.0, minimum=0.1, maximum=10_000)
# A worker waits this long for a slot, then the analysis is retried later; under the task's soft time limit.
REKOGNITION_MAX_WAIT_SECONDS = env_float("REKOGNITION_MAX_WAIT_SECONDS", 10.0, minimum=0, maximum=60)
KENDRA_INDEX_ID = env_str("KENDRA_INDEX_ID")
if SEARCH_BACKEND == "kendra":
    _aws_region("when SEARCH_BACKEND=kendra")
    KENDRA_INDEX_ID = env_required("KENDRA_INDEX_ID", because="when SEARCH_BACKEND=kendra")
YOUTUBE_API_KEY = env_str("YOUTUBE_API_KEY")
if VIDEO_BACKEND == "youtube":
    YOUTUBE_API_KEY = env_required("YOUTUBE_API_KEY", because="when VIDEO_BACKEND=youtube")

# Captures (moods app): upload limits and what counts as a confident reading.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000, minimum=10_000)
# A whole request body: the photo and the form around it (cloudscendo.limits answers 413 above it, from
# the Content-Length, before reading). The admin's catalogue import takes bigger files, streamed to disk.
REQUEST_BODY_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
IMPORT_UPLOAD_MAX_BYTES = env_int("IMPORT_UPLOAD_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES  # form fields read into memory
# Uploaded files above this go to a temporary file while the body is parsed, not to memory (Django's default).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
EMOTION_MIN_CONFIDENCE = env_float("EMOTION_MIN_CONFIDENCE", 40.0, minimum=0, maximum=100)


# --- Celery -------------------------------------------------------------------

def _broker_url(url: str | None) -> str:
    if url is None:
        return "memory://"
    if not url.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
        raise ImproperlyConfigured("CELERY_BROKER_URL must start with redis://, rediss://, amqp:// or amqps://.")
    return url


CELERY_BROKER_URL = _broker_url(env_str("CELERY_BROKER_URL"))
# No broker configured: run every task in-process, at commit time of the request.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True  # results live in the database rows, not in a result backend
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection before and after each task unless this is set
# (celery/fixups/django.py, close_database): CONN_MAX_AGE never applied in a worker, and each task paid a
# new PostgreSQL connection (issue 15: ~17 ms of PostgreSQL CPU a capture). Set, the fixup closes them only
# every this many tasks; cloudscendo.celery closes them around each task as Django does around a request
# (past CONN_MAX_AGE, unusable, or after an error).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# A CSV import of a large catalogue runs longer than any other task.
IMPORT_TASK_TIME_LIMIT = 1800
IMPORT_TASK_SOFT_TIME_LIMIT = 1700


def _stuck_after(name: str, default: int, *, limit_name: str, limit: int) -> int:
    """Seconds after which a sweeper resets a row left in progress: strictly above its task's time limit.

    At or below it the sweeper could reset a row a worker is still running, and the work would run twice.
    """
    value = env_int(name, default, minimum=1)
    if value <= limit:
        raise ImproperlyConfigured(f"{name}={value} must be above {limit_name}={limit} (seconds): below it the "
                                   "sweeper could reset work a worker is still running.")
    return value


# Sweepers (requeue_stuck_captures, requeue_stuck_playlists, requeue_stuck_imports) reset rows left
# in progress by a worker that died, and send rows still queued again, after these many seconds.
CAPTURE_STUCK_AFTER_SECONDS = _stuck_after("CAPTURE_STUCK_AFTER_SECONDS", 300, limit_name="CELERY_TASK_TIME_LIMIT",
                                           limit=CELERY_TASK_TIME_LIMIT)
PLAYLIST_STUCK_AFTER_SECONDS = _stuck_after("PLAYLIST_STUCK_AFTER_SECONDS", 300,
                                            limit_name="CELERY_TASK_TIME_LIMIT", limit=CELERY_TASK_TIME_LIMIT)
IMPORT_STUCK_AFTER_SECONDS = _stuck_after("IMPORT_STUCK_AFTER_SECONDS", 3600, limit_name="IMPORT_TASK_TIME_LIMIT",
                                          limit=IMPORT_TASK_TIME_LIMIT)
# A row the sweeper has already sent this many times (its worker died or timed out each time)
# is ended as failed instead: a build that always kills its worker must not loop forever.
STUCK_MAX_ATTEMPTS = env_int("STUCK_MAX_ATTEMPTS", 3, minimum=1)
# On Redis a message a dead worker took is redelivered after visibility_timeout seconds
# (https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout):
# it must stay above the longest task, countdown and retry delay (retry_backoff_max 300 s).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "socket_connect_timeout": 2,
                                   "socket_timeout": 5}
# One queue per kind of work, so a backlog of one (YouTube look-ups waiting out a rate
# limit) never delays another (a user waiting for an analysis). Workers consume every
# queue unless started with -Q (README, "Queues").
CELERY_TASK_DEFAULT_QUEUE = "celery"
TASK_QUEUES = ("analysis", "recommendations", "videos", CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_ROUTES = {
    "moods.tasks.capture_analyse_task": {"queue": "analysis"},
    "music.tasks.playlist_build_task": {"queue": "recommendations"},
    "music.tasks.track_videos_resolve_task": {"queue": "videos"},
    "music.tasks.videos_refresh_task": {"queue": "videos"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A web request must not hang on a dead broker: two quick tries, then the caller decides.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "cloudscendo.tasks.worker_heartbeat_task", "schedule": 30.0},
}


# --- Security -------------------------------------------------------------------

_HTTPS = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Page scripts send the token from the form's {% csrf_token %} input, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# YouTube embeds refuse to play without a Referer (error 153); this keeps the
# origin and drops the path for cross-origin requests.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"


def _bucket_hosts() -> tuple[str, ...]:
    """The bucket's origin when photos are on S3: presigned links are shown from it and photos posted to it."""
    if STORAGE_BACKEND != "s3":
        return ()
    from cloudscendo.aws import bucket_origin

    options = STORAGES["default"]["OPTIONS"]
    return (bucket_origin(bucket=options["bucket_name"], region=options["region_name"],
                          endpoint_url=options["endpoint_url"], addressing_style=AWS_S3_ADDRESSING_STYLE),)


_BUCKET_HOSTS = _bucket_hosts()
CONTENT_SECURITY_POLICY = content_security_policy(image_hosts=_BUCKET_HOSTS, upload_hosts=_BUCKET_HOSTS)

# Log-in throttling, per account and per client address (accounts.services).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# A visitor's trial: how long it lasts (its session, then `guests_sweep` deletes it and all of its)
# and how many trials one address may start in an hour (each one is a row until it ends).
GUEST_TRIAL_SECONDS = env_int("GUEST_TRIAL_SECONDS", 7200, minimum=60)
GUEST_STARTS_PER_HOUR = env_int("GUEST_STARTS_PER_HOUR", 10, minimum=1)
# The other doors, counted per hour (cloudscendo.throttle): password-reset mails per client address and
# per e-mail address asked for, and accounts created per client address (web sign-up and API register).
PASSWORD_RESETS_PER_IP_PER_HOUR = env_int("PASSWORD_RESETS_PER_IP_PER_HOUR", 10, minimum=1)
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env_int("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 3, minimum=1)
SIGNUPS_PER_IP_PER_HOUR = env_int("SIGNUPS_PER_IP_PER_HOUR", 5, minimum=1)
# API tokens (accounts.ApiToken) stop working this many seconds after they were issued: 30 days by default.
API_TOKEN_TTL = env_int("API_TOKEN_TTL", 30 * 24 * 3600, minimum=60)


# --- Cache: per process by default; Redis shared by every process in production ---

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must start with redis:// or rediss://.")
# Redis, failing over to the database table below while Redis is unreachable (cloudscendo.cache):
# the throttle counters keep counting, and log-in keeps working, through a Redis outage.
CACHES = {"default": {"BACKEND": "cloudscendo.cache.FailoverRedisCache", "LOCATION": CACHE_URL,
                      "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}} if CACHE_URL
          else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          # Created by cloudscendo's migration 0002 (and by the test runner for test databases). The
          # cull only drops expired rows under MAX_ENTRIES: at Django's 300, anyone making many counters
          # (log-ins with random names) would have culled other people's lock-outs.
          "fallback": {"BACKEND": "cloudscendo.cache.CounterDatabaseCache", "LOCATION": "cloudscendo_cache",
                       "OPTIONS": {"MAX_ENTRIES": 1_000_000}}}


# --- E-mail, REST, logging -----------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cloudscendo <noreply@localhost>")

REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with WWW-Authenticate, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cloudscendo.api_errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "cloudscendo.api_errors.StrictPageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cloudscendo API",
    "DESCRIPTION": "Emotion-aware music recommendations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Production logs one JSON object a line (request and task ids included); text reads better locally.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), "text" if DEBUG else "json")
LOGGING = logging_config(log_format=LOG_FORMAT,
                         level=env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"))


# --- Operations: probes, error reporting, tracing, queue metrics (issue 16) ----------------


def _health_token() -> str | None:
    token = env_str("HEALTH_TOKEN")
    if token is not None and len(token) < 16:
        raise ImproperlyConfigured("HEALTH_TOKEN must be at least 16 characters (it unlocks /readyz's details).")
    return token


HEALTH_TOKEN = _health_token()


def _endpoint(name: str) -> str | None:
    value = env_str(name)
    if value is not None and not value.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL.")
    return value


# Error reporting and tracing, both off unless set (cloudscendo/observability.py); the SDKs are
# imported only when their variable is set.
SENTRY_DSN = _endpoint("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0, minimum=0.0, maximum=1.0)
OTEL_EXPORTER_OTLP_ENDPOINT = _endpoint("OTEL_EXPORTER_OTLP_ENDPOINT")

# Each queue's length and oldest message's age, every minute (CloudWatch's standard resolution):
# what the worker autoscaling of infra/ reads (namespace Cloudscendo, QueueLength and OldestMessageAge
# by Queue). "none" keeps them in this process's debug log.
METRICS_BACKEND = env_choice("METRICS_BACKEND", ("none", "cloudwatch"), "none")
if METRICS_BACKEND == "cloudwatch":
    _aws_region("when METRICS_BACKEND=cloudwatch")
# Read from the Redis broker only (cloudscendo.selectors.queues_backlog): on RabbitMQ the task would fail
# every minute, and RabbitMQ publishes its own queue metrics. Expires before the next run: a backlog of the
# celery queue must not pile up stale gauges.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BEAT_SCHEDULE["queue-metrics"] = {"task": "cloudscendo.tasks.queue_metrics_publish_task",
                                             "schedule": 60.0, "options": {"expires": 55}}


# --- Moods: capture analysis retries and the stuck-capture sweeper --------------

# Transient backend errors retry after 5, 10, 20... s (random jitter below that), capped at 300 s,
# which stays under the broker's visibility_timeout above.
# The longest a status request waits for its capture to end (?wait=, a long poll): under gunicorn's
# timeout (gunicorn.conf.py, 30 s) and the 60 s idle timeout of nginx and AWS load balancers.
CAPTURE_STATUS_MAX_WAIT = env_int("CAPTURE_STATUS_MAX_WAIT", 25, minimum=0)
CAPTURE_RETRY_BACKOFF_SECONDS = env_int("CAPTURE_RETRY_BACKOFF_SECONDS", 5, minimum=1)
CAPTURE_MAX_RETRIES = env_int("CAPTURE_MAX_RETRIES", 6, minimum=0)
CELERY_BEAT_SCHEDULE["accounts-guests-sweep"] = {"task": "accounts.tasks.guests_sweep_task", "schedule": 600.0}
CELERY_BEAT_SCHEDULE["moods-requeue-stuck-captures"] = {
    "task": "moods.tasks.captures_requeue_stuck_task", "schedule": 60.0,
}
# Captures whose photo never reached the bucket (S3 direct uploads) end as failed and their object goes.
CELERY_BEAT_SCHEDULE["moods-sweep-abandoned-uploads"] = {
    "task": "moods.tasks.captures_uploads_sweep_task", "schedule": 300.0,
}

# --- Music (music app) ------------------------------------------------------------

YOUTUBE_TIMEOUT_SECONDS = env_float("YOUTUBE_TIMEOUT_SECONDS", 10.0, minimum=1, maximum=60)
# The app's own daily budget, counted per Pacific-time day, so it stops before Google refuses:
# 100 search.list calls and 10,000 units are the defaults at
# https://developers.google.com/youtube/v3/determine_quota_cost (raise both after a quota extension).
YOUTUBE_SEARCH_DAILY_LIMIT = env_int("YOUTUBE_SEARCH_DAILY_LIMIT", 100)
YOUTUBE_DAILY_UNITS = env_int("YOUTUBE_DAILY_UNITS", 10_000)
# Video searches a second, across every worker (a token bucket in Redis, cloudscendo/ratelimit.py).
YOUTUBE_SEARCH_RATE = env_float("YOUTUBE_SEARCH_RATE", 2.0, minimum=0.1, maximum=100)
# YouTube API data must be refreshed within 30 days (Developer Policies III.E.4): re-check daily.
CELERY_BEAT_SCHEDULE["music-requeue-stuck-playlists"] = {
    "task": "music.tasks.playlists_requeue_stuck_task", "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["music-requeue-stuck-imports"] = {"task": "music.tasks.imports_requeue_stuck_task",
                                                       "schedule": 300.0}
# Look-ups whose send was lost while the broker was down (music.services.videos.videos_requeue_lost).
CELERY_BEAT_SCHEDULE["music-requeue-lost-video-lookups"] = {"task": "music.tasks.videos_requeue_lost_task",
                                                            "schedule": 900.0}
CELERY_BEAT_SCHEDULE["music-videos-refresh"] = {"task": "music.tasks.videos_refresh_task", "schedule": 24 * 3600.0}

# --- History dashboard and REST API (issue 5) ---------------------------------------


def _rate(name: str, default: str) -> str:
    """A DRF throttle rate such as "30/min": a number, a slash, then s, min, h or day (DRF reads the first letter)."""
    value = env_str(name, default)
    number, _, period = value.partition("/")
    if not (number.isdigit() and int(number) > 0 and period[:1] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate; use e.g. 30/min, 500/hour or 10/s.")
    return value



CAPTURE_RATE = _rate("CAPTURE_RATE", "30/min")  # API captures per user
API_AUTH_RATE = _rate("API_AUTH_RATE", "10/min")  # API register and token requests per client address
# Lifetime of the signed photo links the API hands out when photos are local files
# (the same variable sets the lifetime of presigned S3 links).
PHOTO_URL_EXPIRE_SECONDS = env_int("AWS_S3_URL_EXPIRE", 300, minimum=1)
SPECTACULAR_SETTINGS |= {
    "COMPONENT_SPLIT_REQUEST": True,  # multipart uploads and read-only fields get their own request schemas
    "ENUM_NAME_OVERRIDES": {"EmotionEnum": "moods.models.Emotion",
                            "FeedbackEnum": "music.models.Recommendation.Feedback"},
}
# Chart.js comes from npm at set-up (`npm ci` in `make setup`); without it the
# dashboard shows its data tables only.
CHARTJS_DIR = NODE_MODULES_DIR / "chart.js" / "dist"
CHARTJS_AVAILABLE = CHARTJS_DIR.is_dir()
if CHARTJS_AVAILABLE:
    STATICFILES_DIRS.append(("vendor/chart.js", CHARTJS_DIR))
# face-api for readings made in the browser (static/js/device_reading.js): its
# bundle (tfjs inside) and model files from the same npm package the local
# backend reads, run on tfjs's WebAssembly backend, whose binaries come from
# @tensorflow/tfjs-backend-wasm (the version face-api bundles, pinned alike).
# Without them the capture page offers no on-device reading.
FACEAPI_PACKAGE_DIR = NODE_MODULES_DIR / "@vladmandic" / "face-api"
TFJS_WASM_DIR = NODE_MODULES_DIR / "@tensorflow" / "tfjs-backend-wasm" / "dist"
# Only the binaries: the threaded one needs cross-origin isolation, which the site does not set.
NPM_STATIC_FILES = {f"vendor/tfjs-wasm/{name}": TFJS_WASM_DIR / name
                    for name in ("tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm")}
STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder",
                       "django.contrib.staticfiles.finders.AppDirectoriesFinder",
                       "cloudscendo.npm_static.NpmFilesFinder"]
FACEAPI_BROWSER_AVAILABLE = (FACEAPI_PACKAGE_DIR / "dist" / "face-api.js").is_file() \
    and (FACEAPI_PACKAGE_DIR / "model").is_dir() and all(path.is_file() for path in NPM_STATIC_FILES.values())
if FACEAPI_BROWSER_AVAILABLE:
    STATICFILES_DIRS += [("vendor/face-api", FACEAPI_PACKAGE_DIR / "dist"),
                         ("vendor/face-api-model", FACEAPI_PACKAGE_DIR / "model")]
