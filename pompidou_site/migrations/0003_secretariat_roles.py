"""The secretariat's roles, on top of the groups Wagtail creates (Editors and Moderators).

Wagtail already lets Editors draft pages and submit them for moderation, and Moderators publish
them; both upload documents and images and submit translations. What it cannot know is this
project's own models: who may edit the taxonomy, the footer and the site settings.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Group name -> {model name in pompidou_site: actions}
SECRETARIAT_PERMISSIONS = {
    "Editors": {
        "country": ["add", "change"],
        "partner": ["add", "change"],
        "footertext": ["change"],
    },
    "Moderators": {
        "country": ["add", "change", "delete"],
        "partner": ["add", "change", "delete"],
        "footertext": ["add", "change", "delete"],
        "sitesettings": ["change"],
    },
}


def grant_secretariat_permissions(apps):
    """Give each group its permissions; `apps` is a migration's historical registry or django.apps."""
    # Permissions are normally created after every migration has run; a migration needs them now.
    # A migration's app config is a stub without models_module, which create_permissions checks.
    app_config = apps.get_app_config("pompidou_site")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, models in SECRETARIAT_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        permissions = permission_model.objects.filter(content_type__app_label="pompidou_site", codename__in=codenames)
        group.permissions.add(*permissions)


def grant(apps, schema_editor):
    grant_secretariat_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pompidou_site", "0002_feedback_form_page_and_website_address"),
        # The Editors and Moderators groups come from Wagtail's initial data.
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
