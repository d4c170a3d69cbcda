"""One answer per request: the header, the footer and the page body may ask the same question,
and the database is asked once."""

import functools

from django.http import HttpRequest
from django.template import Context
from django.utils.translation import get_language

from wagtail.models import Locale

from .page_cache import cached_until_content_changes

CACHE_ATTRIBUTE = "_pompidou_request_cache"


def _cache_for(holder):
    """The dict that lives as long as the request; a template rendered without one keeps its own."""
    if isinstance(holder, Context):
        request = holder.get("request")
        if request is None:
            return holder.render_context.setdefault(CACHE_ATTRIBUTE, {})
        holder = request
    if isinstance(holder, HttpRequest):
        if not hasattr(holder, CACHE_ATTRIBUTE):
            setattr(holder, CACHE_ATTRIBUTE, {})
        return getattr(holder, CACHE_ATTRIBUTE)
    return None


def cached_per_request(function):
    """Cache `function(holder, *args)` for the request, by its arguments and the active language.

    `holder` is the request, or a template context (for tags that take one). Without either,
    such as in a management command, the function is simply called.
    """

    @functools.wraps(function)
    def wrapper(holder, *args):
        cache = _cache_for(holder)
        if cache is None:
            return function(holder, *args)
        key = (function.__module__, function.__qualname__, get_language(), *args)
        if key not in cache:
            cache[key] = function(holder, *args)
        return cache[key]

    return wrapper


@cached_per_request
def active_locale(holder):
    """The locale of the active language, looked up once per change of content."""
    return _active_locale(holder)


@cached_until_content_changes
def _active_locale(holder):
    return Locale.get_active()
