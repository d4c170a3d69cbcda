"""The test suite: fast hashing, plain static storage, media in a temporary folder."""

import atexit
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

BACKUP_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": tempfile.mkdtemp(prefix="pompidou-test-backups-")},
}
atexit.register(shutil.rmtree, BACKUP_STORAGE["OPTIONS"]["location"], ignore_errors=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "dbbackup": BACKUP_STORAGE,  # noqa: F405
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pompidou-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Static files come straight from the finders; there is no collected folder outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run inline, inside the request or test that enqueues them. tests/test_worker.py switches
# to the database backend and runs the real worker; nothing else needs a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Most admin tests sign in with force_login, without a second factor; tests/test_accounts.py
# turns two-factor authentication on (as production has it) wherever it tests sign-in.
WAGTAIL_2FA_REQUIRED = False

# The suite's SQLite database is one in-memory database shared by one process, in which each test
# runs inside a transaction: taking the write lock at BEGIN (SQLITE_OPTIONS, for the server and the
# worker sharing a file) would only make SQLite's online backup wait on the test's own lock.
# tests/test_worker.py checks the two-process behaviour with connections of its own.
if DATABASES["default"].get("ENGINE") == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)  # noqa: F405
# Both caches in this process's memory: each test worker has its own, and conftest empties them
# between tests. tests/test_page_cache.py runs the page cache against Redis as well.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    PAGE_CACHE_ALIAS: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},  # noqa: F405
}
# The page cache is off, so that a test sees what it just changed, whatever it changed it with;
# tests/test_page_cache.py switches it on (PAGE_CACHE=true runs the whole suite with it). The
# site-wide fragments stay cached, as in production.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", False)  # noqa: F405
