"""Vitrine's settings, read from the environment.

With no environment at all Vitrine runs embedded: SQLite in WAL mode, the django-q2 ORM
broker, e-mail on the console, DEBUG on. Production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), REDIS_URL and the EMAIL_* variables; see README.md.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    env_bool,
    env_fernet_key,
    env_float,
    env_int,
    env_list,
    env_str,
    env_time_zone,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_INSECURE_KEY = "django-insecure-vitrine-embedded-development-key-change-me-in-production"
SECRET_KEY = env_str("SECRET_KEY", _INSECURE_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
# Key for channel credentials at rest (Fernet); derived from SECRET_KEY when unset.
CREDENTIALS_KEY = env_fernet_key("CREDENTIALS_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "axes",
    "csp",
    "django_htmx",
    "calendar_app",
    "publishing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: a partial update asked by htmx gets only the part of the page it replaces.
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a log-in refused for too many failures into the log-in page saying so (django-axes).
    "axes.middleware.AxesMiddleware",
    "calendar_app.middleware.MunicipalityTimeZoneMiddleware",
    "calendar_app.middleware.RefusalMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "calendar_app:home"
LOGOUT_REDIRECT_URL = "login"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "calendar_app.context_processors.vitrine",
            ],
        },
    },
]

DATABASES = {"default": database_from_url("DATABASE_URL", "sqlite:///db.sqlite3", base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

AUTH_USER_MODEL = "calendar_app.Person"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French (Canada) first, English available. Messages are written in English in the code and
# translated in calendar_app/locale and publishing/locale.
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("French")), ("en", _("English"))]
LOCALE_PATHS = [
    BASE_DIR / "calendar_app" / "locale",
    BASE_DIR / "publishing" / "locale",
    BASE_DIR / "kernel" / "locale",
]
# The default for a fresh install; the municipality's own time zone (its settings row) is
# activated for each request by MunicipalityTimeZoneMiddleware.
TIME_ZONE = env_time_zone("TIME_ZONE", "America/Toronto")
USE_I18N = True
# Québec's way of writing dates and times (config/formats/fr_CA), over Django's.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Uploads are bounded: Django refuses request bodies above these sizes.
MEDIA_MAX_UPLOAD_BYTES = env_int("MEDIA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Importing posts from a spreadsheet (calendar_app.services.csv_transfer): the largest file and the most posts
# taken at once, all in one request and one transaction (about 7 ms a draft, 60 ms a post scheduled at once,
# whose Charte is checked: the defaults keep an import within about 12 seconds).
CSV_IMPORT_MAX_BYTES = env_int("CSV_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
CSV_IMPORT_MAX_ROWS = env_int("CSV_IMPORT_MAX_ROWS", 1000, minimum=1)
CSV_IMPORT_MAX_SCHEDULED_ROWS = env_int("CSV_IMPORT_MAX_SCHEDULED_ROWS", 200, minimum=1)
# A contest's rules attached as a PDF document (art. 5.8): the largest file.
CONTEST_RULES_MAX_BYTES = env_int("CONTEST_RULES_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# The composer's recurring posts: at most this many posts are created at once (a year of weekly posts).
RECURRENCE_MAX_OCCURRENCES = env_int("RECURRENCE_MAX_OCCURRENCES", 53, minimum=1)

# The calendar as iCal (calendar_app.services.ical_format, calendar_app.views.ical): a feed without dates
# covers PAST_DAYS before today to FUTURE_DAYS after it; a post lasts EVENT_MINUTES in a calendar
# application; UID_DOMAIN makes each item's UID unique in the world (RFC 5545, 3.8.4.7) and stable.
ICAL = {
    "PAST_DAYS": env_int("ICAL_PAST_DAYS", 90, minimum=0),
    "FUTURE_DAYS": env_int("ICAL_FUTURE_DAYS", 365, minimum=1),
    "EVENT_MINUTES": env_int("ICAL_EVENT_MINUTES", 15, minimum=1),
    "UID_DOMAIN": env_str("ICAL_UID_DOMAIN", "vitrine.ville.montmagny.qc.ca"),
}
# The city's events calendar imported as draft promotion posts (art. 5.5; calendar_app.services.ical_import):
# the events of the next WINDOW_DAYS, each draft proposed PROMOTE_DAYS_BEFORE the event at PROMOTE_AT_HOUR;
# a file or an address answer of at most MAX_BYTES and MAX_EVENTS occurrences; an address read within
# TIMEOUT_SECONDS, never on a private, loopback or link-local address unless its host is in ALLOWED_HOSTS;
# each configured address imported again every EVERY_MINUTES (a django-q2 Schedule).
ICAL_IMPORT = {
    "WINDOW_DAYS": env_int("ICAL_IMPORT_WINDOW_DAYS", 180, minimum=1),
    "PROMOTE_DAYS_BEFORE": env_int("ICAL_IMPORT_PROMOTE_DAYS_BEFORE", 7, minimum=0),
    "PROMOTE_AT_HOUR": env_int("ICAL_IMPORT_PROMOTE_AT_HOUR", 10, minimum=0),
    "MAX_BYTES": env_int("ICAL_IMPORT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024),
    "MAX_EVENTS": env_int("ICAL_IMPORT_MAX_EVENTS", 500, minimum=1),
    "TIMEOUT_SECONDS": env_int("ICAL_IMPORT_TIMEOUT_SECONDS", 10, minimum=1),
    "EVERY_MINUTES": env_int("ICAL_IMPORT_EVERY_MINUTES", 60, minimum=1),
    "ALLOWED_HOSTS": env_list("ICAL_IMPORT_ALLOWED_HOSTS", []),
}

# E-mail: the console in the embedded mode, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    # Where the file-based backend writes each sending (`make run` sends the demo's e-mails there).
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Vitrine <vitrine@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach Vitrine at, for the links in notification e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security: strict in production, relaxed only where the embedded mode serves plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading HSTS binds every subdomain of the city's domain for years: the city opts in
# with SECURE_HSTS_PRELOAD=true; until then the check that asks for it is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): every script and style comes from Vitrine's own static
# files; no inline code, no other origin. The Django admin runs under the same policy: its scripts
# are files too, and its one inline <style> (a column width on change lists without actions) is
# cosmetic, so losing it is better than allowing inline styles on every page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        # FullCalendar injects one <style> element, carrying the nonce of the page's <meta name="csp-nonce">.
        "style-src": [SELF, NONCE],
        # blob: the composer shows an image the person has chosen, from their own disk, before it is sent.
        "img-src": [SELF, "blob:"],
        # FullCalendar's arrow icons are a font inside its own script, as a data: address.
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Log-in throttling (django-axes). Failures are counted per account *and* address: by address
# alone, one person mistyping would lock out the whole city hall behind its shared address; by
# account alone, anyone could lock any colleague out. After LOGIN_FAILURE_LIMIT failures in a row
# that account is refused from that address for LOGIN_COOLOFF_MINUTES (each further attempt starts
# the wait again); a success resets the count; an administrator unlocks earlier by deleting the
# "access attempt" in the admin. Failures and lock-outs also go to Vitrine's audit log.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "calendar_app.login_throttling.AuditedAxesHandler"
AXES_LOCKOUT_CALLABLE = "calendar_app.login_throttling.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "calendar_app.login_throttling.client_address"
# Failures and lock-outs go to the audit log (AuditedAxesHandler); axes' own INFO lines per log-in are noise.
AXES_VERBOSE = False
# How many reverse proxies in front of Vitrine append the client's address to X-Forwarded-For.
# 0 (the default) trusts only the connection's address: behind a proxy every log-in then seems to
# come from the proxy, and the lock-out is per account only. Never set it higher than the real
# number of proxies: the client could then choose the address it is counted under.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# django-q2: our own state machine decides retries (see DESIGN.md, "What we measured").
Q_CLUSTER = {
    "name": env_str("Q_CLUSTER_NAME", "vitrine"),
    # Publishing tasks mostly wait for the networks: more workers than cores (2 here) keep them busy.
    "workers": env_int("Q_WORKERS", 4, minimum=1),
    "timeout": 60,
    "retry": 180,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Django Q",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.2

# The publishing worker (publishing/dispatcher.py, claims.py, task.py, sending.py, outcomes.py, reaper.py).
PUBLISHING = {
    # The dispatcher claims versions at least this far ahead of their due time, a slice of SLICE_SECONDS
    # of due times at once; the task checks them, then waits for each second.
    "LOOKAHEAD_SECONDS": env_float("PUBLISHING_LOOKAHEAD_SECONDS", 1.0),
    "SLICE_SECONDS": env_float("PUBLISHING_SLICE_SECONDS", 1.0),
    # When at least BURST_THRESHOLD versions fall due within BURST_LOOKAHEAD_SECONDS, they are claimed
    # that early, so that their checks are done before their second comes. (A steady 25 a second, 375
    # in 15 s, is no burst: slices serve it, and a worker killed strands less.)
    "BURST_LOOKAHEAD_SECONDS": 15.0,
    "BURST_THRESHOLD": 400,
    # How often the dispatcher looks again when nothing is due (it also sees newly scheduled posts then).
    "POLL_SECONDS": env_float("PUBLISHING_POLL_SECONDS", 0.25),
    # A claim lasts this long unless the process holding it renews it (its heartbeat, every
    # HEARTBEAT_SECONDS); a claim not renewed is the reaper's, which runs every REAP_SECONDS: a killed
    # worker's publications come back within CLAIM_SECONDS + REAP_SECONDS.
    "CLAIM_SECONDS": env_float("PUBLISHING_CLAIM_SECONDS", 8.0),
    "HEARTBEAT_SECONDS": env_float("PUBLISHING_HEARTBEAT_SECONDS", 2.0),
    "REAP_SECONDS": env_float("PUBLISHING_REAP_SECONDS", 2.0),
    "CLAIM_BATCH": 1000,
    # Versions per django-q2 task (at least TASK_BATCH, a burst split evenly over the workers up to
    # TASK_BATCH_MAX), their network calls made in parallel threads.
    "TASK_BATCH": env_int("PUBLISHING_TASK_BATCH", 10, minimum=1),
    "TASK_BATCH_MAX": 250,
    "THREADS_PER_TASK": 50,
    # A task records its attempts this long before their due second (the database may keep it waiting),
    # and calls at the second.
    "ATTEMPT_LEAD_SECONDS": env_float("PUBLISHING_ATTEMPT_LEAD_SECONDS", 0.5),
    # While it waits for its next second, a task records the answers in, until this long before it.
    "RECORD_SLACK_SECONDS": env_float("PUBLISHING_RECORD_SLACK_SECONDS", 0.3),
    # Seconds to wait for a network's answer, and (shorter) for a connection to it.
    "NETWORK_TIMEOUT_SECONDS": env_float("PUBLISHING_NETWORK_TIMEOUT_SECONDS", 15.0),
    "CONNECT_TIMEOUT_SECONDS": env_float("PUBLISHING_CONNECT_TIMEOUT_SECONDS", 3.0),
    # A network with a call unanswered for this long is slow: nothing more is sent to that channel until
    # the call ends, so that one dead network never holds more than one worker (healthy ones go on).
    "SLOW_CALL_SECONDS": env_float("PUBLISHING_SLOW_CALL_SECONDS", 0.5),
    # Temporary errors and unknown outcomes: exponential backoff with jitter from RETRY_BASE up to
    # RETRY_MAX, MAX_ATTEMPTS calls in all (publications and look-ups alike); then failed, or « to verify ».
    "MAX_ATTEMPTS": env_int("PUBLISHING_MAX_ATTEMPTS", 6, minimum=1),
    "RETRY_BASE_SECONDS": env_float("PUBLISHING_RETRY_BASE_SECONDS", 30.0),
    "RETRY_MAX_SECONDS": env_float("PUBLISHING_RETRY_MAX_SECONDS", 1800.0),
}

LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    # LOG_FORMAT=json: one JSON object per line (the publishing worker adds version, channel, outcome…).
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The Charte éditoriale (Annexe 2): the rules every post passes before approval and again right
# before publication, in the manner of AUTH_PASSWORD_VALIDATORS. Approvals and publications record
# VERSION, followed by the revision of the rule data (lexicons, limits) edited in the admin (art. 10).
_RULES = "calendar_app.charte.rules"
CHARTE = {
    "VERSION": "montmagny-2026.1",
    "RULES": [
        {"NAME": f"{_RULES}.political.PoliticalContent"},
        {"NAME": f"{_RULES}.political.ElectionAuthor"},
        {"NAME": f"{_RULES}.language.official.OfficialLanguage"},
        {"NAME": f"{_RULES}.language.direction.DirectionControls"},
        {"NAME": f"{_RULES}.language.spelling.Spelling"},
        {"NAME": f"{_RULES}.language.typography.Typography"},
        {"NAME": f"{_RULES}.personal_data.rule.PersonalData"},
        {"NAME": f"{_RULES}.advertising.Advertising"},
        {"NAME": f"{_RULES}.links.MalformedLinks"},
        {"NAME": f"{_RULES}.links.LinkDomains"},
        {"NAME": f"{_RULES}.links.WebsiteLink"},
        {"NAME": f"{_RULES}.links.TenderLink"},
        {"NAME": f"{_RULES}.requirements.ContestRules"},
        {"NAME": f"{_RULES}.requirements.OutsidePressRelease"},
        {"NAME": f"{_RULES}.media.ImageSource"},
        {"NAME": f"{_RULES}.media.ImageConsent"},
        {"NAME": f"{_RULES}.media.ImageAltText"},
        {"NAME": f"{_RULES}.netiquette.Netiquette"},
        {"NAME": f"{_RULES}.netiquette.Shouting"},
        {"NAME": f"{_RULES}.repetition.Repetition"},
        {"NAME": f"{_RULES}.limits.NetworkLimits"},
    ],
}
