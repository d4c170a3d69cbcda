"""Accounts and sign-in security: lockouts, throttles, two-factor authentication, passwords, sessions."""

import datetime
import json
import logging
import threading
import time

import pytest
from axes.models import AccessAttempt
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail.models import CollectionViewRestriction, PageViewRestriction

from pompidou_site.accounts.client_ip import client_ip
from pompidou_site.accounts.forms import MAIL_THREAD_NAME

from . import factories
from .test_settings import PRODUCTION_ENVIRONMENT, run_with_settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
# The suite's settings leave it off so that other tests can use force_login; production has it on
# (test_production_requires_two_factor_authentication).
two_factor_on = override_settings(WAGTAIL_2FA_REQUIRED=True)


@pytest.fixture
def groups(db):
    """Wagtail's Editors and Moderators as the migrations leave them (Moderators need a second factor)."""
    return {group.name: group for group in Group.objects.filter(name__in=["Editors", "Moderators"])}


def member_of(django_user_model, group, username):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(group)
    return user


@pytest.fixture
def moderator(groups, django_user_model):
    return member_of(django_user_model, groups["Moderators"], "moderator")


@pytest.fixture
def editor_in_group(groups, django_user_model):
    return member_of(django_user_model, groups["Editors"], "writer")


def sign_in(client, username, password, address="127.0.0.1"):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def lock_out(client, username, address="127.0.0.1"):
    for _attempt in range(5):
        sign_in(client, username, "not-the-password", address)


# Lockouts -----------------------------------------------------------------------------------


