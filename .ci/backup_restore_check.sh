#!/usr/bin/env bash
# Backups that restore: seed a PostgreSQL database, back it up with `make backup`, restore the
# backup into a fresh, empty database and media folder with `make restore`, and check that the
# restored site serves the same pages and the same documents, byte for byte.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

work=$(mktemp -d "/tmp/ci-backup-$$-XXXX")
source_db="ci_backup_source_$$"
restored_db="ci_backup_restored_$$"
psql_admin() { psql -q -h 127.0.0.1 -U postgres -d postgres -c "$1" >/dev/null; }
cleanup() {
    psql_admin "DROP DATABASE IF EXISTS $source_db" || true
    psql_admin "DROP DATABASE IF EXISTS $restored_db" || true
    rm -rf "$work"
}
trap cleanup EXIT
export PGOPTIONS="--client-min-messages=warning"

export DJANGO_SETTINGS_MODULE=pompidou_site.settings.dev
export BACKUP_DIR="$work/backups"
export LOG_LEVEL=WARNING

echo "--- the source site: migrate and seed $source_db"
psql_admin "CREATE DATABASE $source_db"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$source_db"
export MEDIA_ROOT="$work/media-source"
.venv/bin/python manage.py migrate --noinput --verbosity 0
.venv/bin/python manage.py load_seed_content --verbosity 0
PYTHONPATH=. .venv/bin/python .ci/site_fingerprint.py > "$work/source.txt"
make --no-print-directory backup

echo "--- restore into the empty database $restored_db and an empty media folder"
psql_admin "CREATE DATABASE $restored_db"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$restored_db"
export MEDIA_ROOT="$work/media-restored"
make --no-print-directory restore
PYTHONPATH=. .venv/bin/python .ci/site_fingerprint.py > "$work/restored.txt"

if ! diff -u "$work/source.txt" "$work/restored.txt"; then
    echo "The restored site differs from the one backed up (above)." >&2
    exit 1
fi
echo "The restored site serves the same $(grep -c '^page' "$work/source.txt") pages and $(grep -c '^document' "$work/source.txt") documents."
