"""The full-page cache for anonymous visitors, and the site-wide fragments every page shows.

Both live in their own cache alias (`PAGE_CACHE_ALIAS`, "pages"), never the default one that holds
the sign-in throttles and lockouts, and both are keyed by one *generation* token: the token of the
content as it is now. Whatever a page may show changing (a page published, unpublished, moved or
deleted; a country, partner, footer text, document, image, setting, privacy rule or site saved) sets
a new token, so every cached page and fragment, in every language, is out of date at once and the
next request computes it again. Nothing is ever flushed, so nothing else in a shared Redis is
touched; the old entries simply expire. The token's time is also the site's `Last-Modified`.

Never cached: a request carrying a session cookie (an editor signed in, or a visitor who gave a
private page's password), the admin, previews, anything but GET, responses that set a cookie or
used a CSRF token (forms, the password page), error responses, and anything a view marked private.
"""

import contextvars
import functools
import hashlib
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.template import Context
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .http_caching import preferred_encoding

logger = logging.getLogger(__name__)

GENERATION_KEY = "generation"
GENERATION_ATTRIBUTE = "_pompidou_page_cache_generation"
HIT_HEADER = "X-Page-Cache"
CACHEABLE_TYPES = (
    "text/html",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "text/calendar",
    "text/plain",
)
# Headers the outer middleware (request log, security, conditional GET) set on each response.
UNSTORED_HEADERS = {"x-request-id", "set-cookie", "date"}
CACHED_FILE_FACTS = {"file_size", "file_hash"}


# Entries whose key holds the generation token never change: a key names one version of the content.
IMMUTABLE_PREFIXES = ("page:", "fragment:")


class LocalCopies:
    """This process's copies of immutable entries (pages and fragments), least recently used out.

    Each request still reads the generation from the shared cache, so a change made anywhere is
    seen at once; only what that generation's keys name is read from memory instead of Redis (or
    the cache files): no round trip, and bytes in place of a transfer. Bounded in bytes
    (PAGE_CACHE_LOCAL_BYTES); each entry keeps its own timeout, as in the shared cache.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, data = entry
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
        # Unpickled for each request, as from the shared cache: no request sees another's objects.
        return pickle.loads(data)  # noqa: S301 - written by this process, below  # nosec B301

    def set(self, key, value, timeout, limit):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(data) > limit // 16:
            return  # One large entry must not push out everything else.
        with self._lock:
            self._drop(key)
            self._entries[key] = (time.monotonic() + timeout, data)
            self._size += len(data)
            while self._size > limit:
                self._drop(next(iter(self._entries)))

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= len(entry[1])


local_copies = LocalCopies()


def _shortest_timeout():
    return min(settings.PAGE_CACHE_TIMEOUT, *settings.PAGE_CACHE_TIMEOUTS_BY_VIEW.values())


class FailSoftCache:
    """A cache whose failures are misses: with Redis down, every page is computed afresh and
    served, never an error. Reads give the default, writes do nothing, and the log says why.

    Pages and fragments are also kept in this process (`LocalCopies`) when the cache is shared
    (Redis, files): a local-memory cache needs no second copy.
    """

    def __init__(self, cache):
        self._cache = cache
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        self._local_limit = 0 if isinstance(cache, LocMemCache) else limit

    def _call(self, operation, *args, default=None):
        try:
            return getattr(self._cache, operation)(*args)
        except Exception:
            logger.warning("The page cache could not %s: serving without it", operation, exc_info=True)
            return default

    def _keeps_local_copy(self, key):
        return self._local_limit > 0 and key.startswith(IMMUTABLE_PREFIXES)

    def get(self, key, default=None):
        if not self._keeps_local_copy(key):
            return self._call("get", key, default, default=default)
        value = local_copies.get(key)
        if value is None:
            value = self._call("get", key, default=None)
            if value is None:
                return default
            # The shared entry's own timeout is not known here: the shortest any entry gets
            # (search results' 60 s), so that no copy outlives its original.
            local_copies.set(key, value, _shortest_timeout(), self._local_limit)
        return value

    def set(self, key, value, timeout):
        self._call("set", key, value, timeout)
        if self._keeps_local_copy(key):
            local_copies.set(key, value, timeout, self._local_limit)

    def add(self, key, value, timeout):
        return self._call("add", key, value, timeout, default=False)

    def __getattr__(self, name):
        return getattr(self._cache, name)


def page_cache():
    """The page cache's alias; the default cache where CACHES has no such alias (a settings override)."""
    alias = settings.PAGE_CACHE_ALIAS
    return FailSoftCache(caches[alias if alias in settings.CACHES else DEFAULT_CACHE_ALIAS])


