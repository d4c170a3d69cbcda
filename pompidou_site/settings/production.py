"""Production: everything from the environment; refuses to start without the essentials."""

import os

from .base import *  # noqa: F403
from .base import env_list, require_env

SECRET_KEY = require_env("SECRET_KEY")
require_env("ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "pompidou",
        }
    }
