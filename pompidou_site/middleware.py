"""Request-wide guards: the Content Security Policy for each part of the site, and a cap on what
an anonymous visitor may post."""

from csp.middleware import CSPMiddleware, PolicyParts

from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse


def is_admin(request):
    """Whether the request is for Wagtail's admin (False under a URLconf without it)."""
    try:
        return request.path_info.startswith(reverse("wagtailadmin_home"))
    except NoReverseMatch:
        return False


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
