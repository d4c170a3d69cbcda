"""A second load of the seed content keeps what editors did: the seed is a starting point, not a master copy.

Each test edits the seeded site as an editor would (the module's seed content, rolled back after
each test), runs `load_seed_content` again and checks that nothing of the edits is lost, nothing is
duplicated, and the report says what was left alone.
"""

import io

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import translation

from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Revision, Site
from wagtail.utils.file import hash_filelike

from pompidou_site.models import Country, FooterText, Partner, SiteSettings, StandardPage
from pompidou_site.seed import SEED_LOG_ACTION, SeedLoader, load_fixture

from .test_seed import duplicate_slugs, object_counts, seeded_page


def load_again(verbosity=3):
    out = io.StringIO()
    call_command("load_seed_content", verbosity=verbosity, stdout=out)
    return out.getvalue()


def summary(output):
    """{kind: its summary line} from the loader's output."""
    lines = [line for line in output.splitlines() if ": " in line and line[:1] != " " and not line[:1].isspace()]
    return dict(line.split(": ", 1) for line in lines)


def document(title, language="en"):
    return get_document_model().objects.get(title=title, language=language)


def refetch(instance):
    return type(instance).objects.get(pk=instance.pk)


def test_a_second_load_keeps_every_edit_and_creates_nothing(seeded):
    # An editor publishes a new revision of one page, and saves a draft of another.
    mednet = seeded_page("mednet")
    mednet.title = "MedNET: the Mediterranean network"
    mednet.introduction = "Our network of the two shores of the Mediterranean."
    mednet.save_revision().publish()
    prisons = seeded_page("drugs-in-prisons")
    live_title = prisons.title
    prisons.title = "Drugs in prisons: a draft title"
    draft = prisons.save_revision()
    # A moderator fills in the telephone; an editor renames a country, a partner, a document, the French footer.
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    site_settings.contact_phone = "+33 3 88 41 20 00"
    site_settings.contact_email = "pompidou.group@coe.int"
    site_settings.save()
    moldova = Country.objects.get(iso_code="MD", locale__language_code="en")
    moldova.name = "Moldova"
    moldova.save()
    partner = Partner.objects.filter(locale__language_code="en").order_by("pk").first()
    partner.website = "https://example.org/partner"
    partner.save()
    footer = FooterText.objects.get(locale__language_code="fr")
    footer.postal_address = "Conseil de l'Europe, 67075 Strasbourg Cedex"
    footer.save()
    outline = document("Training outline 2010")
    outline.title = "Executive training: outline of the 2010 pilot course"
    outline.save()
    # And the web team gives the site its public address and name.
    site.hostname, site.port, site.site_name = "pompidou.example.org", 443, "Pompidou Group (staging)"
    site.save()

    counts, revisions = object_counts(), Revision.objects.count()
    files = sorted(get_document_model().objects.values_list("file", flat=True))
    output = load_again()

    assert object_counts() == counts
    assert Revision.objects.count() == revisions, "the second load wrote revisions"
    assert sorted(get_document_model().objects.values_list("file", flat=True)) == files
    assert duplicate_slugs() == []

    mednet = refetch(mednet)
    assert (mednet.title, mednet.introduction) == (
        "MedNET: the Mediterranean network",
        "Our network of the two shores of the Mediterranean.",
    )
    assert mednet.live and not mednet.has_unpublished_changes
    prisons = refetch(prisons)
    assert prisons.title == live_title, "the draft was published or the live title changed"
    assert prisons.has_unpublished_changes and prisons.latest_revision_id == draft.pk, "the draft is no longer on top"
    assert prisons.latest_revision.as_object().title == "Drugs in prisons: a draft title"
    site_settings = SiteSettings.objects.get(site=site)
    assert (site_settings.contact_phone, site_settings.contact_email) == ("+33 3 88 41 20 00", "pompidou.group@coe.int")
    assert refetch(moldova).name == "Moldova"
    assert refetch(partner).website == "https://example.org/partner"
    assert refetch(footer).postal_address == "Conseil de l'Europe, 67075 Strasbourg Cedex"
    assert refetch(outline).title == "Executive training: outline of the 2010 pilot course"
    site = refetch(site)
    assert (site.hostname, site.port, site.site_name) == ("pompidou.example.org", 443, "Pompidou Group (staging)")
    assert site.root_page_id == seeded_page("home").pk

    # The report: nothing created, and each edited object named as kept.
    assert all(line.startswith("0 created") for line in summary(output).values()), output
    for line in [
        f"kept  Pages (en): {mednet.url_path}",
        f"kept  Pages (en): {prisons.url_path}",
        "kept  Countries (en): Moldova",
        "kept  Documents (en): Executive training: outline of the 2010 pilot course",
        "kept  Site settings:",
        "kept  Sites:",
    ]:
        assert line in output, f"the report does not say: {line}"


def test_a_second_load_keeps_a_file_an_editor_uploaded(seeded):
    outline = document("Training outline 2011")
    outline.file.save("outline-2011-revised.pdf", ContentFile(b"%PDF-1.4 the editor's own version"), save=False)
    outline._set_document_file_metadata()
    outline.save()
    name, file_hash = outline.file.name, outline.file_hash

    load_again()
    outline = refetch(outline)
    assert (outline.file.name, outline.file_hash) == (name, file_hash)
    with outline.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 the editor's own version"

    # Even gone from the storage, the editor's file is not replaced by the seed's.
    outline.file.storage.delete(name)
    output = load_again()
    outline = refetch(outline)
    assert (outline.file.name, outline.file_hash) == (name, file_hash)
    assert not outline.file.storage.exists(name)
    assert "kept (its file is missing from the storage)  Documents (en): Training outline 2011" in output