def test_five_wrong_passwords_are_answered_then_the_sixth_attempt_is_locked_out(client, superuser, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _attempt in range(5):
            response = sign_in(client, "editor", "not-the-password")
            assert response.status_code == 200
            assert "Sign-in locked" not in response.text
        # Even the right password is refused now.
        response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked" in response.text
    assert "There were 5 failed sign-in attempts for this user name" in response.text
    assert "_auth_user_id" not in client.session

    failures = [record for record in caplog.records if "login failure by" in record.getMessage()]
    lockouts = [record for record in caplog.records if "Locking out" in record.getMessage()]
    assert len(failures) == 5
    assert len(lockouts) == 1
    assert all(record.levelno == logging.WARNING for record in failures + lockouts)
    assert 'username: "editor", ip_address: "127.0.0.1"' in lockouts[0].getMessage()


def test_a_right_password_clears_the_count(client, superuser):
    for _attempt in range(4):
        sign_in(client, "editor", "not-the-password")
    assert sign_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        assert sign_in(client, "editor", "not-the-password").status_code == 200
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_the_lockout_page_says_when_to_retry(client, superuser):
    lock_out(client, "editor")
    response = sign_in(client, "editor", PASSWORD)
    retry_at = timezone.localtime(timezone.now() + datetime.timedelta(minutes=15))
    assert response.status_code == 429
    # Within the same minute as the last failure, or the next one if the clock just turned.
    shown = {f"{retry_at:%H:%M}", f"{retry_at - datetime.timedelta(minutes=1):%H:%M}"}
    assert any(f"Try again after {time_shown}" in response.text for time_shown in shown), response.text


def test_a_lockout_holds_for_one_user_name_from_one_address_only(client, superuser, django_user_model):
    django_user_model.objects.create_user("colleague", "colleague@example.org", PASSWORD)
    lock_out(client, "editor", address="203.0.113.7")
    assert sign_in(client, "editor", PASSWORD, address="203.0.113.7").status_code == 429
    assert sign_in(client, "colleague", PASSWORD, address="203.0.113.7").status_code == 302
    client.logout()
    assert sign_in(client, "editor", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_spoofed_forwarded_for_header_does_not_escape_the_lockout_without_a_trusted_proxy(client, superuser):
    for number in range(5):
        client.post(
            reverse("wagtailadmin_login"),
            {"username": "editor", "password": "not-the-password"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxy_count", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        # The client wrote the left-most entry itself: only the proxy's own entry is trusted.
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}, "203.0.113.5"),
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.0.0.2"}, "203.0.113.5"),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.1"),
    ],
)
def test_the_client_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(proxy_count, meta, expected):
    with override_settings(TRUSTED_PROXY_COUNT=proxy_count):
        assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_behind_a_trusted_proxy_each_client_is_locked_out_on_its_own(client, superuser):
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for _attempt in range(5):
            client.post(
                reverse("wagtailadmin_login"),
                {"username": "editor", "password": "not-the-password"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.5",
            )
        locked = client.post(
            reverse("wagtailadmin_login"),
            {"username": "editor", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
        other_client = client.post(
            reverse("wagtailadmin_login"),
            {"username": "editor", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )
    assert locked.status_code == 429
    assert other_client.status_code == 302


def test_the_axes_command_lifts_a_lockout(client, superuser, capsys):
    lock_out(client, "editor")
    assert sign_in(client, "editor", PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor")
    assert "attempts removed" in capsys.readouterr().out
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_a_superuser_lifts_a_lockout_in_the_admin(client, superuser, moderator):
    lock_out(client, "moderator", address="203.0.113.7")
    client.force_login(superuser)
    listing = client.get(reverse("accounts_lockouts"))
    assert listing.status_code == 200
    assert "moderator" in listing.text
    assert "203.0.113.7" in listing.text
    attempt_pk = listing.context["attempts"][0]["attempt"].pk

    response = client.post(reverse("accounts_lift_lockout", args=[attempt_pk]), follow=True)
    assert "The lockout of moderator from 203.0.113.7 is lifted." in response.text
    assert "No user name is locked out." in response.text
    client.logout()
    assert sign_in(client, "moderator", PASSWORD, address="203.0.113.7").status_code == 302


def test_only_superusers_see_and_lift_lockouts(client, superuser, moderator):
    lock_out(client, "editor")
    client.force_login(moderator)
    listing = client.get(reverse("accounts_lockouts"))
    assert listing.status_code in {302, 403}
    assert "203.0.113" not in listing.text
    attempt = AccessAttempt.objects.get(username="editor")
    client.post(reverse("accounts_lift_lockout", args=[attempt.pk]))
    assert AccessAttempt.objects.filter(username="editor").exists()
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    menu = client.get(reverse("wagtailadmin_home")).text
    assert reverse("accounts_lockouts") in menu


def test_lifting_a_lockout_lifted_meanwhile_says_so(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("accounts_lift_lockout", args=[999999]), follow=True)
    assert response.status_code == 200
    assert "That lockout is already lifted." in response.text
    assert client.get(reverse("accounts_lift_lockout", args=[999999])).status_code == 405


# Password-protected pages -------------------------------------------------------------------


@pytest.fixture
def protected_page(site_tree):
    restriction = PageViewRestriction.objects.create(
        page=site_tree.standard_page, restriction_type=PageViewRestriction.PASSWORD, password="the-page-password"
    )
    return site_tree.standard_page, restriction


def try_page_password(client, protected_page, password, address="127.0.0.1"):
    page, restriction = protected_page
    return client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]),
        {"password": password, "return_url": page.url},
        REMOTE_ADDR=address,
    )


def test_wrong_page_passwords_are_throttled_per_address_with_the_site_layout(client, protected_page):
    for _attempt in range(5):
        assert try_page_password(client, protected_page, "wrong").status_code == 200
    response = try_page_password(client, protected_page, "the-page-password")
    assert response.status_code == 429
    assert "Too many wrong passwords were entered for this content" in response.text
    assert 'id="main-content"' in response.text  # The site's layout, not a bare error.
    assert protected_page[0].title not in response.text
    # Another address is not affected.
    assert try_page_password(client, protected_page, "the-page-password", address="198.51.100.20").status_code == 302


def test_the_right_page_password_is_not_counted(client, protected_page):
    for _attempt in range(8):
        assert try_page_password(client, protected_page, "the-page-password").status_code == 302
    assert try_page_password(client, protected_page, "wrong").status_code == 200


def test_another_page_under_the_same_restriction_shares_the_count(client, protected_page, site_tree):
    page, restriction = protected_page
    child = site_tree.feedback_form  # Under the protected standard page.
    for _attempt in range(5):
        try_page_password(client, protected_page, "wrong")
    response = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, child.pk]),
        {"password": "the-page-password", "return_url": child.url},
    )
    assert response.status_code == 429


def test_wrong_document_passwords_are_throttled_too(client, db):
    collection = factories.root_collection().add_child(name="Restricted")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="the-file-password"
    )
    document = factories.CustomDocumentFactory(collection=collection)
    url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    for _attempt in range(5):
        assert client.post(url, {"password": "wrong", "return_url": document.url}).status_code == 200
    response = client.post(url, {"password": "the-file-password", "return_url": document.url})
    assert response.status_code == 429
    assert "Too many wrong passwords were entered for this content" in response.text


