"""Backups: `backup_site` writes the database and the media as one pair; `restore_site` restores
only complete pairs. The full round trip (back up, restore into an empty PostgreSQL database,
compare what the site serves) is `.ci/backup_restore_check.sh`, run by CI."""

import gzip
import io
import tarfile

import pytest

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pompidou_site.backups import backup_names, backup_storage, complete_backups, prune_backups

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_backup_storage():
    storage = backup_storage()
    _, names = storage.listdir("")
    for name in names:
        storage.delete(name)
    return storage


def test_backup_writes_the_database_and_the_media_under_one_stamp(empty_backup_storage):
    default_storage.save("documents/backup-probe.txt", ContentFile(b"outline text"))
    output = io.StringIO()
    call_command("backup_site", stdout=output)

    [stamp] = complete_backups()
    names = backup_names(stamp)
    assert f"Backup {stamp}" in output.getvalue()
    with empty_backup_storage.open(names.media) as archive, tarfile.open(fileobj=archive, mode="r:gz") as tar:
        member = tar.extractfile("documents/backup-probe.txt")
        assert member.read() == b"outline text"
    with empty_backup_storage.open(names.database) as dump:
        # pg_dump's custom format on PostgreSQL, a copy of the database file on SQLite.
        signature = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3"}[connection.vendor]
        assert gzip.decompress(dump.read()).startswith(signature)


def test_restore_refuses_when_there_is_no_complete_backup(empty_backup_storage):
    # A database dump without its media is not a backup this site can come back from.
    empty_backup_storage.save(backup_names("20260101-000000").database, ContentFile(b"dump"))
    with pytest.raises(CommandError, match="no complete backup"):
        call_command("restore_site", "--noinput")


def test_restore_refuses_an_unknown_stamp(empty_backup_storage):
    for name in (backup_names("20260101-000000").database, backup_names("20260101-000000").media):
        empty_backup_storage.save(name, ContentFile(b"x"))
    with pytest.raises(CommandError, match="20250101-000000"):
        call_command("restore_site", "--noinput", "--stamp", "20250101-000000")


def test_pruning_keeps_the_newest_complete_backups(empty_backup_storage):
    stamps = ["20260101-000000", "20260102-000000", "20260103-000000"]
    for stamp in stamps:
        names = backup_names(stamp)
        empty_backup_storage.save(names.database, ContentFile(b"dump"))
        empty_backup_storage.save(names.media, ContentFile(b"tar"))
    assert prune_backups(keep=2) == ["20260101-000000"]
    assert complete_backups() == ["20260103-000000", "20260102-000000"]
    assert not empty_backup_storage.exists(backup_names("20260101-000000").media)
