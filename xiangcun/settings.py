"""The one settings file: every deployment choice is read from XIANGCUN_* environment variables.

Defaults serve one county on one machine: SQLite in var/, Huey on SQLite, local files. The variables
for production are listed in docs/deployment.md; `manage.py check --deploy` passes with them.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XIANGCUN_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def key_file(name: str, make: callable) -> str:
    """Read a generated secret from var/keys/, creating it (mode 0600) on first run."""
    path = VAR_DIR / "keys" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = env_str("XIANGCUN_SECRET_KEY") or key_file("secret_key", lambda: secrets.token_urlsafe(64))
# Fernet key for personal data (ID numbers, phones, health). Several keys, newest first, rotate keys.
FIELD_ENCRYPTION_KEYS = (env_list("XIANGCUN_FIELD_ENCRYPTION_KEYS", [])
                         or [key_file("field_encryption_key", _fernet_key)])
# HMAC key of the lookup columns (exact search on encrypted values); kept apart so rotating the
# encryption keys never changes a stored hash.
FIELD_LOOKUP_KEY = env_str("XIANGCUN_FIELD_LOOKUP_KEY") or key_file("field_lookup_key", lambda: secrets.token_hex(32))
DEBUG = env_bool("XIANGCUN_DEBUG")
ALLOWED_HOSTS = env_list("XIANGCUN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("XIANGCUN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "huey.contrib.djhuey",
    "xiangcun.core",
    "xiangcun.regions",
    "xiangcun.accounts",
    "xiangcun.households",
    "xiangcun.livelihoods",
    "xiangcun.monitoring",
    "xiangcun.incidents",
    "xiangcun.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xiangcun.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xiangcun.accounts.middleware.SessionLifetimeMiddleware",
    "xiangcun.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiangcun.urls"
WSGI_APPLICATION = "xiangcun.wsgi.application"
ASGI_APPLICATION = "xiangcun.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xiangcun" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xiangcun.core.context_processors.platform",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("XIANGCUN_DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "xiangcun.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
                # instead of failing with "database is locked" halfway through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
            "TEST": {"NAME": env_str("XIANGCUN_TEST_SQLITE") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and login security (docs/security.md) --------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords as ModelBackend checks them; permissions and their reach from role assignments, in one query.
    "xiangcun.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
XIANGCUN_PASSWORD_MIN_LENGTH = env_int("XIANGCUN_PASSWORD_MIN_LENGTH", 8)
# 等保 assessments usually ask for three character classes and a periodic change; both are settings.
XIANGCUN_PASSWORD_COMPLEXITY = env_bool("XIANGCUN_PASSWORD_COMPLEXITY", False)
XIANGCUN_PASSWORD_MAX_AGE_DAYS = env_int("XIANGCUN_PASSWORD_MAX_AGE_DAYS", 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": XIANGCUN_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xiangcun.accounts.validators.ComplexityValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
XIANGCUN_SESSION_IDLE_MINUTES = env_int("XIANGCUN_SESSION_IDLE_MINUTES", 30)
XIANGCUN_SESSION_MAX_HOURS = env_int("XIANGCUN_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = XIANGCUN_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("XIANGCUN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("XIANGCUN_LOGIN_LOCKOUT_MINUTES", 15))
# Township offices share one public IP: lock the account name, never the address.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that username-only lockout lets an attacker try many names from one address; the token
# endpoint is throttled per address (accounts.views.LoginThrottle), and locking an IP would lock out a
# whole township office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "xiangcun.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

AUDITLOG_INCLUDE_ALL_MODELS = False
# Audit rows younger than this cannot be deleted, by the purge task or by the database itself.
XIANGCUN_AUDIT_RETENTION_DAYS = max(180, env_int("XIANGCUN_AUDIT_RETENTION_DAYS", 365))

# --- HTTPS and headers (on behind TLS; docs/deployment.md) ---------------------------------------
XIANGCUN_HTTPS = env_bool("XIANGCUN_HTTPS", False)
SECURE_SSL_REDIRECT = XIANGCUN_HTTPS
SESSION_COOKIE_SECURE = XIANGCUN_HTTPS
CSRF_COOKIE_SECURE = XIANGCUN_HTTPS
SECURE_HSTS_SECONDS = env_int("XIANGCUN_HSTS_SECONDS", 31536000 if XIANGCUN_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = XIANGCUN_HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
XIANGCUN_BEHIND_PROXY = env_bool("XIANGCUN_BEHIND_PROXY", False)
if XIANGCUN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- languages -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xiangcun" / "locale"]
TIME_ZONE = env_str("XIANGCUN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and media files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "xiangcun" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- cache and background work ------------------------------------------------------------------------
REDIS_URL = env_str("XIANGCUN_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "xiangcun", "url": REDIS_URL, "immediate": False}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "xiangcun",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("XIANGCUN_TASKS_IMMEDIATE", False),
    }

# Excel imports up to this many rows run during the upload request; longer ones go to the Huey worker.
IMPORT_SYNC_ROWS = env_int("XIANGCUN_IMPORT_SYNC_ROWS", 1000)

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xiangcun.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["xiangcun.core.drf.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "xiangcun.core.drf.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xiangcun.core.api.exception_handler",
    # Behind one reverse proxy, the client is the address the proxy appended, not one the client sent.
    "NUM_PROXIES": 1 if XIANGCUN_BEHIND_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xiangcun API",
    "DESCRIPTION": "乡村振兴数字服务平台 REST API. Every list and detail is limited to the caller's regions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- logging: personal data never reaches the log ---------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "xiangcun.core.masking.PersonalDataLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal"]}},
    "root": {"handlers": ["console"], "level": env_str("XIANGCUN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

XIANGCUN_SITE_NAME = env_str("XIANGCUN_SITE_NAME", "") or _("Rural Revitalization Digital Service Platform")

# Incidents (网格事件): photos and notifications.
PHOTO_MAX_BYTES = env_int("XIANGCUN_PHOTO_MAX_MB", 10) * 1024 * 1024
# Tracking codes look like ZQ-20261122-0007; the prefix is the county's (舟曲 → ZQ).
INCIDENT_CODE_PREFIX = env_str("XIANGCUN_INCIDENT_PREFIX", "ZQ")
# Outside channels for notifications (in-app rows are always written); adapters in core/channels.py.
NOTIFY_CHANNELS = env_list("XIANGCUN_NOTIFY_CHANNELS", [
    "xiangcun.core.channels.EmailChannel",
    "xiangcun.core.channels.LoggingSMSChannel",
    "xiangcun.core.channels.LoggingWeChatChannel",
])
SITE_URL = env_str("XIANGCUN_SITE_URL", "")
EMAIL_BACKEND = env_str("XIANGCUN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("XIANGCUN_EMAIL_FROM", "xiangcun@localhost")

# 乡村一张图: an optional raster basemap (XYZ or WMTS KVP template with {z}/{x}/{y}, e.g. 天地图 with the county's
# key); empty = none, the map works offline and the page requests nothing from outside (docs/map.md).
XIANGCUN_MAP_BASEMAP_URL = env_str("XIANGCUN_MAP_BASEMAP_URL", "")
XIANGCUN_MAP_BASEMAP_ATTRIBUTION = env_str("XIANGCUN_MAP_BASEMAP_ATTRIBUTION", "")
