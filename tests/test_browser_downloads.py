"""A document's life in a real browser: an editor attaches it to a new country project and submits
the page for moderation, a moderator approves it, a visitor downloads it from the published page,
and the download shows in the Document downloads report.

Selected with `pytest -m browser` (see tests/test_browser.py for what the browser tests need).
"""

import os
import time

import pytest
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections

from . import factories
from .conftest import build_site_tree, restore_database, snapshot_database
from .test_browser import CHROMIUM_ARGS, CHROMIUM_PATH, refuse_unless_test_database

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-long-test-password"
PROJECT_TITLE = "Prison health project in the Republic of Moldova"
DOCUMENT_TITLE = "Moldova prison health training outline"


@pytest.fixture(scope="module")
def _orm_calls_beside_playwright_here():
    """As in tests/test_browser.py: Playwright's loop runs in this thread, the ORM calls are synchronous."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, _orm_calls_beside_playwright_here):
    """A small bilingual site and the two roles, committed, behind a live server; flushed afterwards."""
    with django_db_blocker.unblock():
        refuse_unless_test_database()
        snapshot = snapshot_database()
        server = None
        try:
            tree = build_site_tree()
            # The roles as the migrations leave them: both upload documents, Moderators publish.
            editors = Group.objects.get(name="Editors")
            moderators = Group.objects.get(name="Moderators")
            user_model = get_user_model()
            editor = user_model.objects.create_user("editor", "editor@example.org", PASSWORD)
            editor.groups.add(editors)
            moderator = user_model.objects.create_user("moderator", "moderator@example.org", PASSWORD)
            moderator.groups.add(moderators)
            server = LiveServer("localhost")
            yield server, tree
        finally:
            if server is not None:
                server.stop()
            restore_database(snapshot)


@pytest.fixture(scope="module")
def browser(site):
    if not CHROMIUM_PATH.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}: `apt-get install chromium`, or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


def signed_in(browser, base_url, username):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base_url}/admin/")
    return context, page


def pdf_file():
    return {"name": "moldova-outline.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes()}


def test_an_approved_pages_document_is_downloaded_and_counted(site, browser):
    server, tree = site
    base_url = server.url

    # The editor drafts a country project under the programme, with a PDF uploaded in the chooser.
    editor_context, editor = signed_in(browser, base_url, "editor")
    editor.goto(f"/admin/pages/add/programmes/countryprojectpage/{tree.programme.pk}/")
    editor.fill("#id_title", PROJECT_TITLE)
    editor.get_by_label("Republic of Moldova").check()
    body = editor.locator("[data-contentpath='body']")
    body.get_by_role("button", name="Insert a block").first.click()
    editor.get_by_role("option", name="Document").click()
    body.get_by_role("button", name="Choose a document").click()
    modal = editor.locator(".modal-dialog")
    modal.get_by_role("tab", name="Upload").click()
    modal.locator("input[type=file]").set_input_files(pdf_file())
    modal.get_by_label("Title").fill(DOCUMENT_TITLE)
    modal.get_by_role("button", name="Upload").click()
    expect(body).to_contain_text(DOCUMENT_TITLE)
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Submit to Moderators approval").click()
    expect(editor.locator(".messages")).to_contain_text("submitted")
    editor_context.close()

    # The moderator finds it under the programme and approves it, which publishes it. (The test
    # reads no table meanwhile: SQLite's shared in-memory database would lock the server out.)
    moderator_context, moderator = signed_in(browser, base_url, "moderator")
    moderator.goto(f"/admin/pages/{tree.programme.pk}/")
    moderator.get_by_role("link", name=PROJECT_TITLE).first.click()
    moderator.get_by_role("button", name="More actions").click()
    moderator.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(moderator.locator(".messages")).to_contain_text("has been updated")

    # A visitor finds it on the programme's page and downloads the PDF from the project's page.
    visitor_context = browser.new_context(base_url=base_url, accept_downloads=True)
    visitor = visitor_context.new_page()
    visitor.goto(tree.programme.url)
    visitor.get_by_role("link", name=PROJECT_TITLE).click()
    expect(visitor.locator("h1")).to_have_text(f"{PROJECT_TITLE} — {tree.programme.title}")
    visitor.get_by_role("link", name=DOCUMENT_TITLE).click()

    # The download is in the moderator's report, counted for the English site it came from.
    row = moderator.locator("table.listing tbody tr", has_text=DOCUMENT_TITLE)
    deadline = time.monotonic() + 15
    while True:
        moderator.goto("/admin/reports/document-downloads/")
        if row.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    visitor_context.close()
    expect(row).to_have_count(1)
    cells = [" ".join(text.split()) for text in row.locator("td").all_inner_texts()]
    # Document, collection, month, English, French, other, total.
    assert cells[0] == DOCUMENT_TITLE
    assert cells[3:] == ["1", "0", "0", "1"]
    moderator_context.close()
