"""HTTP compression of the site's own responses (Brotli or gzip, as the client accepts).

Static files are compressed ahead of time by whitenoise (`.br` and `.gz` beside each hashed file);
this middleware compresses what the views render: pages, feeds, the sitemap.

BREACH (an attacker who can inject text into a compressed response that also holds a secret, and
watch its size) needs a secret in the response. So only responses for no one in particular are
compressed: not when the request carries a session cookie (an editor's pages hold their CSRF token
and personal data), nor when the response sets a cookie or used a CSRF token (the feedback form,
the password page). Those are exactly the responses the page cache refuses too.
"""

import gzip
import re

from django.conf import settings
from django.utils.cache import patch_vary_headers

try:
    import brotli
except ImportError:  # pragma: no cover - Brotli is in requirements.txt; gzip still works without it.
    brotli = None

COMPRESSIBLE_TYPES = re.compile(
    r"^(text/|application/(xml|rss\+xml|atom\+xml|json|javascript|xhtml\+xml)|image/svg\+xml)"
)
MINIMUM_SIZE = 200
# Brotli 4 and gzip 6, a cost an uncached page pays once and a cached page never (the page cache
# stores each encoding already compressed). Measured on a 28 KB country project page: Brotli 4
# takes 0.29 ms for 9.3 KB, Brotli 5 0.63 ms for 9.0 KB (3% smaller for twice the time), gzip 6
# 1 ms for 9.5 KB; the window size (lgwin) makes no difference at these sizes.
BROTLI_QUALITY = 4
GZIP_LEVEL = 6


def _accepts(request, coding):
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() == coding:
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def preferred_encoding(request):
    """'br', 'gzip' or 'identity': what the response to `request` will be encoded with."""
    if brotli is not None and _accepts(request, "br"):
        return "br"
    if _accepts(request, "gzip"):
        return "gzip"
    return "identity"


def _is_personal(request, response):
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or bool(response.cookies)
        or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    )


class CompressionMiddleware:
    """Compresses non-personal text responses with Brotli or gzip; see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Encoding",))
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < MINIMUM_SIZE
            or not COMPRESSIBLE_TYPES.match(response.get("Content-Type", ""))
            or _is_personal(request, response)
        ):
            return response
        encoding = preferred_encoding(request)
        if encoding == "br":
            content = brotli.compress(response.content, quality=BROTLI_QUALITY)
        elif encoding == "gzip":
            # mtime=0: the same page compresses to the same bytes, so its ETag stays the same.
            content = gzip.compress(response.content, compresslevel=GZIP_LEVEL, mtime=0)
        else:
            return response
        if len(content) >= len(response.content):
            return response
        response.content = content
        response["Content-Length"] = str(len(content))
        response["Content-Encoding"] = encoding
        # An ETag computed before compression names the uncompressed bytes: weak from now on.
        etag = response.get("ETag")
        if etag and not etag.startswith("W/"):
            response["ETag"] = f"W/{etag}"
        return response
