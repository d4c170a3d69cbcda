"""Settings shared by every environment: secure by default.

`dev` and `test` relax what they must, explicitly; `production` only adds what needs the
environment. Anything secret or host-specific comes from the environment, never from here.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def require_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pompidou_site",
    "programmes",
    "trainings",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    # Sub-addresses of pages: the calendar's and a training's .ics, a programme's feeds.
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "wagtail.api.v2",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "dbbackup",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: a request id and one log line for every request, whatever answers it.
    "pompidou_site.middleware.RequestLogMiddleware",
    # A database that cannot be reached answers 503, not 500 (see also handler500 in urls.py).
    "pompidou_site.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Performance: 304s from ETag/Last-Modified, then the page cache, then compression (each
    # encoding is stored already compressed). See pompidou_site/page_cache.py and "Performance" below.
    "django.middleware.http.ConditionalGetMiddleware",
    "pompidou_site.page_cache.PageCacheMiddleware",
    "pompidou_site.http_caching.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The Wagtail site, its settings and the page's route from the cache (pompidou_site/shared_lookups.py).
    "pompidou_site.shared_lookups.SharedLookupsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a POST to a page that takes none is a 405, not "the form has expired".
    "pompidou_site.middleware.PageMethodMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pompidou_site.middleware.ContentSecurityPolicyMiddleware",
    # Wagtail's redirects, queried only for a missing address that a redirect names.
    "pompidou_site.shared_lookups.KeptRedirectsMiddleware",
    "pompidou_site.middleware.AnonymousBodyLimitMiddleware",
]

ROOT_URLCONF = "pompidou_site.urls"
WSGI_APPLICATION = "pompidou_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite by default so that a newcomer needs nothing else; PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# The web server and the worker write to one SQLite file. In SQLite's default (deferred) mode a
# transaction that reads, then writes, fails at once with "database is locked" when the other
# process writes meanwhile; IMMEDIATE takes the write lock at BEGIN, and the timeout (seconds) lets
# the second writer wait its turn instead of failing an editor's publish.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"].get("ENGINE") == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English by default, French beside it, both under a URL prefix.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Backups (`manage.py backup_site`, django-dbbackup) go to their own storage, never into media.
BACKUP_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": os.environ.get("BACKUP_DIR", str(BASE_DIR / "backups"))},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "dbbackup": BACKUP_STORAGE,
}
DBBACKUP_CLEANUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
# A failed backup is reported by the command's exit status and the logs, not by a mail of its own.
DBBACKUP_SEND_EMAIL = False

# Security: on unless an environment explicitly relaxes it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/live/$", r"^health/ready/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Wagtail's preview panel frames the site inside the admin, from the same origin.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [
    "security.W019",  # X_FRAME_OPTIONS is SAMEORIGIN on purpose: see above.
    # Preloading HSTS is a commitment for the whole domain, to be made by its owner.
    "security.W021",
]

# Content Security Policy (django-csp): the public site loads only its own scripts, styles, fonts
# and images, and no inline script. The admin has its own policy, ADMIN_CONTENT_SECURITY_POLICY
# below, chosen by pompidou_site.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "Pompidou Group – Training and co-operation programmes"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "pompidou_site.CustomImage"
WAGTAILDOCS_DOCUMENT_MODEL = "pompidou_site.CustomDocument"
# Served through Wagtail's own view so that private collections and permissions hold.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "webp", "png": "webp", "jpeg": "webp", "gif": "webp"}
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"  # noqa: S105 - a template name
# The sign-in asked for by pages and documents restricted to signed-in users or groups.
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "login.html"
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"  # noqa: S105 - a template name
# Wagtail's database backend, stemming each page and document in its own language and folding
# accents (PostgreSQL full-text configurations, or Snowball stemmers on SQLite): see
# pompidou_site/search_backend.py. The site search itself is pompidou_site/search.py.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "pompidou_site.search_backend", "LANGUAGES": {"en": "english", "fr": "french"}}
}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]},
    }
}

# E-mail: moderation notices and, when an address is set, the feedback form's submissions.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# Every log line goes to stdout through one handler: JSON by default (LOG_FORMAT=json), readable
# text with LOG_FORMAT=plain (development's default). Each line carries the request's id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "pompidou_site.log.JsonFormatter"},
    },
    "filters": {
        "request_id": {"()": "pompidou_site.log.RequestIdFilter"},
        # An unreachable Redis fails on every request: say so once a minute, not once a request.
        "once_a_minute": {"()": "pompidou_site.log.RateLimitFilter", "interval": 60},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        # Wagtail 7 runs search indexing as immediate tasks; one INFO line each drowns the log.
        "django_tasks": {"level": "WARNING"},
        # django-redis logs each error it ignores (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS).
        "django_redis.cache": {"level": "WARNING", "filters": ["once_a_minute"]},
    },
}

# Editing comfort (issue 7)
# Autosave is off. On the "add page" form Wagtail 7.4's autosave creates the page as a draft at
# the first keystrokes: an abandoned form left a stray draft in the tree, and the editor's own
# "Save draft" then posted the same slug again and was refused as already in use. The secretariat
# saves drafts explicitly; Wagtail still warns before leaving a form with unsaved changes.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# A page renamed or moved keeps its old address: Wagtail records a permanent redirect (the default,
# stated here because the site relies on it). Moderators manage the redirects.
WAGTAILREDIRECTS_AUTO_CREATE = True
# Uploads made from a page's chooser go to "Training outlines" (documents) and "Images" unless the
# editor picks another collection (pompidou_site/media_forms.py; the collections come from a migration).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "pompidou_site.media_forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "pompidou_site.media_forms.ImageForm"

# ---- Faults: timeouts, the cache as an optional helper, the database's absence -------------------


def database_timeouts(database):
    """Add connect, statement and lock timeouts to a PostgreSQL database's OPTIONS, from the environment.

    So that an unreachable or stuck database fails fast (and answers 503) instead of holding a
    worker until gunicorn kills it. Seconds; 0 switches a timeout off. Migrations and long jobs
    may need `DB_STATEMENT_TIMEOUT=0`. SQLite has its own `timeout` and is left alone.
    """
    if database.get("ENGINE") != "django.db.backends.postgresql":
        return database
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5")))
    server_options = [
        f"-c {name}={int(float(os.environ.get(variable, default)) * 1000)}"
        for name, variable, default in (
            ("statement_timeout", "DB_STATEMENT_TIMEOUT", "15"),
            ("lock_timeout", "DB_LOCK_TIMEOUT", "5"),
        )
    ]
    options["options"] = " ".join(filter(None, [options.get("options", ""), *server_options]))
    return database


database_timeouts(DATABASES["default"])

# Sessions stay in the database, never in the cache: the cache may go away (Redis down) and must
# take nothing with it but speed.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-redis (production's cache when REDIS_URL is set): an unreachable Redis is skipped, not
# raised, and logged (once a minute, see LOGGING); the site serves without it and uses it again
# as soon as it answers.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25"))

# The Retry-After of the 503 page shown while the database is unreachable.
DATABASE_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("DATABASE_UNAVAILABLE_RETRY_AFTER", "30"))

if LOG_FORMAT not in LOGGING["formatters"]:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOGGING['formatters'])}, not {LOG_FORMAT!r}.")

# Background work: Wagtail's own tasks (reference index, image focal points, file deletion),
# scheduled publishing and the site's tasks are queued in the site's database (django-tasks-db)
# and run by one worker process, `manage.py db_worker` (see pompidou_site/tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Accounts and sign-in security (the `accounts` app): lockouts with django-axes, two-factor
# authentication with wagtail-2fa, throttled password pages and password resets, idle sessions.
INSTALLED_APPS += [
    "pompidou_site.accounts",
    "wagtail_2fa",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]
MIDDLEWARE += [
    # After AuthenticationMiddleware: django-otp's OTPMiddleware (which it extends) plus the
    # redirect to the code or device setup page. 2FA is required for users with the
    # wagtailadmin.enable_2fa permission (Moderators, superusers), optional for the others.
    "wagtail_2fa.middleware.VerifyUserPermissionsMiddleware",
    "pompidou_site.accounts.middleware.PasswordGuessThrottleMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# django-axes first: it refuses a locked-out user before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Five wrong passwords for one user name from one address lock that pair out for 15 minutes;
# attempts during the lockout do not extend it, so the time the lockout page gives holds.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pompidou_site.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The log lines name the user name and address (the password is always masked), so that an
# operator can tell which account is attacked from where.
AXES_SENSITIVE_PARAMETERS = []
# The client's address: REMOTE_ADDR, or X-Forwarded-For only behind that many trusted proxies.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "pompidou_site.accounts.client_ip.client_ip"

# Wrong passwords on a password-protected page or document, per address and restriction; and
# password reset requests, per address and per e-mail address. Counted in the cache.
PASSWORD_PAGE_FAILURE_LIMIT = 5
PASSWORD_PAGE_WINDOW = timedelta(minutes=15)
PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_WINDOW = timedelta(hours=1)
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "pompidou_site.accounts.forms.BackgroundPasswordResetForm"  # noqa: S105 - a class path

# Two-factor authentication (TOTP) is required wherever the permission says so. Development may
# turn it off (WAGTAIL_2FA_REQUIRED=false); the tests turn it on where they test it.
WAGTAIL_2FA_REQUIRED = True
OTP_TOTP_ISSUER = "Pompidou Group"

# A session ends after two hours without a request (each request pushes the expiry back), and
# at sign-out. Wagtail's editor pings the server while a page is open, so writing is not cut off.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# One line per failed sign-in and per lockout (django-axes logs them at WARNING), even when
# LOG_LEVEL hides warnings from the rest of the site.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
# fpdf2 subsets the PDFs' embedded font with fontTools, which logs a dozen INFO lines per font.
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}

# Uploads: every admin upload path (single, multiple, chooser) builds its image form on
# WAGTAILIMAGES_IMAGE_FORM_BASE (above), which decodes the image fully; documents' content is checked
# against their extension by CustomDocument.clean (both checks in pompidou_site/uploads.py).
# 40 megapixels, counting every frame of an animation: more than any camera photo the site shows.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000

# Security headers (issue 8). The admin's Content Security Policy, as strict as Wagtail's editor
# allows: its own files only, no third-party source. Wagtail 7.4's form widgets (date and image
# choosers, reports' filters) still write inline <script> initialisers with per-field ids, and its
# modals run the scripts of the HTML they load, so inline script cannot be refused by hash or
# nonce; eval stays refused. Wagtail and its editors set inline styles, and draw previews and
# thumbnails from data: and blob: addresses. The preview panel frames the site from the same origin.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Avatars come from the editors' own uploads, never from an outside service.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Permissions-Policy (django-permissions-policy): the browser features the site never uses are
# turned off for it and anything it frames. Copying to the clipboard and full screen stay
# available to the site itself (the admin uses both).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "local-fonts": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
    "clipboard-write": ["self"],
    "fullscreen": ["self"],
}

# Request bodies. A visitor who is not signed in may post at most this much (the feedback form is
# a few kilobytes): a larger Content-Length is answered 413 before the body is read
# (pompidou_site.middleware.AnonymousBodyLimitMiddleware). Signed-in editors' form fields are held
# by Django's own cap, stated here; their files by WAGTAILIMAGES/WAGTAILDOCS_MAX_UPLOAD_SIZE.
ANONYMOUS_MAX_BODY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# The open data API (pompidou_site/api.py, at /api/v2/): read-only JSON, no sign-in, so every
# client is throttled as anonymous. The throttle counts in the default cache (Redis in production,
# per process without it); a cache that fails lets requests through. API_ANON_RATE to change it.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
}
WAGTAILAPI_LIMIT_MAX = 50

# ---- Performance: the page cache, site-wide fragments, HTTP caching ------------------------------
# Two cache aliases: "default" holds the sign-in throttles and lockouts (and whatever else the
# code caches); "pages" holds the full-page cache and the site-wide fragments, so that putting
# pages out of date never touches the counters (pompidou_site/page_cache.py). Without Redis, the
# pages live in files under PAGE_CACHE_DIR, which every gunicorn worker of a container and the
# background worker share: a publish in one process puts every process's copy out of date at once,
# which per-process local memory cannot do. production.py puts both aliases in Redis when
# REDIS_URL is set (required for several containers); test.py keeps them in local memory.
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_DIR = os.environ.get("PAGE_CACHE_DIR") or str(
    Path(tempfile.gettempdir())
    / f"pompidou-page-cache-{hashlib.md5(str(BASE_DIR).encode(), usedforsecurity=False).hexdigest()[:8]}"
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    PAGE_CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": PAGE_CACHE_DIR,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# PAGE_CACHE=false serves every page afresh (the benchmark's "uncached" run; development's default,
# so that template edits show at once). The site-wide fragments stay cached either way.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
# Seconds a cached page or fragment is kept at most. Changes put entries out of date at once; the
# timeout only bounds how long an entry outlives a change that could not reach the cache (Redis
# unreachable at the moment of a publish).
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "600"))
# Bytes of pages and fragments each process also keeps in its own memory when the cache is shared
# (Redis, files), so that a hit costs one shared read (the generation), not one per entry. 0: none.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_BYTES", str(32 * 1024 * 1024)))
# Search results come from the search index, which the worker updates shortly after a publish.
PAGE_CACHE_TIMEOUTS_BY_VIEW = {"search": 60}
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/documents/", "/health/", "/django-admin/"]
# Saving or deleting one of these (or any page) puts every cached page and fragment out of date.
# A new snippet, setting or media model that pages show belongs here.
PAGE_CACHE_INVALIDATING_MODELS = [
    "pompidou_site.Country",
    "pompidou_site.Partner",
    "pompidou_site.FooterText",
    "pompidou_site.SiteSettings",
    "pompidou_site.CustomDocument",
    "pompidou_site.CustomImage",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.CollectionViewRestriction",
    "wagtailcore.Collection",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    # Looked up from kept paths at every missing address (KeptRedirectsMiddleware).
    "wagtailredirects.Redirect",
    # The editors' picks the search page shows (not the search terms counted: Query, QueryDailyHits).
    "wagtailsearchpromotions.SearchPromotion",
]
# Browsers and proxies may keep a public page but must ask each time (a 304 when nothing changed):
# no visitor sees a page older than the last publish. A CDN that is purged on publish may keep
# pages longer (FRONTEND_CACHE_MAX_AGE, see production.py).
PAGE_CACHE_CONTROL = {"public": True, "no_cache": True}
