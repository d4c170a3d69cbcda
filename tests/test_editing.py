"""Editing comfort in the admin: plain help, friendly choosers, honest alt text, moderation that
never ends in a server error, the moderator's request shown to the editor, pages due for review."""

import datetime
import json
import logging

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from pompidou_site.blocks import CaptionedImageBlock
from pompidou_site.models import StandardPage
from programmes.models import CountryProjectPage, ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(db):
    """Editors and Moderators as the migrations leave them: Editors add and change pages, Moderators
    also publish, and Wagtail's "Moderators approval" workflow covers the whole tree."""
    return {group.name: group for group in Group.objects.filter(name__in=["Editors", "Moderators"])}


def member_of(django_user_model, group, username):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "a-long-test-password", first_name=username.title()
    )
    user.groups.add(group)
    return user


@pytest.fixture
def editor(roles, django_user_model):
    return member_of(django_user_model, roles["Editors"], "edith")


@pytest.fixture
def moderator(roles, django_user_model):
    return member_of(django_user_model, roles["Moderators"], "maurice")


def standard_page_form(**fields):
    return nested_form_data(
        {
            "comments": inline_formset([]),
            "title": "Accessibility statement",
            "slug": "accessibility",
            "introduction": "",
            "body": streamfield([]),
            "last_reviewed": "",
            **fields,
        }
    )


def add_url(parent, model=StandardPage):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def server_errors(caplog):
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


# Help in plain words


@pytest.mark.parametrize(
    ("model", "parent", "texts"),
    [
        (StandardPage, "home", ["The text of the page", "in lower case with hyphens"]),
        (
            ProgrammePage,
            "index",
            ["The year it began", "Tick every partner organisation", "The person readers may write to"],
        ),
        (CountryProjectPage, "programme", ["“To come” before the project starts", "tick several for a regional"]),
        (
            TrainingOutlinePage,
            "programme",
            ["Who the training was for", "How many people took part", "Whether the number is exact", "One entry per"],
        ),
    ],
)
def test_each_page_form_explains_its_fields_in_plain_words(client, superuser, site_tree, model, parent, texts):
    client.force_login(superuser)
    html = client.get(add_url(getattr(site_tree, parent), model)).content.decode()
    for text in texts:
        assert text in html
    assert "A picture shown beside this page where it is listed" in html
    assert "The day someone last checked that this page is still correct" in html
    # Wagtail's own, technical help for the slug is replaced.
    assert "The name of the page as it will appear in URLs" not in html


def test_the_block_help_reaches_the_editor(client, superuser, site_tree):
    client.force_login(superuser)
    html = client.get(add_url(site_tree.programme, TrainingOutlinePage)).content.decode()
    # Blocks are drawn by script from a JSON definition: the help is in it.
    assert "What the session covered." in html
    assert "Choose a document already uploaded" in html


def test_every_field_an_editor_fills_in_has_help():
    """Each field on the page types' own panels says what it is for."""
    own_fields = {
        StandardPage: ["introduction", "listing_image", "listing_summary", "last_reviewed", "body"],
        ProgrammePage: ["start_year", "end_year", "body", "countries", "partners", "related", "contact_name"],
        CountryProjectPage: ["status", "countries", "partners", "body", "documents"],
        TrainingOutlinePage: [
            "year",
            "start_date",
            "end_date",
            "date_precision",
            "city",
            "country",
            "organisers",
            "partners",
            "audience",
            "participants",
            "participants_qualifier",
            "objectives",
            "sessions",
            "outline_documents",
        ],
    }
    missing = [
        f"{model.__name__}.{name}"
        for model, names in own_fields.items()
        for name in names
        if not model._meta.get_field(name).help_text
    ]
    assert missing == []


# Partners chosen like countries


@pytest.mark.parametrize(
    ("model", "parent", "fields"),
    [
        (ProgrammePage, "index", ["countries", "partners"]),
        (CountryProjectPage, "programme", ["countries", "partners"]),
        (TrainingOutlinePage, "programme", ["organisers", "partners"]),
    ],
)
def test_partners_are_ticked_like_countries_not_ctrl_clicked(client, superuser, site_tree, model, parent, fields):
    client.force_login(superuser)
    response = client.get(add_url(getattr(site_tree, parent), model))
    html = response.content.decode()
    for name in fields:
        assert f'<select name="{name}"' not in html
        assert f'type="checkbox" name="{name}" value="' in html
    assert f'value="{site_tree.partner.pk}"' in html


# Alternative text that says something


@pytest.fixture
def photo(db):
    return factories.CustomImageFactory(title="Prison health training", file__filename="IMG_0042.jpg")


