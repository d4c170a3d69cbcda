"""The public feedback form: Wagtail's form builder, with limits that keep robots out without a CAPTCHA."""

import secrets
import time
from datetime import timedelta

from django import forms
from django.apps import apps
from django.core import signing
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.forms.forms import BaseForm, FormBuilder

MESSAGE_MAX_LENGTH = 5000
# People need a few seconds to read and fill in the form; robots post at once.
MINIMUM_SECONDS_TO_FILL = 3
# Beyond a day the page was left open: ask for a fresh one rather than accept a replayed token.
MAXIMUM_SECONDS_TO_FILL = 60 * 60 * 24
SIGNING_SALT = "pompidou_site.feedback-form"


def started_token(started_at=None, nonce=None):
    """A signed record of when the form was shown, with a nonce that makes it good for one sending."""
    return signing.dumps(
        {
            "started": started_at if started_at is not None else time.time(),
            "nonce": nonce or secrets.token_urlsafe(16),
        },
        salt=SIGNING_SALT,
    )


def read_token(token):
    """The start time and nonce of a signed token, or (None, None) if it is forged or malformed."""
    try:
        value = signing.loads(token or "", salt=SIGNING_SALT)
        return float(value["started"]), str(value["nonce"])
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        return None, None


class FeedbackForm(BaseForm):
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["started"] = started_token()

    def clean(self):
        cleaned_data = super().clean()
        started_at, nonce = read_token(cleaned_data.pop("started", ""))
        elapsed = time.time() - started_at if started_at is not None else None
        if elapsed is None or elapsed > MAXIMUM_SECONDS_TO_FILL:
            raise forms.ValidationError(_("This form has expired: please send it again."), code="expired")
        if elapsed < MINIMUM_SECONDS_TO_FILL:
            raise forms.ValidationError(
                _("The form was sent too quickly to be checked: please send it again."), code="too_fast"
            )
        # The token is spent only by a form that is otherwise accepted, so that a visitor who fixes
        # a field can send the same form again; the database's unique nonce settles a race.
        if not self.errors:
            used_tokens = apps.get_model("pompidou_site", "UsedFormToken")
            if not used_tokens.use(nonce, keep_for=timedelta(seconds=MAXIMUM_SECONDS_TO_FILL)):
                raise forms.ValidationError(_("This form was already sent."), code="replayed")
        return cleaned_data


class FeedbackFormBuilder(FormBuilder):
    def create_multiline_field(self, field, options):
        options.setdefault("max_length", MESSAGE_MAX_LENGTH)
        return super().create_multiline_field(field, options)

    def create_email_field(self, field, options):
        # Lets browsers fill in the visitor's own address (WCAG 2.2, 1.3.5 Identify Input Purpose).
        form_field = super().create_email_field(field, options)
        form_field.widget.attrs["autocomplete"] = "email"
        return form_field

    def get_form_class(self):
        return type("FeedbackForm", (FeedbackForm,), self.formfields)
