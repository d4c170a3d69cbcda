"""The admin's forms. The password reset form answers in the same time for known and unknown addresses.

Wagtail (through Django) already answers both with the same page. What differed was the time:
for a known address the request waited for the mail server. The message is now built in the
request, and handed to a background thread to send; for an unknown address, the same message
templates are rendered and thrown away, so both requests do comparable work.

The two-factor code form is wagtail-2fa's, made to work with django-otp 1.7.5 (see below).
"""

import logging
import threading
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail_2fa.forms import TokenForm

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template import loader

from wagtail.admin.forms.auth import PasswordResetForm

logger = logging.getLogger(__name__)

MAIL_THREAD_NAME = "password-reset-mail"


def _send(message, user_pk):
    try:
        message.send()
    except Exception:
        logger.exception("Failed to send the password reset e-mail to user %s", user_pk)


def send_in_background(message, user_pk):
    # Not a daemon: a worker that shuts down finishes sending first (within EMAIL_TIMEOUT).
    thread = threading.Thread(target=_send, args=(message, user_pk), name=MAIL_THREAD_NAME, daemon=False)
    thread.start()
    return thread


def render_message(subject_template_name, email_template_name, context, from_email, to_email, html_template_name):
    subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
    body = loader.render_to_string(email_template_name, context)
    message = EmailMultiAlternatives(subject, body, from_email, [to_email])
    if html_template_name is not None:
        message.attach_alternative(loader.render_to_string(html_template_name, context), "text/html")
    return message


class BackgroundPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        message = render_message(
            subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
        )
        send_in_background(message, context["user"].pk)

    def save(self, *args, **kwargs):
        email = self.cleaned_data["email"]
        if not any(True for _user in self.get_users(email)):
            self._render_for_nobody(email, kwargs)
            return
        super().save(*args, **kwargs)

    def _render_for_nobody(self, email, options):
        """The work a known address costs, minus the sending: nothing leaves the server."""
        placeholder = get_user_model()(username="placeholder", email=email)
        context = {
            "email": email,
            "domain": "example.org",
            "site_name": "example.org",
            # Shaped like a real link's parts, which the template reverses into a URL.
            "uid": "MA",
            "token": "placeholder-token",
            "user": placeholder,
            "protocol": "https",
            **(options.get("extra_email_context") or {}),
        }
        render_message(
            options.get("subject_template_name", "registration/password_reset_subject.txt"),
            options.get("email_template_name", "registration/password_reset_email.html"),
            context,
            options.get("from_email"),
            email,
            options.get("html_email_template_name"),
        )


class TwoFactorTokenForm(TokenForm):
    """wagtail-2fa's code form, naming the device as django-otp 1.7.5 requires.

    django-otp no longer tries each of a user's devices in turn (that recorded a failure against
    every other device); its form must be told which device the code is from, and wagtail-2fa
    1.8's form does not say. The code is checked against the device it matches, without side
    effects, or else against the user's first device, where the failure is then recorded (and
    django-otp's throttling slows the next guesses).
    """

    def clean(self):
        devices = list(TOTPDevice.objects.devices_for_user(self.user, confirmed=True))
        token = self.cleaned_data.get("otp_token", "")
        chosen = next((device for device in devices if _matches(device, token)), devices[0] if devices else None)
        if chosen is not None:
            self.cleaned_data["otp_device"] = chosen.persistent_id
        return super().clean()


def _matches(device, token):
    try:
        token = int(token)
    except (TypeError, ValueError):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(token, device.tolerance, device.last_t + 1)