# Password reset -----------------------------------------------------------------------------


def wait_for_mail():
    for thread in threading.enumerate():
        if thread.name == MAIL_THREAD_NAME:
            thread.join(timeout=10)


def request_reset(client, email, address="127.0.0.1"):
    return client.post(reverse("wagtailadmin_password_reset"), {"email": email}, REMOTE_ADDR=address)


class SlowEmailBackend(EmailBackend):
    """A mail server that takes its time, as a real one may."""

    def send_messages(self, messages):
        time.sleep(3)
        return super().send_messages(messages)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, superuser):
    known = request_reset(client, "editor@example.org")
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("wagtailadmin_password_reset_done")
    wait_for_mail()
    assert [message.to for message in mail.outbox] == [["editor@example.org"]]
    assert reverse("wagtailadmin_password_reset_confirm", args=["x", "y"]).split("x/")[0] in mail.outbox[0].body


@override_settings(EMAIL_BACKEND="tests.test_accounts.SlowEmailBackend")
def test_password_reset_does_not_wait_for_the_mail_server(client, superuser):
    started = time.monotonic()
    response = request_reset(client, "editor@example.org")
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2.0, f"the known address took {elapsed:.2f} s: it waited for the mail server"
    wait_for_mail()
    assert len(mail.outbox) == 1


def test_password_reset_is_throttled_per_email_address_with_the_same_answer(client, superuser):
    answers = [request_reset(client, "editor@example.org", address=f"198.51.100.{n}") for n in range(5)]
    wait_for_mail()
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse("wagtailadmin_password_reset_done")}
    assert len(mail.outbox) == 3


def test_password_reset_is_throttled_per_address_with_a_429_in_the_admin_style(client, superuser):
    for number in range(5):
        assert request_reset(client, f"someone{number}@example.org").status_code == 302
    response = request_reset(client, "editor@example.org")
    assert response.status_code == 429
    assert "Too many password resets were requested from your network." in response.text
    assert "Try again in 60 minutes" in response.text
    assert "wagtailadmin" in response.text  # The admin's own stylesheets.
    wait_for_mail()
    assert mail.outbox == []
    # Another address may still ask.
    assert request_reset(client, "editor@example.org", address="198.51.100.20").status_code == 302


# Two-factor authentication ------------------------------------------------------------------


