"""Editors and Moderators may promote search results for a query (wagtail.contrib.search_promotions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here, as a migration must be.
PROMOTERS = ["Editors", "Moderators"]
CODENAMES = ["add_searchpromotion", "change_searchpromotion", "delete_searchpromotion", "view_searchpromotion"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("wagtailsearchpromotions")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="wagtailsearchpromotions", codename__in=CODENAMES
    )
    for name in PROMOTERS:
        group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("pompidou_site", "0010_search_configurations"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
