"""Where backups live and what they are called: one pair of files per backup.

django-dbbackup writes and reads the files; this module only names them, so that the database
and the media of one backup share a timestamp and are always restored together.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import storages

BACKUP_STORAGE_ALIAS = "dbbackup"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^site-(?P<stamp>\d{8}-\d{6})-(?P<kind>database|media)\.")


@dataclass(frozen=True)
class BackupNames:
    stamp: str
    database: str
    media: str


def backup_names(stamp):
    return BackupNames(stamp=stamp, database=f"site-{stamp}-database.dump.gz", media=f"site-{stamp}-media.tar.gz")


def backup_storage():
    return storages[BACKUP_STORAGE_ALIAS]


def complete_backups():
    """Stamps of the backups that have both their files, newest first."""
    _, files = backup_storage().listdir("")
    kinds_by_stamp = {}
    for name in files:
        match = _NAME.match(name)
        if match and not name.endswith(".metadata"):
            kinds_by_stamp.setdefault(match["stamp"], set()).add(match["kind"])
    return sorted((stamp for stamp, kinds in kinds_by_stamp.items() if kinds == {"database", "media"}), reverse=True)


def prune_backups(keep=None):
    """Delete all but the newest `keep` complete backups; returns the stamps deleted."""
    keep = settings.DBBACKUP_CLEANUP_KEEP if keep is None else keep
    storage = backup_storage()
    doomed = complete_backups()[keep:]
    for stamp in doomed:
        names = backup_names(stamp)
        for name in (names.database, f"{names.database}.metadata", names.media):
            if storage.exists(name):
                storage.delete(name)
    return doomed
