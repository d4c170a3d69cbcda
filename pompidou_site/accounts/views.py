"""The admin screen where a superuser lifts a sign-in lockout, and two of wagtail-2fa's pages, repaired."""

from axes.models import AccessAttempt
from axes.utils import reset
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail_2fa.views import DeviceDeleteView
from wagtail_2fa.views import LoginView as Wagtail2faLoginView

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import TwoFactorTokenForm
from .lockout import locked_attempts, retry_time


class TwoFactorLoginView(Wagtail2faLoginView):
    """wagtail-2fa's code page (/admin/2fa/auth) with a form that works with django-otp 1.7.5."""

    form_class = TwoFactorTokenForm


class TwoFactorDeviceDeleteView(DeviceDeleteView):
    """wagtail-2fa's device removal (/admin/2fa/devices/<pk>/remove), answering 404 for an unknown
    device and going back to the device owner's list, where wagtail-2fa 1.8 failed with a 500."""

    def dispatch(self, request, *args, **kwargs):
        self.device = get_object_or_404(TOTPDevice, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("wagtail_2fa_device_list", kwargs={"user_id": self.device.user_id})


def _superuser_only(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def lockout_list(request):
    _superuser_only(request)
    attempts = [
        {"attempt": attempt, "retry_at": retry_time(attempt.username, attempt.ip_address)}
        for attempt in locked_attempts().order_by("-attempt_time")
    ]
    return TemplateResponse(request, "accounts/lockout_list.html", {"attempts": attempts})


@require_POST
def lift_lockout(request, pk):
    _superuser_only(request)
    attempt = AccessAttempt.objects.filter(pk=pk).first()
    if attempt is None:  # Lifted meanwhile, by another superuser or by the command.
        messages.info(request, _("That lockout is already lifted."))
        return redirect("accounts_lockouts")
    reset(ip=attempt.ip_address, username=attempt.username)
    messages.success(
        request,
        _("The lockout of %(username)s from %(address)s is lifted.")
        % {"username": attempt.username, "address": attempt.ip_address},
    )
    return redirect("accounts_lockouts")
