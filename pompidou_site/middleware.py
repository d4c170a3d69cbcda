"""Request-wide middleware: request logging with a request id, a friendly 503 when the database is
unreachable, the Content Security Policy for each part of the site, and a cap on what an anonymous
visitor may post."""

import functools
import logging
import time

from csp.middleware import CSPMiddleware, PolicyParts

from django import db
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, get_urlconf, reverse

from wagtail.models import Page
from wagtail.views import serve as wagtail_serve

from .log import request_id_from, request_id_var
from .shared_lookups import served_path

try:  # The PostgreSQL driver's own errors, should one escape Django's wrapping.
    import psycopg
except ImportError:  # pragma: no cover - psycopg is in requirements.txt
    psycopg = None

request_logger = logging.getLogger("pompidou_site.requests")
fault_logger = logging.getLogger("pompidou_site.faults")

REQUEST_ID_HEADER = "X-Request-ID"

DATABASE_ERRORS = (db.OperationalError, db.InterfaceError)
if psycopg is not None:
    DATABASE_ERRORS += (psycopg.OperationalError, psycopg.InterfaceError)


def is_database_unavailable(exception):
    """Whether `exception` means the database cannot be reached or did not answer in time."""
    return isinstance(exception, DATABASE_ERRORS)


def database_unavailable_response():
    """A 503 in the site's layout, built from a template that needs no database and no context processor."""
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class RequestLogMiddleware:
    """Gives each request an id (the proxy's X-Request-ID when valid), and logs one line when it is done.

    First in MIDDLEWARE, so that its line covers everything, redirects and static files included,
    and every line the request logs carries the same id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "remote_addr": request.META.get("REMOTE_ADDR", ""),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class DatabaseUnavailableMiddleware:
    """Answers 503 with a friendly page, never a 500, when the view or its template cannot reach the database.

    Errors raised by other middleware (sessions, authentication, redirects) are converted by
    Django before any outer middleware sees them; `pompidou_site.views.server_error`, the 500
    handler, gives those the same 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        fault_logger.error(
            "Database unavailable: %s %s answered 503 (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            exception,
            extra={"fault": "database", "path": request.path},
        )
        response = database_unavailable_response()
        # Logged just above, with the reason: Django need not add a second line for the same 503.
        response._has_been_logged = True
        return response


def is_admin(request):
    """Whether the request is for Wagtail's admin (False under a URLconf without it)."""
    prefix = _admin_prefix(getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF)
    return prefix is not None and request.path_info.startswith(prefix)


@functools.lru_cache(maxsize=8)
def _admin_prefix(urlconf):
    # Worked out once per URLconf: reverse() costs as much as the rest of the CSP middleware.
    try:
        return reverse("wagtailadmin_home", urlconf=urlconf)
    except NoReverseMatch:
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy (ADMIN_CONTENT_SECURITY_POLICY) under
    the admin's address and the site's strict one (CONTENT_SECURITY_POLICY) everywhere else.

    A view that sets its own policy with django-csp's decorators keeps it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin(request):
            return PolicyParts(
                config=settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"],
                update=parts.update,
                replace=parts.replace,
                nonce=parts.nonce,
            )
        return parts


class AnonymousBodyLimitMiddleware:
    """Answers 413 to a visitor who is not signed in and announces a body larger than
    ANONYMOUS_MAX_BODY_SIZE, before anything reads it (the CSRF check is the first to read a form).

    The public site's forms are a few kilobytes; signed-in editors upload images and documents and
    are held by Wagtail's own limits instead. A body sent without a Content-Length (chunked) is
    never read by Django, which takes it as empty.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.too_large(request) and not request.user.is_authenticated:
            return render(request, "413.html", status=413)
        return self.get_response(request)

    @staticmethod
    def too_large(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > settings.ANONYMOUS_MAX_BODY_SIZE


class PageMethodMiddleware:
    """Answers a method that the page asked for does not take with 405 and the methods it does
    take, before the CSRF check: only form pages take a POST, and a POST to any other page (a
    robot's, mostly) would otherwise meet the CSRF check first and be told that "the form has
    expired" on a page that has none. A POST to an address with no page is a 404.
    """

    METHODS_WITHOUT_CSRF_CHECK = ("GET", "HEAD", "OPTIONS", "TRACE")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in self.METHODS_WITHOUT_CSRF_CHECK or view_func is not wagtail_serve:
            return None
        # Routed once: Wagtail's serve() reads the route kept on the request.
        route = Page.route_for_request(request, served_path(view_args, view_kwargs) or "")
        if route is None:
            raise Http404
        return route.page.check_request_method(request)