def _generation_key():
    # Per database: two sites (or a CI run and the next) sharing a Redis never share a generation.
    return f"{GENERATION_KEY}:{settings.DATABASES['default']['NAME']}"


def _new_token():
    # Nanoseconds for Last-Modified and ordering, random bits so that two changes never share one.
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


# The token read for the request being served, in a dict that PageCacheMiddleware gives each
# request: lookups that are the same for every request (holder None) read it too, instead of
# asking the cache again. Outside a request (commands, the worker) there is none.
_request_scope = contextvars.ContextVar("pompidou_page_cache_request", default=None)


def generation(request=None):
    """The token of the content as it is now; looked up once per request.

    A cache that lost it (restarted, evicted, unreachable) starts a new one: every entry is then a
    miss, never a stale hit.
    """
    if request is not None and hasattr(request, GENERATION_ATTRIBUTE):
        return getattr(request, GENERATION_ATTRIBUTE)
    scope = _request_scope.get()
    if request is None and scope and GENERATION_KEY in scope:
        return scope[GENERATION_KEY]
    cache = page_cache()
    token = cache.get(_generation_key())
    if token is None:
        token = _new_token()
        # add(): of several processes starting a token at once, the first one wins for all.
        cache.add(_generation_key(), token, None)
        token = cache.get(_generation_key()) or token
    if request is not None:
        setattr(request, GENERATION_ATTRIBUTE, token)
    if scope is not None:
        scope[GENERATION_KEY] = token
    return token


def last_modified(token):
    """When the content last changed, as an HTTP date (the token's time, to the second above)."""
    return http_date(-(-int(token.split("-")[0]) // 1_000_000_000))


def content_changed(**kwargs):
    """Put every cached page and fragment out of date: a new generation, now and at commit.

    Now, for the rest of this request and for code outside a transaction; again when the
    transaction commits, so that a request served between the two cannot cache what was there before.
    """

    def bump():
        page_cache().set(_generation_key(), _new_token(), None)
        # The rest of this request computes afresh what it looks up without a request.
        scope = _request_scope.get()
        if scope is not None:
            scope.pop(GENERATION_KEY, None)

    bump()
    if connection.in_atomic_block:
        transaction.on_commit(bump)
    _purge_frontend_cache()


def _purge_frontend_cache():
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from .frontend_cache import purge_everything

    purge_everything()


# ---- Site-wide fragments ----------------------------------------------------------------------


# For what is kept rendered (the footer, the menu, the 404 page), besides the content: its
# templates and translations, which a release or a development server's reload changes without a
# change of content. A new process renders them afresh instead of serving the last release's.
RENDERING_CODE_VERSION = secrets.token_hex(4)


def cached_until_content_changes(function):
    """Cache `function(holder, *args)` in the page cache until the content changes.

    For the parts every page shows (menu, home pages, language versions, footer, settings,
    breadcrumbs): computed once per change of content rather than once per request. `holder` is a
    request or a template context, as for `cached_per_request` (put that one outside this one).
    Previews and templates rendered without a request compute afresh; `holder=None` marks a
    lookup that is the same for every request (the view restrictions, the locales). Keyword
    arguments are passed on but are not part of the key: they must follow from the positional
    ones (a queryset that a name and a number already say).
    """
    name = f"{function.__module__}.{function.__qualname__}"

    def key_for(holder, *args):
        """The entry's key, or None when `holder` calls for computing afresh."""
        request = holder.get("request") if isinstance(holder, Context) else holder
        if request is None and holder is not None:
            # A template rendered without a request (an e-mail, a PDF): nothing to key it by.
            return None
        if getattr(request, "is_preview", False):
            return None
        try:
            # Site-independent lookups (holder None) are the same for every host.
            host = request.get_host() if request is not None else ""
        except DisallowedHost:
            return None
        # The scheme too: absolute addresses (canonical, sharing tags) are written with it.
        scheme = request.scheme if request is not None else ""
        raw = f"{name}|{translation.get_language()}|{scheme}|{host}|{'|'.join(map(str, args))}"
        return f"fragment:{generation(request)}:{hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()}"

    @functools.wraps(function)
    def wrapper(holder, *args, **unkeyed):
        key = key_for(holder, *args)
        if key is None:
            return function(holder, *args, **unkeyed)
        cache = page_cache()
        stored = cache.get(key)
        if stored is not None:
            return stored[0]
        value = function(holder, *args, **unkeyed)
        # In a tuple, so that a cached None is told apart from a miss.
        cache.set(key, (value,), settings.PAGE_CACHE_TIMEOUT)
        return value

    wrapper.key_for = key_for
    return wrapper


# ---- Full pages -------------------------------------------------------------------------------


def _is_for_anyone(request):
    """Whether the answer to `request` may be the same for every visitor (and so be cached)."""
    if request.method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    if "preview" in request.GET:
        return False
    return not request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS))


