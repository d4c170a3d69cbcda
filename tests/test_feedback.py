"""The form through which visitors report a problem to the secretariat."""

from smtplib import SMTPException

import pytest

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from wagtail.contrib.forms.models import FormSubmission

from pompidou_site.models import FeedbackFormPage, StandardPage


def report_form(language="en"):
    return FeedbackFormPage.objects.get(locale__language_code=language)


@pytest.mark.django_db
def test_the_accessibility_statement_links_to_the_report_form(client, seeded):
    for language in ("en", "fr"):
        statement = StandardPage.objects.get(locale__language_code=language, slug__startswith="accessib")
        assert report_form(language).get_parent().specific == statement
        assert f'href="{report_form(language).url}"' in client.get(statement.url).content.decode()


@pytest.mark.django_db
def test_the_form_labels_every_field_and_says_which_are_required(client, seeded):
    html = client.get(report_form().url).content.decode()
    assert '<label for="id_what_went_wrong">What went wrong? <span class="form-field__required">(required)' in html
    assert '<label for="id_your_e_mail_address">Your e-mail address</label>' in html
    assert 'autocomplete="email"' in html
    assert 'aria-describedby="id_what_went_wrong_helptext"' in html


@pytest.mark.django_db
def test_a_form_with_errors_says_what_to_fix_and_keeps_what_was_typed(client, seeded):
    response = client.post(report_form().url, {"address_of_the_page": "not an address", "your_e_mail_address": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert '<a href="#id_what_went_wrong">What went wrong? — This field is required.</a>' in html
    assert 'id="id_what_went_wrong_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="not an address"' in html
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_report_is_kept_for_the_secretariat_and_thanked(client, seeded):
    response = client.post(
        report_form().url,
        {
            "what_went_wrong": "The menu does not open with the keyboard.",
            "address_of_the_page": "https://example.org/en/",
        },
    )
    assert response.status_code == 200
    assert "Your report has reached the Pompidou Group secretariat." in response.content.decode()
    submission = FormSubmission.objects.get(page=report_form())
    assert submission.get_data()["what_went_wrong"] == "The menu does not open with the keyboard."
    assert mail.outbox == [], "no address is set, so nothing is e-mailed"


@pytest.mark.django_db
def test_a_report_is_e_mailed_when_the_secretariat_sets_an_address(client, seeded):
    page = report_form("fr")
    page.to_address = "secretariat@example.org"
    page.from_address = "site@example.org"
    page.subject = "Signalement"
    page.save_revision().publish()
    response = client.post(page.url, {"quel_est_le_probleme": "Le lien est illisible."})
    assert response.status_code == 200
    assert "Merci." in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["secretariat@example.org"]
    assert "Le lien est illisible." in mail.outbox[0].body


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("the mail server is down")


@pytest.mark.django_db
def test_a_mail_failure_still_keeps_the_report_and_thanks_the_visitor(client, seeded, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    page = report_form()
    page.to_address = "secretariat@example.org"
    page.save_revision().publish()
    response = client.post(page.url, {"what_went_wrong": "The search button has no label."})
    assert response.status_code == 200
    assert "Your report has reached the Pompidou Group secretariat." in response.content.decode()
    assert FormSubmission.objects.filter(page=page).count() == 1
    assert "Could not e-mail the submission" in caplog.text
