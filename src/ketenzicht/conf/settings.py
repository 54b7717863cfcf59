"""Settings for Ketenzicht, read from the environment.

Every setting lives here and is read from a ``KETENZICHT_*`` environment variable with a safe
default (the Signalen pattern: one env-driven module, nothing production-only). The README's
configuration reference lists them all.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import dj_database_url

from .private_files import prepare_sqlite_file, prepare_var_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"KETENZICHT_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(env("VAR_DIR", str(PROJECT_DIR / "var")))
# 0700, its files 0600, and a umask that keeps it so for whatever is written later.
prepare_var_dir(VAR_DIR)


def env_secret(name: str) -> str:
    """A secret from ``KETENZICHT_<NAME>`` or from the file ``KETENZICHT_<NAME>_FILE`` names,
    e.g. a systemd credential (``LoadCredential=`` puts it under $CREDENTIALS_DIRECTORY, out
    of the environment and readable by that service only)."""
    path = env(f"{name}_FILE")
    return Path(path).read_text().strip() if path else env(name)


def _secret_from_file(name: str) -> str:
    """Read a generated secret from ``var/``, creating it (mode 0600) on first use.

    Secrets never live in the repository; a fresh installation makes its own.
    """
    path = VAR_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env_secret("SECRET_KEY") or _secret_from_file("secret-key")
# Key for the HMAC over audit object references; separate from SECRET_KEY so rotating one
# does not invalidate the other.
AUDIT_HMAC_KEY = env_secret("AUDIT_HMAC_KEY") or _secret_from_file("audit-key")
# Rotation: the new key in AUDIT_HMAC_KEY, the old one(s) here (comma-separated), so that
# events stored under them are still found by object (audit.chain.object_refs).
AUDIT_HMAC_KEY_FALLBACKS = [k for k in env("AUDIT_HMAC_KEY_FALLBACKS").split(",") if k]
# Signed checkpoints of the audit chain (audit.checkpoints, ADR 0016): the Ed25519 key that
# signs them (created on first use), where they are written, and the log's name in them.
# Ship the checkpoint directory off the machine; give auditors `ketenzicht audit
# verifier-key`.
AUDIT_SIGNING_KEY_FILE = Path(env("AUDIT_SIGNING_KEY_FILE", str(VAR_DIR / "audit-signing-key.pem")))
AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
AUDIT_LOG_ORIGIN = env("AUDIT_LOG_ORIGIN", "ketenzicht.local/audit")
# Key of the hit/no-hit index pseudonyms (persons.pseudonyms, ADR 0007). Changing it means
# re-indexing: `ketenzicht reindex`. The id names the key in every index entry.
INDEX_HMAC_KEY = env_secret("INDEX_HMAC_KEY") or _secret_from_file("index-key")
INDEX_KEY_ID = env("INDEX_KEY_ID") or "k1"


def _field_keys_from_file() -> str:
    """The field encryption key ring from ``var/field-keys`` (0600), made on first use."""
    path = VAR_DIR / "field-keys"
    if not path.exists():
        # Settings load before the apps; the project is imported only to make a first key.
        from ketenzicht.common.crypto import new_key_text  # noqa: PLC0415

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_text("k1"))
    return path.read_text().strip()


# Encryption of narratives and identity fields at rest (common.crypto, ADR 0021): a key ring
# "id:base64,id:base64", the first seals, all open. Rotate: put a new key first, run
# `ketenzicht rotate_field_key`, then drop the old one. Blind indexes for lookups use their
# own key; changing it means `ketenzicht rotate_field_key --blind-indexes`.
FIELD_ENCRYPTION_KEYS = env_secret("FIELD_KEYS") or _field_keys_from_file()
BLIND_INDEX_KEY = env_secret("BLIND_INDEX_KEY") or _secret_from_file("blind-index-key")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "qsessions",  # Django's sessions with their user, address and browser (ASVS 7.5.2)
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "ketenzicht.common",
    "ketenzicht.geo",
    "ketenzicht.accounts",
    "ketenzicht.taxonomy",
    "ketenzicht.persons",
    "ketenzicht.signals",
    "ketenzicht.sharing",
    "ketenzicht.followup",
    "ketenzicht.notifications",
    "ketenzicht.monitor",
    "ketenzicht.audit",
    "ketenzicht.api",
    "ketenzicht.privacy",
]
# The synthetic demo world (`ketenzicht demo`, its well-known accounts) exists only where it
# is asked for: scripts/run, the benchmarks and the tests (ASVS 6.3.2, 15.2.3).
DEMO = env_bool("DEMO")
if DEMO:
    INSTALLED_APPS.append("ketenzicht.demo")

MIDDLEWARE = [
    "ketenzicht.common.middleware.ClientAddressMiddleware",
    "ketenzicht.common.middleware.RefuseTraceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ketenzicht.api.middleware.ApiOverHttpsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qsessions.middleware.SessionMiddleware",
    "ketenzicht.common.middleware.LanguageMiddleware",
    # Before anything reads a body (the CSRF check reads forms), after the language is known.
    "ketenzicht.common.uploads.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ketenzicht.accounts.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ketenzicht.common.middleware.SecurityHeadersMiddleware",
    "ketenzicht.api.middleware.ApiVersionMiddleware",
    "ketenzicht.accounts.sessions.SessionTimeoutMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ketenzicht.conf.urls"
WSGI_APPLICATION = "ketenzicht.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketenzicht.conf.context_processors.actor",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ketenzicht.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        prepare_sqlite_file(Path(DATABASES["default"]["NAME"]))
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers never deadlock on a lock upgrade; FULL sync survives power loss (security.md §4).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username before checking
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after failed logins (ASVS 6.3.1, django-axes): per username, not per address, so
# that one office behind one proxy address cannot be locked out by one person's typos; a
# success resets the count. Every failure and every lockout is in the audit trail.
AXES_FAILURE_LIMIT = int(env("LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too; an address is shared by a whole office here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ketenzicht.accounts.views.locked_out_view"
AXES_VERBOSE = False
# Idle and absolute session timeouts (accounts.sessions, ADR 0017).
SESSION_IDLE_SECONDS = 60 * int(env("SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_SECONDS = 60 * 60 * int(env("SESSION_MAX_HOURS", "8"))
# A second factor after the password (accounts.mfa, ADR 0018). Off only for the local demo.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
OTP_TOTP_ISSUER = env("MFA_ISSUER", "Ketenzicht")
OTP_WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "Ketenzicht"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The addresses users reach Ketenzicht on (scheme, host, port); a key signs for one of them.
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    o.strip() for o in env("WEBAUTHN_ORIGINS", "http://localhost:8000").split(",") if o.strip()
]
# Single sign-on with the organisation's identity provider (accounts.oidc, ADR 0019): on
# when a client id is set. Endpoints are given, not discovered, so that start-up never waits
# on the provider. The provider sends the organisation's code and role names in claims.
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET") or (
    Path(env("OIDC_CLIENT_SECRET_FILE")).read_text().strip()
    if env("OIDC_CLIENT_SECRET_FILE")
    else ""
)
OIDC_OP_ISSUER = env("OIDC_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_LOGOUT_ENDPOINT")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's log-out (id_token_hint)
OIDC_TIMEOUT = 10
OIDC_LABEL = env("OIDC_LABEL", "")
OIDC_ORGANISATION_CLAIM = env("OIDC_ORGANISATION_CLAIM", "organisation")
OIDC_ROLES_CLAIM = env("OIDC_ROLES_CLAIM", "roles")
# "provider-name=role,..."; empty means the provider uses our role codes.
OIDC_ROLE_MAP = dict(
    pair.strip().split("=", 1) for pair in env("OIDC_ROLE_MAP").split(",") if "=" in pair
)
# acr values that promise a second factor (besides amr methods such as otp or hwk).
OIDC_MFA_ACR_VALUES = [v for v in env("OIDC_MFA_ACR", "").split(",") if v]
LOGIN_REDIRECT_URL_FAILURE = "/inloggen?sso=mislukt"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("ketenzicht.accounts.oidc.OrganisationIdentityBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "ketenzicht.accounts.passwords.ContextWordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One way to write a date, in both languages and in PDFs (conf/formats).
FORMAT_MODULE_PATH = ["ketenzicht.conf.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Stored files (uploads, collectstatic) private as the rest of var/ (conf.private_files).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # __Host-: sent only over HTTPS, only to this host, for every path (ASVS 3.3.1).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "ketenzicht.common.csrf.csrf_failure"
# Peers whose X-Forwarded-For is believed (common.middleware.ClientAddressMiddleware): the
# TLS proxy. Default: the proxy on this host when served behind TLS, nobody otherwise.
TRUSTED_PROXIES = [
    p.strip()
    for p in env("TRUSTED_PROXIES", "127.0.0.1,::1" if env_bool("HTTPS") else "").split(",")
    if p.strip()
]
if env_bool("HTTPS"):
    # Behind a TLS-terminating proxy on 127.0.0.1 that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Browsers are redirected; API clients are refused (api.middleware.ApiOverHttps), so a
    # client configured with http:// fails at once instead of sending its token in the clear
    # before every request (ASVS 4.1.2).
    SECURE_REDIRECT_EXEMPT = [r"^api/"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Uploads: imports are parsed from memory up to this size; larger files are refused with 413.
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES
# The size guard first (it only counts), then Django's own handlers.
FILE_UPLOAD_HANDLERS = [
    "ketenzicht.common.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A worker holds a lease on each import and periodic job it runs and renews it every third
# of this; when a worker dies, another takes the work over once the lease has run out. An
# import interrupted that often is given up and its file removed (ADR 0024).
WORKER_LEASE_SECONDS = float(env("WORKER_LEASE_SECONDS", "60"))
IMPORT_MAX_ATTEMPTS = int(env("IMPORT_MAX_ATTEMPTS", "3"))
# The worker signs a checkpoint of the audit chain whenever it grows past a multiple of this
# many events, besides every 5 minutes and when it stops (ADR 0016, 0024).
AUDIT_CHECKPOINT_EVENTS = int(env("AUDIT_CHECKPOINT_EVENTS", "1000"))

# Webhook destinations (notifications.destinations): partner host names (a name allows its
# subdomains; empty: any public https host), and plain http to this machine for testing.
WEBHOOK_HOSTS = [h.strip().lower() for h in env("WEBHOOK_HOSTS").split(",") if h.strip()]
WEBHOOK_LOOPBACK_HTTP = env_bool("WEBHOOK_LOOPBACK_HTTP", not env_bool("HTTPS"))
# Resolves webhook host names; every address must be public, checked at each delivery.
WEBHOOK_RESOLVER = "ketenzicht.notifications.destinations.system_resolver"
# The language choice is no secret, but it travels like the other cookies.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Messages can name what was done to a case: keep them in the session, not in a cookie.
SESSION_ENGINE = "qsessions.backends.db"
# Sessions one account may have at once (several desks, a phone for the second factor); the
# oldest ends when a new log-in goes past it (accounts.sessions, ASVS 7.1.2).
SESSION_MAX_CONCURRENT = int(env("SESSION_MAX_CONCURRENT", "3"))
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Requests per user (common.ratelimit): every API call; searches for people (person lists
# by name or V-number, hit look-ups by token); the signal list's filters; downloads.
RATE_LIMITS = {
    "api": env("RATE_API", "600/minute"),
    "search": env("RATE_SEARCH", "120/minute"),
    "export": env("RATE_EXPORT", "60/hour"),
}

# Retention periods in days per category (privacy.retention; the worker purges daily). What
# each category holds and what happens at the end is in docs/operations.md ("Retention").
RETENTION_DAYS = {
    "soft_signals": int(env("RETENTION_SOFT_SIGNALS_DAYS", "730")),
    "closed_referrals": int(env("RETENTION_CLOSED_REFERRALS_DAYS", "1825")),
    "hit_notices": int(env("RETENTION_HIT_NOTICES_DAYS", "365")),
    "idempotency_keys": int(env("RETENTION_IDEMPOTENCY_KEYS_DAYS", "1")),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ketenzicht.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with a nesting limit: a deeply nested body is a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": ["ketenzicht.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ketenzicht.api.problems.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["ketenzicht.common.ratelimit.ApiThrottle"],
    "UNAUTHENTICATED_USER": None,
    # The client address is settled by ClientAddressMiddleware; never read the header here.
    "NUM_PROXIES": 0,
}
API_VERSION = "1.0.0"
# Lifetime of API tokens (`ketenzicht token create --days N` for another).
API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "365"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Ketenzicht API",
    "DESCRIPTION": (
        "Register and read signals of human trafficking across the Dutch immigration chain. "
        "Every read of personal data is audited; send a purpose in `X-Audit-Toelichting`."
    ),
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": "Ketenzicht",
        "url": env("CONTACT_URL", "https://github.com/ketenzicht/ketenzicht"),
        "email": env("CONTACT_EMAIL", "beheer@ketenzicht.example"),
    },
    "TAGS": [
        {"name": "signals", "description": "Signals of possible human trafficking"},
        {"name": "persons", "description": "Person records held by your organisation"},
        {"name": "hits", "description": "Hit/no-hit notices: who else is involved with a person"},
        {"name": "attention", "description": "Attention list of a reception location"},
        {"name": "referrals", "description": "Follow-up: referrals to competent bodies"},
        {"name": "subscriptions", "description": "Webhook subscriptions of partner systems"},
        {
            "name": "tokens",
            "description": "Hit/no-hit on keyed tokens, for partners without plaintext identities",
        },
        {"name": "monitor", "description": "The monitor's published, protected tables per area"},
        {"name": "openapi", "description": "This API description"},
    ],
    "LICENSE": {"name": "EUPL-1.2"},
    "SERVERS": [{"url": "/api/v1", "description": "This installation"}],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": True,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SignalKindEnum": "ketenzicht.signals.models.Kind",
        "AttentionReasonKindEnum": [("signal", "signal"), ("hit", "hit")],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ketenzicht.api.schema.add_nl_api_conventions",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # UTC timestamps, and line breaks in messages escaped so that no input can forge a log
    # line (ASVS 16.2.2, 16.4.1; common.logs).
    "formatters": {"line": {"()": "ketenzicht.common.logs.OneLineUtcFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Demo world: the password of every demo account. Generated per installation when unset.
DEMO_PASSWORD = env("DEMO_PASSWORD")

# -- notifications ---------------------------------------------------------------------
# Links in e-mails and the CloudEvents source. E-mail goes to the console unless SMTP is
# configured (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, EMAIL_HOST, ...).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ketenzicht@ketenzicht.example")
# Webhooks: attempts in all, and the first retry delay (doubling after each failure).
WEBHOOK_MAX_ATTEMPTS = int(env("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_BACKOFF_SECONDS = float(env("WEBHOOK_BACKOFF_SECONDS", "30"))
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Follow-up deadlines in working days, for receiving organisations without their own.
REFERRAL_ACKNOWLEDGE_DAYS = int(env("REFERRAL_ACKNOWLEDGE_DAYS", "2"))
REFERRAL_OUTCOME_DAYS = int(env("REFERRAL_OUTCOME_DAYS", "20"))
# How long a receiving body keeps access to a referral's signals after closing it, in
# calendar days: time to read the feedback thread again, not to keep working on it (ADR 0022).
REFERRAL_ACCESS_AFTER_CLOSE_DAYS = int(env("REFERRAL_ACCESS_AFTER_CLOSE_DAYS", "30"))
