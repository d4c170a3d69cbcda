"""What an editor does in the admin: create each page type, get clear form errors, manage taxonomy."""

import pytest

from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from pompidou_site.models import Country, HomePage, Partner, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories

pytestmark = pytest.mark.django_db


def body_with_every_kind_of_link(document, page):
    """A body as an editor writes one: a heading, a paragraph, a document and a link."""
    return streamfield(
        [
            ("heading", {"text": "Objectives", "level": "h2"}),
            ("paragraph", rich_text("<p>The training builds capacity for drug policy management.</p>")),
            ("document", {"document": document.pk, "title": ""}),
            ("link", {"text": "Back to the programme", "page": page.pk, "document": "", "url": ""}),
        ]
    )


def page_form(**fields):
    """The fields a page form posts, with no comments; lists are multiple choices (countries, partners)."""
    choices = {name: value for name, value in fields.items() if isinstance(value, list)}
    data = nested_form_data({"comments": inline_formset([]), **{k: v for k, v in fields.items() if k not in choices}})
    return {**data, **choices}


def link(text, page="", document="", url=""):
    return {"text": text, "page": page, "document": document, "url": url}


@pytest.fixture
def document(db):
    return factories.CustomDocumentFactory(title="Training outline 2012")


def test_editor_can_create_a_home_page_at_the_root(admin_page_assertions):
    root = Page.get_first_root_node()
    admin_page_assertions.assertCanCreate(
        root,
        HomePage,
        page_form(
            title="Accueil",
            slug="accueil",
            introduction="Les programmes de formation du Groupe Pompidou.",
            body=streamfield([("heading", {"text": "Programmes", "level": "h2"})]),
        ),
    )
    home = HomePage.objects.get(slug="accueil")
    assert home.live
    assert home.get_parent().pk == root.pk


def test_editor_can_create_a_standard_page(admin_page_assertions, site_tree, document):
    admin_page_assertions.assertCanCreate(
        site_tree.home,
        StandardPage,
        page_form(
            title="Accessibility statement",
            introduction="How accessible this site is.",
            body=body_with_every_kind_of_link(document, site_tree.index),
            last_reviewed="2025-01-15",
        ),
    )
    page = StandardPage.objects.get(slug="accessibility-statement")
    assert [block.block_type for block in page.body] == ["heading", "paragraph", "document", "link"]
    assert page.body[2].value["document"].pk == document.pk
    assert page.body[3].value["page"].pk == site_tree.index.pk


def test_editor_can_create_a_programme_index(admin_page_assertions, document):
    home = factories.HomePageFactory()
    admin_page_assertions.assertCanCreate(
        home, ProgrammeIndexPage, page_form(title="Programmes", introduction="Five programmes.")
    )
    assert ProgrammeIndexPage.objects.child_of(home).get().title == "Programmes"


def test_editor_can_create_a_programme(admin_page_assertions, site_tree, document):
    admin_page_assertions.assertCanCreate(
        site_tree.index,
        ProgrammePage,
        page_form(
            title="Executive Training for drug policy managers",
            introduction="Launched in 2010 at the initiative of the Polish Presidency.",
            start_year="2010",
            end_year="",
            body=body_with_every_kind_of_link(document, site_tree.programme),
            countries=[site_tree.moldova.pk],
            partners=[site_tree.partner.pk],
            related=streamfield(
                [
                    ("document", {"document": document.pk, "title": "Training outline 2012"}),
                    ("link", link("ESSD website", url="https://www.essd-research.eu/")),
                ]
            ),
            contact_name="",
            contact_email="",
        ),
    )
    programme = ProgrammePage.objects.get(slug="executive-training-for-drug-policy-managers")
    assert programme.start_year == 2010
    assert list(programme.countries.all()) == [site_tree.moldova]
    assert list(programme.partners.all()) == [site_tree.partner]
    assert [block.block_type for block in programme.related] == ["document", "link"]


def test_editor_can_create_a_country_project(admin_page_assertions, site_tree, document):
    admin_page_assertions.assertCanCreate(
        site_tree.programme,
        CountryProjectPage,
        page_form(
            title="Preventing drug trafficking and abuse in prisons in Ukraine",
            introduction="",
            status=CountryProjectPage.Status.PLANNED,
            start_year="",
            end_year="",
            countries=[site_tree.romania.pk],
            body=body_with_every_kind_of_link(document, site_tree.programme),
            documents=streamfield([("document", {"document": document.pk, "title": ""})]),
        ),
    )
    project = CountryProjectPage.objects.get(slug="preventing-drug-trafficking-and-abuse-in-prisons-in-ukraine")
    assert project.is_planned
    assert list(project.countries.all()) == [site_tree.romania]


def training_outline_form(**overrides):
    fields = {
        "title": "Training outline 2010",
        "introduction": "The first pilot course.",
        "year": "2010",
        "start_date": "2010-05-01",
        "end_date": "2010-05-31",
        "date_precision": "month",
        "city": "Warsaw",
        "country": "",
        "audience": "Managers from governmental institutions.",
        "participants_qualifier": "about",
        "participants": "30",
        "objectives": rich_text("<p>Share know-how in drug policy management.</p>"),
        "sessions": streamfield(
            [("session", {"title": "Drug policy evaluation", "date": "", "start_time": "", "end_time": ""})]
        ),
        "outline_documents": streamfield([]),
        **overrides,
    }
    return page_form(**fields)


