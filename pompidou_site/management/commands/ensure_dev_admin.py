import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEV_ADMIN_USERNAME = "admin"
# Documented in the README for local development only; the command refuses to run unless DEBUG is on.
DEFAULT_DEV_ADMIN_PASSWORD = "pompidou-dev-admin"  # noqa: S105


class Command(BaseCommand):
    help = (
        "Development only: create the superuser 'admin' (password from DEV_ADMIN_PASSWORD, "
        f"default '{DEFAULT_DEV_ADMIN_PASSWORD}') unless a superuser already exists."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_dev_admin creates a well-known password and runs only with DEBUG on "
                "(development settings). Elsewhere, use `manage.py createsuperuser`."
            )

        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists: no account created.")
            return

        username_field = user_model.USERNAME_FIELD
        if user_model.objects.filter(**{username_field: DEV_ADMIN_USERNAME}).exists():
            raise CommandError(
                f"A user '{DEV_ADMIN_USERNAME}' exists but is not a superuser: "
                "promote or remove it, then run this command again."
            )

        password = os.environ.get("DEV_ADMIN_PASSWORD") or DEFAULT_DEV_ADMIN_PASSWORD
        user_model.objects.create_superuser(**{username_field: DEV_ADMIN_USERNAME}, email="", password=password)
        source = "DEV_ADMIN_PASSWORD" if os.environ.get("DEV_ADMIN_PASSWORD") else "the development default"
        self.stdout.write(
            self.style.SUCCESS(f"Created the superuser '{DEV_ADMIN_USERNAME}' with the password from {source}.")
        )