@pytest.mark.parametrize("alt_text", ["Prison health training", "IMG_0042.jpg", "img_0042", "prison-health-training"])
def test_alt_text_that_repeats_the_title_or_file_name_is_refused(photo, alt_text):
    block = CaptionedImageBlock()
    value = block.to_python({"image": {"image": photo.pk, "alt_text": alt_text, "decorative": False}, "caption": ""})
    with pytest.raises(Exception) as error:
        block.clean(value)
    assert "repeats the image’s title or file name" in str(error.value.as_json_data())


def test_alt_text_describing_the_image_or_a_decorative_image_is_accepted(photo):
    block = CaptionedImageBlock()
    for image in (
        {"image": photo.pk, "alt_text": "Nurses at a workshop in Chișinău prison", "decorative": False},
        {"image": photo.pk, "alt_text": "", "decorative": True},
    ):
        value = block.to_python({"image": image, "caption": ""})
        assert block.clean(value)["image"].pk == photo.pk


def test_saving_a_page_whose_alt_text_is_the_file_name_is_a_form_error(client, superuser, site_tree, photo, caplog):
    client.force_login(superuser)
    body = streamfield(
        [("image", {"image": {"image": photo.pk, "alt_text": "IMG_0042", "decorative": ""}, "caption": ""})]
    )
    response = client.post(add_url(site_tree.home), {**standard_page_form(body=body), "action-publish": "1"})
    assert response.status_code == 200
    assert "repeats the image" in response.content.decode()
    assert not StandardPage.objects.filter(slug="accessibility").exists()
    assert server_errors(caplog) == []


def test_an_image_whose_description_is_its_title_is_refused_on_upload(client, superuser, photo):
    client.force_login(superuser)
    url = reverse("wagtailimages:edit", args=[photo.pk])
    response = client.post(url, {"title": photo.title, "description": "Prison health training", "tags": ""})
    assert response.status_code == 200
    assert "repeats the image" in response.content.decode()


# Autosave, abandoned forms and moderation


def test_the_add_page_form_does_not_autosave(client, editor, site_tree):
    client.force_login(editor)
    response = client.get(add_url(site_tree.home))
    assert response.status_code == 200
    assert response.context["autosave_enabled"] is False
    assert "data-w-autosave-interval-value" not in response.content.decode()


def test_an_abandoned_add_page_form_leaves_no_page(client, editor, site_tree, caplog):
    client.force_login(editor)
    pages_before = Page.objects.count()
    assert client.get(add_url(site_tree.home)).status_code == 200
    # The editor leaves without saving.
    assert client.get(reverse("wagtailadmin_explore", args=[site_tree.home.pk])).status_code == 200
    assert Page.objects.count() == pages_before
    assert server_errors(caplog) == []


def test_the_first_save_draft_creates_the_page_and_the_next_ones_save_it(client, editor, site_tree, caplog):
    client.force_login(editor)
    response = client.post(add_url(site_tree.home), standard_page_form())
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="accessibility")
    assert not page.live
    response = client.post(edit_url(page), standard_page_form(introduction="How accessible the site is."))
    assert response.status_code == 302
    assert "already in use" not in client.get(response["Location"]).content.decode()
    assert StandardPage.objects.filter(slug="accessibility").count() == 1
    page = StandardPage.objects.get(pk=page.pk)
    assert page.get_latest_revision_as_object().introduction == "How accessible the site is."
    assert server_errors(caplog) == []


@pytest.fixture
def submitted_page(client, editor, site_tree):
    """A page an editor created and submitted to the moderators."""
    client.force_login(editor)
    response = client.post(add_url(site_tree.home), {**standard_page_form(), "action-submit": "action-submit"})
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="accessibility")
    assert page.current_workflow_task is not None
    return page


def request_changes(client, page, comment):
    """The moderator's "Request changes" from the page's edit screen, with a comment."""
    data = {
        **standard_page_form(),
        "action-workflow-action": "true",
        "workflow-action-name": "reject",
        "workflow-action-extra-data": json.dumps({"comment": comment}),
    }
    return client.post(edit_url(page), data)


def test_requesting_changes_twice_is_a_message_not_a_server_error(client, moderator, submitted_page, caplog):
    client.force_login(moderator)
    assert request_changes(client, submitted_page, "Please add the dates.").status_code == 302
    # A second click, or a tab left open, posts the action again after the task has ended.
    response = request_changes(client, submitted_page, "Please add the dates.")
    assert response.status_code == 302
    assert response["Location"] == edit_url(submitted_page)
    assert "no longer awaiting moderation" in client.get(response["Location"]).content.decode()
    assert server_errors(caplog) == []


