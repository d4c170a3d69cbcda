"""Download statistics: each download of a public document counted per month and language, nothing
about the visitor kept, and a report the secretariat can filter and export."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
import time_machine
from bs4 import BeautifulSoup

from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError
from django.db.models.query import QuerySet
from django.urls import reverse

from wagtail.models import Collection

from pompidou_site import download_statistics
from pompidou_site.models import DocumentDownloadCount

from . import factories

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
REPORT_URL = "/admin/reports/document-downloads/"


def document_block(document):
    return json.dumps([{"type": "document", "value": {"document": document.pk, "title": ""}}])


def downloaded_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def counts():
    return {(row.document_id, row.month, row.language): row.downloads for row in DocumentDownloadCount.objects.all()}


@pytest.fixture
def document():
    return factories.CustomDocumentFactory(title="Training outline 2012")


@pytest.fixture
def in_march():
    # Europe/Paris: 1 March 2026 at 00:30 there is still 28 February in UTC.
    with time_machine.travel(datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC), tick=False):
        yield


def test_a_download_from_a_french_page_counts_for_french_in_the_month(client, document, in_march):
    response = client.get(document.url, headers={"referer": "http://testserver/fr/programmes/drogues/"})
    assert response.status_code == 200
    assert downloaded_bytes(response)
    client.get(document.url, headers={"referer": "http://testserver/fr/"})
    assert counts() == {(document.pk, MARCH, "fr"): 2}


@pytest.mark.parametrize(
    ("url_suffix", "referer", "language"),
    [
        ("", "http://testserver/en/programmes/", "en"),
        ("?lang=fr", "", "fr"),
        ("?lang=fr", "http://testserver/en/", "fr"),
        ("", "", ""),
        ("?lang=xx", "", ""),
        # Another site's /fr/ says nothing about this site's visitors.
        ("", "https://elsewhere.example/fr/", ""),
        ("", "http://testserver/documents/", ""),
    ],
)
def test_the_language_comes_from_the_link_or_the_page_the_visitor_came_from(
    client, document, in_march, url_suffix, referer, language
):
    headers = {"referer": referer} if referer else {}
    assert client.get(document.url + url_suffix, headers=headers).status_code == 200
    assert counts() == {(document.pk, MARCH, language): 1}


def test_each_month_has_its_own_count(client, document):
    with time_machine.travel(datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC), tick=False):
        client.get(document.url)
    with time_machine.travel(datetime.datetime(2026, 4, 1, 12, tzinfo=datetime.UTC), tick=False):
        client.get(document.url)
        client.get(document.url)
    assert counts() == {(document.pk, MARCH, ""): 1, (document.pk, APRIL, ""): 2}


def test_nothing_about_the_visitor_is_kept_and_no_cookie_is_set(client, document):
    response = client.get(document.url, headers={"user-agent": "Mozilla/5.0"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response
    field_names = {field.name for field in DocumentDownloadCount._meta.get_fields()}
    assert field_names == {"id", "document", "month", "language", "downloads"}
    stored = [str(value) for value in DocumentDownloadCount.objects.values_list(flat=False).get()]
    assert "192.0.2.7" not in stored
    assert "Mozilla/5.0" not in stored


def test_head_requests_not_modified_answers_and_robots_are_not_counted(client, document):
    assert client.head(document.url).status_code == 200
    assert (
        client.get(document.url, headers={"user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}).status_code == 200
    )
    first = client.get(document.url)
    assert first.status_code == 200
    assert counts() == {(document.pk, download_statistics.current_month(), ""): 1}
    revalidation = client.get(document.url, headers={"if-none-match": first["ETag"]})
    assert revalidation.status_code == 304
    assert counts() == {(document.pk, download_statistics.current_month(), ""): 1}


@pytest.mark.parametrize("collection_fixture", ["private_collection", "password_collection"])
def test_refused_downloads_of_private_documents_are_not_counted(client, request, collection_fixture):
    document = factories.CustomDocumentFactory(collection=request.getfixturevalue(collection_fixture))
    response = client.get(document.url)
    assert response.get("Content-Type", "") != "application/pdf"
    assert counts() == {}


def test_private_documents_are_not_counted_even_for_the_secretariat(client, superuser, private_collection):
    document = factories.CustomDocumentFactory(collection=private_collection)
    client.force_login(superuser)
    response = client.get(document.url)
    assert response["Content-Type"] == "application/pdf"
    assert counts() == {}


def test_the_file_is_served_when_counting_fails(client, document, monkeypatch, caplog):
    def failing_update(self, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", failing_update)
    document.file.open("rb")
    expected = document.file.read()
    document.file.close()

    response = client.get(document.url)
    assert response.status_code == 200
    assert downloaded_bytes(response) == expected
    assert "Could not count a download" in caplog.text
    monkeypatch.undo()
    assert counts() == {}


def test_a_failed_count_leaves_the_surrounding_transaction_usable(document, monkeypatch):
    def failing_create(self, **kwargs):
        raise DatabaseError("the row could not be written")

    monkeypatch.setattr("django.db.models.query.QuerySet.create", failing_create)
    with pytest.raises(DatabaseError):
        download_statistics.count_download(document, "en", MARCH)
    monkeypatch.undo()
    # The savepoint was rolled back: the test's own transaction still answers.
    assert DocumentDownloadCount.objects.count() == 0


def test_a_first_download_that_loses_the_race_to_insert_updates_instead(document, monkeypatch):
    """Two first downloads in the same month: the second's INSERT meets the first's row."""
    real_update = QuerySet.update
    calls = []

    def update_seeing_nothing_the_first_time(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            # Meanwhile another request inserts the month's row.
            DocumentDownloadCount.objects.create(document=document, month=MARCH, language="en", downloads=1)
            return 0
        return real_update(self, **kwargs)

    monkeypatch.setattr("django.db.models.query.QuerySet.update", update_seeing_nothing_the_first_time)
    download_statistics.count_download(document, "en", MARCH)
    monkeypatch.undo()
    assert counts() == {(document.pk, MARCH, "en"): 2}


# ---- The report ----


@pytest.fixture
def readers(db):
    """The groups as the migrations leave them: Editors and Moderators read the report (0004)."""
    return {group.name: group for group in Group.objects.all()}


def member_of(django_user_model, group, username):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "a-long-test-password")
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def statistics(site_tree):
    """Two documents: one used on a programme's country project, one on a page outside programmes."""
    other_collection = Collection.get_first_root_node().add_child(name="Annual reports")
    programme_document = factories.CustomDocumentFactory(title="Prison training outline")
    other_document = factories.CustomDocumentFactory(title="Annual report 2025", collection=other_collection)
    factories.CountryProjectPageFactory(
        parent=site_tree.programme,
        title="Project in Moldova",
        slug="project-md",
        body=document_block(programme_document),
    )
    factories.StandardPageFactory(
        parent=site_tree.home, title="Reports", slug="reports", body=document_block(other_document)
    )
    rows = [
        (programme_document, MARCH, "en", 3),
        (programme_document, MARCH, "fr", 2),
        (programme_document, MARCH, "", 1),
        (programme_document, APRIL, "fr", 5),
        (other_document, APRIL, "en", 7),
    ]
    for document, month, language, downloads in rows:
        DocumentDownloadCount.objects.create(document=document, month=month, language=language, downloads=downloads)
    return {"programme": programme_document, "other": other_document, "collection": other_collection}


