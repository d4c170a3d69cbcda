"""Production: everything from the environment; refuses to start without the essentials."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import REDIS_SOCKET_TIMEOUT, database_timeouts, env_list, require_env

SECRET_KEY = require_env("SECRET_KEY")
require_env("ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# Never the SQLite fallback: inside a container it would be lost with the container.
DATABASES = {
    "default": dj_database_url.parse(
        require_env("DATABASE_URL"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
database_timeouts(DATABASES["default"])

# Links in the admin's e-mails (moderation, password reset) must point at the real site.
WAGTAILADMIN_BASE_URL = require_env("WAGTAILADMIN_BASE_URL")

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "pompidou",
            # Short timeouts: an unreachable Redis costs each request a fraction of a second.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
            },
        },
    }
    # The page cache and site-wide fragments in the same Redis, under their own prefix: shared by
    # every container, so a publish anywhere is seen everywhere at once (pompidou_site/page_cache.py).
    CACHES[PAGE_CACHE_ALIAS] = {**CACHES["default"], "KEY_PREFIX": "pompidou-pages"}  # noqa: F405

# Cookies with the __Host- prefix: the browser keeps them only if they are Secure, for the whole
# site (path "/") and without a Domain, so a neighbouring subdomain cannot set or shadow them.
# Production only: plain-HTTP development cannot store a Secure cookie.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-django_language"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = LANGUAGE_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = LANGUAGE_COOKIE_PATH = "/"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