def test_a_stale_workflow_action_asked_for_json_is_a_client_error(client, moderator, submitted_page, caplog):
    client.force_login(moderator)
    request_changes(client, submitted_page, "Please add the dates.")
    data = {**standard_page_form(), "action-workflow-action": "true", "workflow-action-name": "reject"}
    response = client.post(edit_url(submitted_page), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json()["success"] is False
    assert server_errors(caplog) == []


def test_unreadable_workflow_action_data_is_a_message_not_a_server_error(client, moderator, submitted_page, caplog):
    client.force_login(moderator)
    data = {
        **standard_page_form(),
        "action-workflow-action": "true",
        "workflow-action-name": "reject",
        "workflow-action-extra-data": "{not json",
    }
    response = client.post(edit_url(submitted_page), data)
    assert response.status_code == 302
    assert submitted_page.current_workflow_task is not None
    assert server_errors(caplog) == []


def test_the_editor_sees_the_moderators_request_when_opening_the_page(
    client, editor, moderator, submitted_page, caplog
):
    client.force_login(moderator)
    request_changes(client, submitted_page, "Please add the dates of the training.")

    client.force_login(editor)
    response = client.get(edit_url(submitted_page))
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"] if "requested" in str(message)]
    assert messages == ["Changes were requested by Maurice: “Please add the dates of the training.”"]
    assert server_errors(caplog) == []
    # Once the editor submits again, the old request is no longer shown.
    client.post(edit_url(submitted_page), {**standard_page_form(), "action-submit": "action-submit"})
    response = client.get(edit_url(submitted_page))
    assert "Please add the dates of the training." not in str(list(response.context["messages"]))


def test_a_moderator_approves_and_no_message_is_left(client, moderator, submitted_page, caplog):
    client.force_login(moderator)
    data = {**standard_page_form(), "action-workflow-action": "true", "workflow-action-name": "approve"}
    response = client.post(edit_url(submitted_page), data)
    assert response.status_code == 302
    submitted_page.refresh_from_db()
    assert submitted_page.live
    messages = client.get(edit_url(submitted_page)).context["messages"]
    assert not [message for message in messages if "requested" in str(message)]
    assert server_errors(caplog) == []


# Pages due for review


def test_the_dashboard_lists_pages_not_reviewed_for_a_year(client, superuser, site_tree, django_assert_max_num_queries):
    today = datetime.date.today()
    for model in (StandardPage, ProgrammePage, CountryProjectPage, TrainingOutlinePage, *_other_page_types()):
        model.objects.update(last_reviewed=today)
    StandardPage.objects.filter(pk=site_tree.standard_page.pk).update(last_reviewed=today - datetime.timedelta(days=30))
    stale = factories.StandardPageFactory(parent=site_tree.home, title="Old news", slug="old-news")
    StandardPage.objects.filter(pk=stale.pk).update(last_reviewed=today - datetime.timedelta(days=400))

    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pages to review" in html
    assert f'href="{edit_url(stale)}">Old news</a>' in html
    ProgrammePage.objects.filter(pk=site_tree.programme.pk).update(last_reviewed=None)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{edit_url(site_tree.programme)}">Drugs in Prisons</a>' in html
    assert html.index("Drugs in Prisons") < html.index("Old news"), "never reviewed comes first"
    assert f'href="{edit_url(site_tree.standard_page)}"' not in html


def _other_page_types():
    from pompidou_site.models import FeedbackFormPage, HomePage
    from programmes.models import ProgrammeIndexPage

    return (FeedbackFormPage, HomePage, ProgrammeIndexPage)


def test_the_review_list_is_one_limited_query(site_tree, django_assert_num_queries):
    from pompidou_site.editing import REVIEW_PANEL_LIMIT, pages_due_for_review

    with django_assert_num_queries(1):
        pages = pages_due_for_review()
    assert 0 < len(pages) <= REVIEW_PANEL_LIMIT
    # Never reviewed first.
    assert pages[0]["last_reviewed"] is None


def test_the_help_is_in_french_for_a_french_speaking_editor(client, superuser, site_tree):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(superuser)
    html = client.get(add_url(site_tree.programme, CountryProjectPage)).content.decode()
    assert "La dernière partie de l’adresse web de la page" in html
    assert "pendant qu’il se déroule" in html
    assert "Pour les moteurs de recherche" in html


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["programmeindexpage", "homepage"])
def test_a_page_never_saved_can_be_previewed(client, site_tree, superuser, model_name):
    """Its lists are computed for the preview, not looked up among the kept ones by a key it lacks."""
    client.force_login(superuser)
    if model_name == "programmeindexpage":
        app_label, parent = "programmes", site_tree.home
    else:
        app_label, parent = "pompidou_site", Page.get_first_root_node()
    url = reverse("wagtailadmin_pages:preview_on_add", args=(app_label, model_name, parent.pk))
    data = nested_form_data({"title": "A page being written", "slug": "being-written", "body": streamfield([])})
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert "A page being written" in response.content.decode()