def report_rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.select_one("table.listing")
    if table is None:
        return []
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all(["td", "th"])]
        for row in table.find("tbody").find_all("tr")
    ]


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_the_secretariat_finds_the_report_under_reports(client, readers, django_user_model, group_name):
    client.force_login(member_of(django_user_model, readers[group_name], "reader"))
    response = client.get("/admin/")
    assert REPORT_URL in response.content.decode()
    assert client.get(REPORT_URL).status_code == 200


def test_an_admin_user_without_the_permission_neither_sees_nor_opens_the_report(client, readers, django_user_model):
    user = member_of(django_user_model, None, "outsider")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert REPORT_URL not in client.get("/admin/").content.decode()
    assert client.get(REPORT_URL).status_code in (302, 403)


def test_the_report_lists_downloads_per_document_and_month_by_language(client, superuser, statistics):
    client.force_login(superuser)
    rows = report_rows(client.get(REPORT_URL))
    assert rows == [
        ["Annual report 2025", "Annual reports", "April 2026", "7", "0", "0", "7"],
        ["Prison training outline", "Root", "April 2026", "0", "5", "0", "5"],
        ["Prison training outline", "Root", "March 2026", "3", "2", "1", "6"],
    ]


def test_the_report_filters_by_collection(client, superuser, statistics):
    client.force_login(superuser)
    rows = report_rows(client.get(REPORT_URL, {"collection": statistics["collection"].pk}))
    assert [row[0] for row in rows] == ["Annual report 2025"]


