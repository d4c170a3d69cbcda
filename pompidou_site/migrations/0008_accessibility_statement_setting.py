"""The accessibility statement is chosen in the site settings, no longer found by its slug.

Each site's setting is filled from the page the footer linked to until now: the site's home page's
child with the slug "accessibility" (in the default language).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORMER_SLUG = "accessibility"


def choose_the_existing_statement(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    SiteSettings = apps.get_model("pompidou_site", "SiteSettings")
    for site in Site.objects.select_related("root_page"):
        home = site.root_page
        statement = (
            Page.objects.filter(
                path__startswith=home.path,
                depth=home.depth + 1,
                slug=FORMER_SLUG,
                locale__language_code=settings.LANGUAGE_CODE,
            )
            .order_by("path")
            .first()
        )
        if statement is None:
            continue
        site_settings, _created = SiteSettings.objects.get_or_create(site=site)
        if site_settings.accessibility_statement_id is None:
            site_settings.accessibility_statement = statement
            site_settings.save(update_fields=["accessibility_statement"])


class Migration(migrations.Migration):
    dependencies = [
        ("pompidou_site", "0007_used_form_token"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="accessibility_statement",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The page linked from every page's footer as the accessibility statement. Choose the "
                    "default language's page: readers get its translation in their language."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.page",
                verbose_name="accessibility statement",
            ),
        ),
        migrations.RunPython(choose_the_existing_statement, migrations.RunPython.noop),
    ]
