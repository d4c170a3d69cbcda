"""Back up the database and the media files together, under one timestamp.

django-dbbackup does the work (pg_dump's custom format on PostgreSQL, SQLite's online backup API,
a tar of the media storage); this command gives both files one name, so that a restore never
pairs a database with the media of another day.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from pompidou_site.backups import STAMP_FORMAT, backup_names, prune_backups


class Command(BaseCommand):
    help = "Back up the database and the media files (documents, images) to the backup storage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Afterwards delete all but this many newest backups (default: DBBACKUP_CLEANUP_KEEP).",
        )

    def handle(self, *args, **options):
        names = backup_names(timezone.now().strftime(STAMP_FORMAT))
        quiet = options["verbosity"] < 2
        call_command("dbbackup", "--noinput", "--compress", "--output-filename", names.database, quiet=quiet)
        call_command("mediabackup", "--noinput", "--compress", "--output-filename", names.media, quiet=quiet)
        for stamp in prune_backups(options["keep"]):
            self.stdout.write(f"Deleted the older backup {stamp}.")
        self.stdout.write(self.style.SUCCESS(f"Backup {names.stamp}: {names.database} and {names.media}"))