def test_production_requires_two_factor_authentication_and_keeps_axes_last():
    code = (
        "import json\nfrom django.conf import settings\n"
        "print(json.dumps({'required': settings.WAGTAIL_2FA_REQUIRED, 'middleware': settings.MIDDLEWARE,"
        " 'backends': settings.AUTHENTICATION_BACKENDS, 'age': settings.SESSION_COOKIE_AGE,"
        " 'every': settings.SESSION_SAVE_EVERY_REQUEST, 'proxies': settings.TRUSTED_PROXY_COUNT}))"
    )
    result = run_with_settings("pompidou_site.settings.production", code, **PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["required"] is True
    middleware = values["middleware"]
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert middleware.index("wagtail_2fa.middleware.VerifyUserPermissionsMiddleware") > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
    assert values["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["age"] == 2 * 60 * 60
    assert values["every"] is True
    assert values["proxies"] == 0


def test_development_may_skip_two_factor_authentication():
    code = "from django.conf import settings\nprint(settings.WAGTAIL_2FA_REQUIRED)"
    assert run_with_settings("pompidou_site.settings.dev", code).stdout.strip() == "False"
    turned_on = run_with_settings("pompidou_site.settings.dev", code, WAGTAIL_2FA_REQUIRED="true")
    assert turned_on.stdout.strip() == "True"


@two_factor_on
def test_a_moderator_without_a_device_is_sent_to_set_one_up(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtail_2fa_device_new"))
    assert client.get(reverse("wagtail_2fa_device_new")).status_code == 200


@two_factor_on
def test_a_superuser_without_a_device_is_sent_to_set_one_up(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[1]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtail_2fa_device_new"))


@two_factor_on
def test_an_editor_may_work_without_a_second_factor_or_add_one(client, editor_in_group):
    client.force_login(editor_in_group)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("wagtail_2fa_device_new")).status_code == 200


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_token(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@two_factor_on
def test_a_moderator_with_a_device_enters_a_valid_code_to_get_in(client, moderator):
    device = confirmed_device(moderator)
    client.force_login(moderator)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtail_2fa_auth"))

    wrong = client.post(reverse("wagtail_2fa_auth"), {"otp_token": "000000", "next": reverse("wagtailadmin_home")})
    assert wrong.status_code == 200
    assert "Invalid code" in wrong.text
    assert client.get(reverse("wagtailadmin_home")).status_code == 302

    # django-otp makes the next try wait after a wrong code (one second, doubling each time).
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=2)
    )
    right = client.post(
        reverse("wagtail_2fa_auth"), {"otp_token": current_token(device), "next": reverse("wagtailadmin_home")}
    )
    assert right.status_code == 302
    assert right["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


@two_factor_on
def test_an_editor_who_added_a_device_is_asked_for_it(client, editor_in_group):
    confirmed_device(editor_in_group)
    client.force_login(editor_in_group)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtail_2fa_auth"))


@two_factor_on
def test_the_reset_command_removes_a_lost_device_and_setup_is_asked_again(client, moderator, capsys):
    confirmed_device(moderator)
    call_command("reset_2fa", "moderator")
    assert "Removed 1 two-factor device(s) of moderator" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=moderator).exists()
    client.force_login(moderator)
    response = client.get(reverse("wagtailadmin_home"))
    assert response["Location"].startswith(reverse("wagtail_2fa_device_new"))


def test_a_superuser_removes_a_lost_device_in_the_admin(client, superuser, moderator):
    device = confirmed_device(moderator)
    client.force_login(superuser)
    listing = client.get(reverse("wagtail_2fa_device_list", args=[moderator.pk]))
    assert listing.status_code == 200
    assert "Phone" in listing.text
    response = client.post(reverse("wagtail_2fa_device_remove", args=[device.pk]), {"user_id": moderator.pk})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=moderator).exists()


def test_removing_an_unknown_device_is_not_found(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("wagtail_2fa_device_remove", args=[999999]), {"user_id": superuser.pk})
    assert response.status_code in {302, 404}
    if response.status_code == 302:  # The language redirect every unknown admin address gets.
        assert client.get(response["Location"]).status_code == 404


def test_removing_a_device_without_naming_its_user_goes_back_to_its_owner_s_list(client, superuser, moderator):
    device = confirmed_device(moderator)
    client.force_login(superuser)
    response = client.post(reverse("wagtail_2fa_device_remove", args=[device.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtail_2fa_device_list", args=[moderator.pk])


def test_the_reset_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="There is no user 'ghost'"):
        call_command("reset_2fa", "ghost")


# Passwords, sessions, sign-out --------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pass", "This password is too short. It must contain at least 12 characters."),
        ("839274619305", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("newcolleague1", "The password is too similar to the username."),
    ],
)
def test_the_admin_user_form_rejects_weak_passwords(client, superuser, django_user_model, password, message):
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newcolleague1",
            "email": "colleague@example.org",
            "first_name": "New",
            "last_name": "Colleague",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.text.replace("&#x27;", "'")
    assert not django_user_model.objects.filter(username="newcolleague1").exists()


def test_the_admin_user_form_accepts_a_strong_password(client, superuser, django_user_model):
    client.force_login(superuser)
    strong = "correct horse battery staple"
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newcolleague1",
            "email": "colleague@example.org",
            "first_name": "New",
            "last_name": "Colleague",
            "password1": strong,
            "password2": strong,
        },
    )
    assert response.status_code == 302
    assert django_user_model.objects.get(username="newcolleague1").check_password(strong)


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def test_a_session_ends_after_two_hours_without_a_request(client, superuser, monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    # Working on: each request pushes the end back, so the session outlives two hours of work.
    for _step in range(3):
        clock.now += datetime.timedelta(hours=1, minutes=50)
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
    # Then two hours away.
    clock.now += datetime.timedelta(hours=2, minutes=1)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_signing_out_ends_the_session_for_good(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    old_key = client.cookies["sessionid"].value
    assert client.post(reverse("wagtailadmin_logout")).status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    # Someone who kept a copy of the old cookie gets nothing from it.
    client.cookies["sessionid"] = old_key
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@two_factor_on
def test_a_code_from_a_second_device_works_too(client, moderator):
    confirmed_device(moderator)
    second = confirmed_device(moderator)
    client.force_login(moderator)
    response = client.post(
        reverse("wagtail_2fa_auth"), {"otp_token": current_token(second), "next": reverse("wagtailadmin_home")}
    )
    assert response.status_code == 302
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
