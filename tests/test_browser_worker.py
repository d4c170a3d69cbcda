"""A moderator schedules a page in the admin, in Chromium, and sees it go live through the worker.

Run with the browser suite (`make test-browser PYTEST_ARGS="-k worker"`). The data is committed
and served by a live server of this module's own, as in test_browser.py, with tasks queued in
the database; the worker is the real `db_worker` command, run for one pass in this process while
the clock is moved past the go-live time (the admin schedules to the minute).
"""

import signal
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from wagtail.models import Site

from pompidou_site.models import StandardPage
from pompidou_site.scheduling import NO_WORKER_WARNING

from . import factories
from .conftest import restore_database, snapshot_database
from .test_browser import CHROMIUM_ARGS, CHROMIUM_PATH, refuse_unless_test_database
from .test_worker import DATABASE_TASKS

# Transactional: the live server and the worker must see what the other commits. The module's
# fixture puts back, after the flush, the rows the migrations made.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-moderator-password"


@pytest.fixture(scope="module")
def scheduling_server(django_db_setup, django_db_blocker):
    """A home page and an unpublished page, committed, behind a live server; flushed afterwards."""
    with django_db_blocker.unblock(), override_settings(TASKS=DATABASE_TASKS):
        refuse_unless_test_database()
        snapshot = snapshot_database()
        server = None
        try:
            get_user_model().objects.create_superuser("moderator", "moderator@example.org", PASSWORD)
            home = factories.HomePageFactory(title="Pompidou Group", slug="home-scheduling")
            Site.objects.filter(is_default_site=True).update(root_page=home)
            page = factories.StandardPageFactory(
                parent=home, title="Annual report 2026", slug="annual-report-2026", live=False
            )
            server = LiveServer("localhost")
            yield server, page.pk
        finally:
            if server is not None:
                server.stop()
            restore_database(snapshot)


def run_worker_once():
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def test_a_moderator_schedules_a_page_and_the_worker_publishes_it(scheduling_server, django_db_blocker, monkeypatch):
    server, page_pk = scheduling_server
    if not CHROMIUM_PATH.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}: `apt-get install chromium`, or set CHROMIUM_PATH.")
    # The ORM runs in this thread beside Playwright's event loop (see test_browser.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    go_live_at = timezone.localtime(timezone.now() + timedelta(minutes=2)).replace(second=0, microsecond=0)

    with sync_playwright() as playwright, override_settings(TASKS=DATABASE_TASKS):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(base_url=server.url)
            tab.goto("/admin/login/")
            tab.fill("#id_username", "moderator")
            tab.fill("#id_password", PASSWORD)
            tab.click("button[type=submit]")
            expect(tab.locator("h1").first).to_be_visible()

            tab.goto(f"/admin/pages/{page_pk}/edit/")
            tab.click('button[data-side-panel-toggle="status"]')
            tab.click('button[data-a11y-dialog-show="schedule-publishing-dialog"]')
            tab.fill("#id_go_live_at", go_live_at.strftime("%Y-%m-%d %H:%M"))
            # From the keyboard: the date picker may still cover the button for a pointer.
            tab.focus("#schedule-publishing-dialog button.action-save")
            tab.keyboard.press("Enter")
            tab.wait_for_load_state()

            tab.get_by_role("button", name="More actions").click()
            tab.click('button[name="action-publish"]')
            expect(tab.get_by_text(str(NO_WORKER_WARNING))).to_be_visible()

            with django_db_blocker.unblock():
                page = StandardPage.objects.get(pk=page_pk)
                assert not page.live
                assert page.scheduled_revision.approved_go_live_at == go_live_at
                public_url = f"/en/{page.slug}/"
            assert tab.goto(public_url).status == 404

            with time_machine.travel(go_live_at + timedelta(seconds=5)), django_db_blocker.unblock():
                run_worker_once()
                assert StandardPage.objects.get(pk=page_pk).live

                response = tab.goto(public_url)
                assert response.status == 200
                expect(tab.locator("h1")).to_have_text("Annual report 2026")

                tab.goto(f"/admin/pages/{page_pk}/edit/")
                expect(tab.get_by_text(str(NO_WORKER_WARNING))).to_have_count(0)
        finally:
            browser.close()