def test_a_second_load_restores_a_missing_file_that_is_still_the_seeds(seeded):
    report = document("MedNET country-by-country co-operation report")
    name, file_hash = report.file.name, report.file_hash
    report.file.storage.delete(name)

    output = load_again()
    report = refetch(report)
    assert report.file.name == name and report.file.storage.exists(name)
    with report.file.open("rb") as handle:
        assert hash_filelike(handle) == file_hash
    assert "file restored  Documents (en): MedNET country-by-country co-operation report" in output


def test_what_an_editor_deleted_stays_deleted(seeded):
    romania = seeded_page("drugs-in-prisons-romania")
    ukraine_fr = seeded_page("drugs-in-prisons-ukraine", "fr")
    tunisia_fr = Country.objects.get(iso_code="TN", locale__language_code="fr")
    report = document("MedNET country-by-country co-operation report")
    for instance in (romania, ukraine_fr, tunisia_fr, report):
        instance.delete()
    counts = object_counts()

    with translation.override("fr"):  # The report stays in English whatever the active language.
        output = load_again(verbosity=2)
    assert object_counts() == counts
    assert not Page.objects.filter(translation_key=romania.translation_key, locale__language_code="en").exists()
    assert not Page.objects.filter(translation_key=ukraine_fr.translation_key, locale__language_code="fr").exists()
    assert not Country.objects.filter(iso_code="TN", locale__language_code="fr").exists()
    assert not get_document_model().objects.filter(title=report.title).exists()
    for line in [
        "left deleted  Pages (en): page:drugs-in-prisons-romania:en",
        "left deleted  Pages (fr): page:drugs-in-prisons-ukraine:fr",
        "left deleted  Countries (fr): country:TN:fr",
        "left deleted  Documents (en): document:mednet-country-report:en",
    ]:
        assert line in output, f"the report does not say: {line}"
    # The English Ukraine project and the French Romania one were not deleted: they are still there.
    assert seeded_page("drugs-in-prisons-ukraine").live and seeded_page("drugs-in-prisons-romania", "fr").live


def test_content_added_to_the_seed_is_created_and_the_rest_kept(seeded):
    data = load_fixture()
    data["countries"].append({"iso_code": "MT", "region": "europe", "name": {"en": "Malta", "fr": "Malte"}})
    data["pages"]["children"].append(
        {
            "key": "about",
            "type": "pompidou_site.StandardPage",
            "slug": {"en": "about", "fr": "a-propos"},
            "title": {"en": "About the Pompidou Group", "fr": "À propos du Groupe Pompidou"},
            "introduction": {"en": "Who we are.", "fr": "Qui nous sommes."},
            "body": {"en": [{"type": "paragraph", "value": "<p>Since 1971.</p>"}]},
        }
    )
    pages = Page.objects.count()

    report = SeedLoader(data).load()
    assert Page.objects.count() == pages + 2
    about = StandardPage.objects.get(slug="about", locale__language_code="en")
    about_fr = StandardPage.objects.get(slug="a-propos", locale__language_code="fr")
    assert about.live and about_fr.live and about_fr.translation_key == about.translation_key
    assert about.get_parent().pk == seeded_page("home").pk
    assert about_fr.title == "À propos du Groupe Pompidou" and "Since 1971." in str(about_fr.body)
    assert Country.objects.get(iso_code="MT", locale__language_code="fr").name == "Malte"
    assert report.counts["Pages (en)"]["created"] == 1 and report.counts["Countries (fr)"]["created"] == 1
    assert report.counts["Pages (en)"]["kept"] == len(seeded_page("home").get_descendants(inclusive=True)) - 1


def test_content_seeded_before_it_was_recorded_is_recognised_then_kept(seeded):
    # A database seeded by the earlier loader has no record of the seed content.
    ModelLogEntry.objects.filter(action=SEED_LOG_ACTION).delete()
    PageLogEntry.objects.filter(action=SEED_LOG_ACTION).delete()
    counts = object_counts()

    output = load_again()
    assert object_counts() == counts
    assert all(line.startswith("0 created") for line in summary(output).values()), output
    recorded = ModelLogEntry.objects.filter(action=SEED_LOG_ACTION, data__created=False).count()
    assert recorded == get_document_model().objects.count() + Country.objects.count() + Partner.objects.count() + 2
    assert PageLogEntry.objects.filter(action=SEED_LOG_ACTION).count() == Page.objects.filter(depth__gte=2).count()

    # From now on it is found by its record: renaming a document does not bring the seed's back.
    outline = document("Training outline 2012")
    outline.title = "Outline of the 2012 course"
    outline.save()
    load_again()
    assert object_counts() == counts
    assert not get_document_model().objects.filter(title="Training outline 2012").exists()


def test_the_audit_log_says_the_seed_created_a_page(admin_client, seeded):
    home = seeded_page("home")
    response = admin_client.get(f"/admin/pages/{home.pk}/history/")
    assert response.status_code == 200
    assert "Created by the seed content loader" in response.content.decode()