def test_the_report_filters_by_programme_in_either_language(client, superuser, site_tree, statistics):
    client.force_login(superuser)
    rows = report_rows(client.get(REPORT_URL, {"programme": site_tree.programme.pk}))
    assert {row[0] for row in rows} == {"Prison training outline"}
    assert len(rows) == 2


def test_the_report_filters_by_period_in_whole_months(client, superuser, statistics):
    client.force_login(superuser)
    rows = report_rows(client.get(REPORT_URL, {"period_from": "2026-03-15", "period_to": "2026-03-20"}))
    assert [(row[0], row[2]) for row in rows] == [("Prison training outline", "March 2026")]


def test_a_malformed_filter_is_not_an_error(client, superuser, statistics):
    client.force_login(superuser)
    assert client.get(REPORT_URL, {"period_from": "not a date", "programme": "abc"}).status_code == 200


def test_the_report_exports_csv(client, superuser, statistics):
    client.force_login(superuser)
    response = client.get(REPORT_URL, {"export": "csv", "collection": Collection.get_first_root_node().pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "document-downloads.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0] == ["Document", "Collection", "Month", "English", "French", "Other or unknown language", "Total"]
    assert table[1:] == [
        ["Prison training outline", "Root", "2026-04-01", "0", "5", "0", "5"],
        ["Prison training outline", "Root", "2026-03-01", "3", "2", "1", "6"],
    ]


def test_the_report_exports_xlsx(client, superuser, statistics):
    client.force_login(superuser)
    response = client.get(REPORT_URL, {"export": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("Document", "Collection", "Month", "English", "French", "Other or unknown language", "Total")
    assert len(rows) == 4
    assert rows[3][0] == "Prison training outline"
    assert str(rows[3][2])[:10] == "2026-03-01"
    assert rows[3][3:] == (3, 2, 1, 6)


def test_the_document_edit_page_shows_its_total_downloads(client, superuser, statistics):
    client.force_login(superuser)
    document = statistics["programme"]
    response = client.get(reverse("wagtaildocs:edit", args=[document.pk]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    term = soup.find("dt", string="Downloads")
    assert term is not None
    assert " ".join(term.find_next_sibling("dd").get_text().split()) == "Downloaded 11 times"


def test_a_download_shows_in_the_report(client, superuser, document):
    client.get(document.url, headers={"referer": "http://testserver/en/"})
    client.force_login(superuser)
    rows = report_rows(client.get(REPORT_URL))
    assert rows[0][0] == document.title
    assert rows[0][3] == "1"
    assert rows[0][-1] == "1"


def test_counting_is_one_update_once_the_months_row_exists(client, document, django_assert_max_num_queries):
    client.get(document.url)
    # Wagtail's own: the document, its collection and its restrictions. Ours: whether the
    # collection is public, and the UPDATE in a savepoint (SAVEPOINT and RELEASE are two more).
    with django_assert_max_num_queries(7):
        client.get(document.url)
    assert DocumentDownloadCount.objects.get().downloads == 2
