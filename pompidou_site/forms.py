"""The public feedback form: Wagtail's form builder, with limits that keep robots out without a CAPTCHA."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.forms.forms import BaseForm, FormBuilder

MESSAGE_MAX_LENGTH = 5000
# People need a few seconds to read and fill in the form; robots post at once.
MINIMUM_SECONDS_TO_FILL = 3
# Beyond a day the page was left open: ask for a fresh one rather than accept a replayed token.
MAXIMUM_SECONDS_TO_FILL = 60 * 60 * 24
SIGNING_SALT = "pompidou_site.feedback-form"


def started_token(started_at=None):
    """A signed record of when the form was shown."""
    return signing.dumps(started_at if started_at is not None else time.time(), salt=SIGNING_SALT)


class FeedbackForm(BaseForm):
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["started"] = started_token()

    def clean(self):
        cleaned_data = super().clean()
        try:
            started_at = float(signing.loads(cleaned_data.pop("started", "") or "", salt=SIGNING_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            started_at = None
        elapsed = time.time() - started_at if started_at is not None else None
        if elapsed is None or elapsed > MAXIMUM_SECONDS_TO_FILL:
            raise forms.ValidationError(_("This form has expired: please send it again."), code="expired")
        if elapsed < MINIMUM_SECONDS_TO_FILL:
            raise forms.ValidationError(
                _("The form was sent too quickly to be checked: please send it again."), code="too_fast"
            )
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
