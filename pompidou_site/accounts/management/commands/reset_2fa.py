"""Remove a user's two-factor devices, for a lost or replaced phone.

If the user needs two-factor authentication, the next sign-in asks them to set up a new device.
"""

from django_otp import devices_for_user

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Remove the two-factor authentication devices of a user who lost theirs."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist as error:
            raise CommandError(f"There is no user {username!r}.") from error
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        self.stdout.write(
            f"Removed {len(devices)} two-factor device(s) of {username}; they set up a new one at their next sign-in."
        )
