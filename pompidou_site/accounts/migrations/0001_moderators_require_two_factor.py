"""Moderators must sign in with a second factor (wagtail-2fa's wagtailadmin.enable_2fa permission).

Superusers have every permission, so they need it too; Editors do not, and may add a device if
they wish (once they have one, it is always asked for). The permission is a checkbox on each
group's page under Settings → Groups.
"""

from django.db import migrations

GROUPS_REQUIRING_TWO_FACTOR = ["Moderators"]


def grant_two_factor_permission(apps):
    """Give the groups the permission; `apps` is a migration's historical registry or django.apps."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    admin_type, _created = content_type_model.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permission, _created = permission_model.objects.get_or_create(
        content_type=admin_type, codename="enable_2fa", defaults={"name": "Enable 2FA"}
    )
    for name in GROUPS_REQUIRING_TWO_FACTOR:
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.add(permission)


def grant(apps, schema_editor):
    grant_two_factor_permission(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_2fa", "0001_initial"),
        # The Moderators group comes from Wagtail's initial data.
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
