"""The form through which visitors report a problem to the secretariat."""

import time
from smtplib import SMTPException

import pytest
import time_machine

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from wagtail.contrib.forms.models import FormSubmission

from pompidou_site.forms import MESSAGE_MAX_LENGTH, started_token
from pompidou_site.models import FeedbackFormPage, StandardPage


def report_form(language="en"):
    return FeedbackFormPage.objects.get(locale__language_code=language)


def as_sent_by_a_person(data, seconds_to_fill=20):
    """The form's data with the signed start time a visitor's browser sends back."""
    return {**data, "started": started_token(time.time() - seconds_to_fill)}


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
    response = client.post(
        report_form().url, as_sent_by_a_person({"address_of_the_page": "not an address", "your_e_mail_address": "x"})
    )
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
        as_sent_by_a_person(
            {
                "what_went_wrong": "The menu does not open with the keyboard.",
                "address_of_the_page": "https://example.org/en/",
            }
        ),
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
    response = client.post(page.url, as_sent_by_a_person({"quel_est_le_probleme": "Le lien est illisible."}))
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
    response = client.post(page.url, as_sent_by_a_person({"what_went_wrong": "The search button has no label."}))
    assert response.status_code == 200
    assert "Your report has reached the Pompidou Group secretariat." in response.content.decode()
    assert FormSubmission.objects.filter(page=page).count() == 1
    assert "Could not e-mail the submission" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("started", "message"),
    [
        (lambda: started_token(), "sent too quickly"),
        (lambda: started_token(time.time() - 2 * 24 * 3600), "has expired"),
        (lambda: "forged", "has expired"),
        (lambda: "", "has expired"),
    ],
    ids=["instant", "two-days-old", "forged", "missing"],
)
def test_a_robot_posting_at_once_or_replaying_is_refused_and_nothing_is_kept(client, seeded, started, message):
    # The clock stands still, so "at once" stays under the minimum however slowly a loaded machine runs the test.
    with time_machine.travel(time.time(), tick=False):
        data = {"what_went_wrong": "Buy cheap pills", "started": started()}
        response = client.post(report_form().url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert message in html
    assert "Buy cheap pills</textarea>" in html, "what was typed is kept, in case a person was refused"
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_message_has_a_length_limit(client, seeded):
    html = client.get(report_form().url).content.decode()
    assert f'maxlength="{MESSAGE_MAX_LENGTH}"' in html
    response = client.post(report_form().url, as_sent_by_a_person({"what_went_wrong": "x" * (MESSAGE_MAX_LENGTH + 1)}))
    assert "The form could not be sent" in response.content.decode()
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_the_start_time_is_not_stored_with_the_report(client, seeded):
    client.post(report_form().url, as_sent_by_a_person({"what_went_wrong": "Low contrast in the footer."}))
    assert "started" not in FormSubmission.objects.get().get_data()
