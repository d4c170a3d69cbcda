"""Limits on guessing passwords outside the sign-in form (which django-axes guards).

- Password-protected pages and documents (Wagtail's `authenticate_with_password` views): wrong
  passwords are counted per client address and view restriction (one restriction covers a whole
  subtree, so changing the page does not reset the count); over the limit, every attempt is
  answered 429 in the site's layout until the window ends.
- The admin's password reset: requests are counted per client address (over the limit: 429 in
  the admin's style) and per e-mail address (over the limit: the usual "check your e-mail"
  answer, without an e-mail, so that nobody's mailbox is flooded and nothing is revealed).
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone

from wagtail.admin.views.account import PasswordResetView
from wagtail.documents.views.serve import authenticate_with_password as document_authenticate_with_password
from wagtail.views import authenticate_with_password as page_authenticate_with_password

from .client_ip import client_ip
from .throttles import Throttle

password_page_throttle = Throttle("password-page", settings.PASSWORD_PAGE_FAILURE_LIMIT, settings.PASSWORD_PAGE_WINDOW)
password_reset_address_throttle = Throttle(
    "password-reset-address", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, settings.PASSWORD_RESET_WINDOW
)
password_reset_email_throttle = Throttle(
    "password-reset-email", settings.PASSWORD_RESET_LIMIT_PER_EMAIL, settings.PASSWORD_RESET_WINDOW
)

PASSWORD_VIEWS = {
    page_authenticate_with_password: "page_view_restriction_id",
    document_authenticate_with_password: "restriction_id",
}


def _retry_context(ends_at):
    ends_at = timezone.localtime(ends_at)
    return {"retry_at": ends_at, "retry_minutes": max(1, round((ends_at - timezone.now()).total_seconds() / 60))}


class PasswordGuessThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        counted = getattr(request, "_password_page_throttle", None)
        # The password form comes back (200) when the password was wrong; a right one redirects.
        if counted and response.status_code == 200:
            password_page_throttle.hit(*counted)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        if view_func in PASSWORD_VIEWS:
            return self._password_page(request, view_kwargs.get(PASSWORD_VIEWS[view_func]))
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and issubclass(view_class, PasswordResetView):
            return self._password_reset(request)
        return None

    def _password_page(self, request, restriction_id):
        parts = (client_ip(request), restriction_id)
        if password_page_throttle.is_exceeded(*parts):
            context = _retry_context(password_page_throttle.ends_at(*parts))
            return render(request, "accounts/password_page_throttled.html", context, status=429)
        request._password_page_throttle = parts
        return None

    def _password_reset(self, request):
        address = client_ip(request)
        if password_reset_address_throttle.is_exceeded(address):
            context = _retry_context(password_reset_address_throttle.ends_at(address))
            return render(request, "accounts/password_reset_throttled.html", context, status=429)
        password_reset_address_throttle.hit(address)
        email = request.POST.get("email", "").strip().lower()
        if email:
            if password_reset_email_throttle.is_exceeded(email):
                return redirect("wagtailadmin_password_reset_done")
            password_reset_email_throttle.hit(email)
        return None
