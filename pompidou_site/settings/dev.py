"""Local development: debug on, plain HTTP, a throwaway key. Never used in production."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")  # noqa: F405

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "dbbackup": BACKUP_STORAGE,  # noqa: F405
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Static files come straight from the finders; there is no collected folder outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Readable log lines in the terminal; LOG_FORMAT=json to see what production writes.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405

# The development address: `make run` serves on $PORT, so the admin's links (and `ensure_dev_site`,
# which gives the Wagtail site the same host and port for canonical and sitemap links) follow it.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"

# The development superuser signs in with its password alone, unless WAGTAIL_2FA_REQUIRED=true.
WAGTAIL_2FA_REQUIRED = env_bool("WAGTAIL_2FA_REQUIRED", False)  # noqa: F405
# Pages are rendered afresh on each request, so that template edits show at once; PAGE_CACHE=true
# tries the page cache. The site-wide fragments stay cached (in files shared with the worker).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", False)  # noqa: F405
