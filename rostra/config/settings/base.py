"""Settings shared by every Rostra process; the environment is read only through `rostra.config.env`."""

from csp.constants import NONCE, NONE, SELF

from rostra.config import env

SECRET_KEY = env.secret_key()
DEBUG = env.flag("ROSTRA_DEBUG")
ALLOWED_HOSTS = env.allowed_hosts()
CSRF_TRUSTED_ORIGINS = env.csrf_trusted_origins()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # counts read "12,345 comments"
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "rostra.core",
    "rostra.sites",
    "rostra.articles",
    "rostra.identity",
    "rostra.discussion",
    "rostra.moderation",
    "rostra.porting",
    "rostra.embed",
]

MIDDLEWARE = [
    # Outermost: keeps the answers views offer for replay, with every header the others add.
    "rostra.core.replay.ReplayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may answer by itself (a 400 for a bad Host is one), so those
    # answers are not frameable either.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "rostra.api.middleware.CrossOriginMiddleware",
    "rostra.core.requestlimits.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "rostra.config.urls"
WSGI_APPLICATION = "rostra.config.wsgi.application"

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
                "rostra.core.context_processors.csp_nonce",
            ],
        },
    },
]

DATABASES = {"default": env.database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.var_dir() / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every response carries a strict Content-Security-Policy (django-csp): scripts and styles only from
# Rostra's own origin or an inline block holding this response's nonce (`{{ csp_nonce }}`), never
# inline handlers or eval. Nothing of Rostra's is ever framed (the embed draws into a shadow root of
# the host page, Isso's client fetches JSON), so framing is refused everywhere. Browsers report what
# the policy blocked to /csp-report, which logs it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/csp-report",
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# ROSTRA_HTTPS=1: Rostra is served over HTTPS, by a proxy in front of it that ends TLS and sets
# X-Forwarded-Proto (and overwrites any the client sent). Then plain HTTP is redirected (but for the
# health check), browsers are told to stay on HTTPS, and cookies travel over HTTPS only.
# `rostra check --deploy` passes with it on.
if env.flag("ROSTRA_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    # A comment server usually has a host name of its own; a site whose subdomains are not all on
    # HTTPS turns these two off.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("ROSTRA_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.flag("ROSTRA_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
CSRF_FAILURE_VIEW = "rostra.core.errorpages.csrf_failure"

# Caches: "default" is each process's own memory (thread fragments keyed by the thread's version);
# "limits" holds the rate-limit counters, which every process must share: a table in the database
# (created by `rostra migrate`). See rostra.core.ratelimits and docs/operations.md.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {
        "BACKEND": "rostra.core.counters.CounterCache",
        "LOCATION": "rostra_rate_counters",
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    },
}
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_FAIL_OPEN = True  # a counter that vanished between two reads lets the request through
# Request limits (bodies over 256 KiB are refused with 413 before they are read, by
# rostra.core.requestlimits; the admin keeps Django's larger default).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
