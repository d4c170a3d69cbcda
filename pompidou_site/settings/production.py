"""Production: everything from the environment; refuses to start without the essentials."""

import os

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

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

# ---- Past one machine: object storage for media, a CDN purged on publish -----------------------
# Media (documents and images) on S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set
# (django-storages), so that app containers keep nothing on their own disk. Files stay private in
# the bucket (no public ACL, signed URLs off): documents are still served only through Wagtail's
# document view (WAGTAILDOCS_SERVE_METHOD = "serve_view" in base.py), which checks the collection's privacy
# and streams the file; images through pompidou_site.views.public_image, as today.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# A CDN in front of the site, purged when content changes (pompidou_site/frontend_cache.py):
# FRONTEND_CACHE=cloudflare (CLOUDFLARE_BEARER_TOKEN, CLOUDFLARE_ZONE_ID), cloudfront
# (CLOUDFRONT_DISTRIBUTION_ID) or http (FRONTEND_CACHE_LOCATION: a Varnish or nginx purge address).
# The CDN may then keep pages FRONTEND_CACHE_MAX_AGE seconds (s-maxage); browsers still revalidate.
FRONTEND_CACHE = os.environ.get("FRONTEND_CACHE", "").strip().lower()
FRONTEND_CACHE_BACKENDS = {
    "cloudflare": lambda: {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": require_env("CLOUDFLARE_BEARER_TOKEN"),
        "ZONEID": require_env("CLOUDFLARE_ZONE_ID"),
    },
    "cloudfront": lambda: {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": require_env("CLOUDFRONT_DISTRIBUTION_ID"),
    },
    "http": lambda: {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": require_env("FRONTEND_CACHE_LOCATION"),
    },
}
if FRONTEND_CACHE:
    if FRONTEND_CACHE not in FRONTEND_CACHE_BACKENDS:
        raise ImproperlyConfigured(f"FRONTEND_CACHE must be one of {', '.join(FRONTEND_CACHE_BACKENDS)}.")
    INSTALLED_APPS += ["wagtail.contrib.frontend_cache"]  # noqa: F405
    WAGTAILFRONTENDCACHE = {"default": FRONTEND_CACHE_BACKENDS[FRONTEND_CACHE]()}
    # Browsers ask each time (max-age=0); the CDN keeps the page until it is purged, or s-maxage.
    PAGE_CACHE_CONTROL = {
        "public": True,
        "max_age": 0,
        "s_maxage": int(os.environ.get("FRONTEND_CACHE_MAX_AGE", "3600")),
    }