def _key(request, token, encoding):
    host = request.get_host()
    language = translation.get_language_from_request(request, check_path=True)
    raw = f"{request.scheme}|{host}|{language}|{encoding}|{request.get_full_path()}"
    return f"page:{token}:{hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()}"


def _may_store(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store")):
        return False
    return response.get("Content-Type", "").split(";")[0].strip() in CACHEABLE_TYPES


def _timeout(request):
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match else None
    return settings.PAGE_CACHE_TIMEOUTS_BY_VIEW.get(url_name, settings.PAGE_CACHE_TIMEOUT)


class PageCacheMiddleware:
    """Serves anonymous GET requests for pages from the page cache, and stores what may be stored.

    After SecurityMiddleware (HTTPS redirect, HSTS) and before the session: a hit costs two cache
    reads (the generation and the page) and no database query. Inside ConditionalGetMiddleware,
    which answers 304 from the stored ETag and Last-Modified; outside the compression, so that each
    encoding is stored already compressed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset = _request_scope.set({})
        try:
            return self._respond(request)
        finally:
            _request_scope.reset(reset)

    def _respond(self, request):
        if not _is_for_anyone(request):
            return self._personal(request, self.get_response(request))
        try:
            token = generation(request)
            key = _key(request, token, preferred_encoding(request))
        except DisallowedHost:
            return self.get_response(request)
        if settings.PAGE_CACHE_ENABLED:
            stored = page_cache().get(key)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                response[HIT_HEADER] = "hit"
                return response
        response = self.get_response(request)
        if not _may_store(request, response):
            return self._personal(request, response)
        # The same validators and Cache-Control whether the page cache is on or not.
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = last_modified(token)
        if not response.has_header("ETag"):
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            response["ETag"] = f'"{digest}"'
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, **settings.PAGE_CACHE_CONTROL)
        patch_vary_headers(response, ("Accept-Encoding",))
        if settings.PAGE_CACHE_ENABLED:
            headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
            page_cache().set(key, (response.status_code, headers, response.content), _timeout(request))
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _personal(request, response):
        """A response for one visitor only: no shared cache (proxy, CDN) may keep it."""
        if request.method == "GET" and not response.has_header("Cache-Control") and response.status_code == 200:
            patch_cache_control(response, private=True, no_cache=True)
        return response


# ---- Invalidation -----------------------------------------------------------------------------


@functools.cache
def _invalidating_models(labels):
    return (Page, *(apps.get_model(label) for label in labels))


def _on_save_or_delete(sender, **kwargs):
    if kwargs.get("raw"):
        return
    if kwargs.get("created") and issubclass(sender, BaseSiteSetting):
        # Created with its defaults by the first page that reads it: what that page showed already.
        return
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= CACHED_FILE_FACTS:
        # A document's size or hash, stored by the page that first showed it: nothing changed.
        return
    if isinstance(sender, type) and issubclass(
        sender, _invalidating_models(tuple(settings.PAGE_CACHE_INVALIDATING_MODELS))
    ):
        content_changed()


def _after_migrate(**kwargs):
    # A migrated (or flushed, or new) database: nothing cached before it may be served after it.
    if kwargs.get("app_config") and kwargs["app_config"].name == "pompidou_site":
        content_changed()


def connect_receivers():
    post_migrate.connect(_after_migrate, dispatch_uid="pompidou_site.page_cache.post_migrate")
    if apps.is_installed("wagtail.contrib.redirects"):
        # Wagtail creates the redirects of a moved page, or of a new slug, in receivers of these
        # signals, in bulk (no signal of their own) and outside the transaction: ours must run
        # after them, or a 404 served in between would keep the redirects' old paths without
        # them. Connected here first, they keep their place when their app connects them again
        # (a receiver is connected once), and ours come after.
        from wagtail.contrib.redirects.signal_handlers import (
            autocreate_redirects_on_page_move,
            autocreate_redirects_on_slug_change,
        )

        post_page_move.connect(autocreate_redirects_on_page_move)
        page_slug_changed.connect(autocreate_redirects_on_slug_change)
    # page_slug_changed also follows the update of the descendants' addresses, which a page's
    # own post_save comes before.
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(content_changed, dispatch_uid=f"pompidou_site.page_cache.{signal!r}")
    post_save.connect(_on_save_or_delete, dispatch_uid="pompidou_site.page_cache.post_save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="pompidou_site.page_cache.post_delete")
