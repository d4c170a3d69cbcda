"""What a locked-out user sees: the lockout page in the admin's style, with the time to retry."""

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt

from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def locked_attempts():
    """The user name and address pairs locked out now (failures within the cool-off period)."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - get_cool_off(),
    )


def retry_time(username, ip_address):
    last_failure = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last_failure or timezone.now()) + get_cool_off()


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: answer a sign-in attempt while its user name is locked for its address.

    The request whose wrong password reached the limit was checked like the ones before it, so it
    keeps its "wrong password" answer; the lockout applies from the next attempt on. That way
    AXES_FAILURE_LIMIT wrong passwords are answered as such, and the attempt after is refused
    even with the right password.
    """
    reached_limit_now = getattr(request, "axes_failures_since_start", None) is not None
    if reached_limit_now and original_response is not None and original_response.status_code == 200:
        return original_response
    username = get_client_username(request, credentials) or ""
    context = {
        "username": username,
        "retry_at": timezone.localtime(retry_time(username, request.axes_ip_address)),
        "cool_off_minutes": int(get_cool_off().total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
