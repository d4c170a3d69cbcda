from django.db import migrations


def grant(apps, schema_editor):
    from pompidou_site.roles import grant_secretariat_permissions

    grant_secretariat_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pompidou_site", "0002_feedback_form_page_and_website_address"),
        # The Editors and Moderators groups come from Wagtail's initial data.
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