def test_editor_can_create_a_training_outline(admin_page_assertions, site_tree, document):
    admin_page_assertions.assertCanCreate(
        site_tree.programme,
        TrainingOutlinePage,
        training_outline_form(
            country=str(site_tree.moldova.pk),
            organisers=[site_tree.partner.pk],
            outline_documents=streamfield([("document", {"document": document.pk, "title": ""})]),
        ),
    )
    outline = TrainingOutlinePage.objects.get(slug="training-outline-2010")
    assert outline.year == 2010
    assert outline.participants == 30
    assert outline.city == "Warsaw"
    assert list(outline.organisers.all()) == [site_tree.partner]
    assert outline.sessions[0].value["title"] == "Drug policy evaluation"


def post_new_page(client, parent, model, data):
    url = reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])
    return client.post(url, {**data, "action-publish": "action-publish"})


def test_training_outline_ending_before_it_starts_is_a_form_error(client, superuser, site_tree):
    client.force_login(superuser)
    response = post_new_page(
        client,
        site_tree.programme,
        TrainingOutlinePage,
        training_outline_form(start_date="2010-05-20", end_date="2010-05-10"),
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert "cannot end before it starts" in response.content.decode()
    assert not TrainingOutlinePage.objects.filter(slug="training-outline-2010").exists()


@pytest.mark.parametrize(
    "targets",
    [
        {},
        {"url": "https://www.coe.int/pompidou", "document": "DOCUMENT"},
        {"url": "https://www.coe.int/pompidou", "page": "PAGE"},
    ],
    ids=["no-target", "url-and-document", "url-and-page"],
)
def test_link_block_needs_exactly_one_target(client, superuser, site_tree, document, targets):
    client.force_login(superuser)
    chosen = {
        name: {"DOCUMENT": document.pk, "PAGE": site_tree.index.pk}.get(value, value) for name, value in targets.items()
    }
    response = post_new_page(
        client,
        site_tree.home,
        StandardPage,
        page_form(
            title="Links",
            slug="links",
            introduction="",
            body=streamfield([("link", link("More information", **chosen))]),
            last_reviewed="",
        ),
    )
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert "Choose exactly one target" in response.content.decode()
    assert not StandardPage.objects.filter(slug="links").exists()


SNIPPETS = [
    (Country, {"name": "Lithuania", "iso_code": "LT", "region": "europe"}),
    (
        Partner,
        {
            "name": "European Society for Social Drug Research",
            "website": "https://www.essd-research.eu/",
            "kind": "research",
        },
    ),
]


def snippet_url(model, action):
    return reverse(f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:{action}")


@pytest.mark.parametrize(("model", "fields"), SNIPPETS, ids=lambda value: getattr(value, "__name__", ""))
def test_editor_can_list_and_create_taxonomy(client, superuser, model, fields):
    client.force_login(superuser)
    assert client.get(snippet_url(model, "list")).status_code == 200
    assert client.get(snippet_url(model, "add")).status_code == 200

    response = client.post(snippet_url(model, "add"), fields)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    created = model.objects.get(name=fields["name"])
    assert created.locale.language_code == "en"
    assert fields["name"] in client.get(snippet_url(model, "list")).content.decode()


@pytest.mark.parametrize(("model", "fields"), SNIPPETS, ids=lambda value: getattr(value, "__name__", ""))
def test_editor_can_search_taxonomy(client, superuser, model, fields):
    client.force_login(superuser)
    model.objects.create(locale=factories.default_locale(), **fields)
    other = model.objects.create(
        locale=factories.default_locale(),
        **{**fields, "name": "Unrelated name", **({"iso_code": "QZ"} if model is Country else {})},
    )
    response = client.get(snippet_url(model, "list"), {"q": fields["name"].split()[-1]})
    assert response.status_code == 200
    listed = response.content.decode()
    assert fields["name"] in listed
    assert other.name not in listed


@pytest.mark.parametrize("iso_code", ["md", "MDA", "M1"])
def test_country_code_must_be_two_capital_letters(client, superuser, iso_code):
    client.force_login(superuser)
    response = client.post(snippet_url(Country, "add"), {"name": "Lithuania", "iso_code": iso_code, "region": "europe"})
    assert response.status_code == 200
    assert "iso_code" in response.context["form"].errors
    assert not Country.objects.filter(name="Lithuania").exists()


def test_every_page_type_edit_form_opens(client, superuser, site_tree):
    client.force_login(superuser)
    pages = [
        site_tree.home,
        site_tree.home_fr,
        site_tree.index,
        site_tree.programme,
        site_tree.country_project,
        site_tree.training_outline,
        site_tree.standard_page,
    ]
    for page in pages:
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, (
            f"the edit form of {page.specific_class.__name__} answered {response.status_code}"
        )
