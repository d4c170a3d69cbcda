"""Rebuild `pompidou_site/map_data/world_map.json` from Natural Earth's shapes (`make map`)."""

import base64
import hashlib
import io
import json
import tarfile
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pompidou_site import map_builder
from pompidou_site.templatetags.map_tags import MAP_DATA_PATH

# The npm package world-atlas (ISC licence; Natural Earth's data, public domain), pinned with the
# integrity hash the registry publishes for it (`npm view world-atlas@2.0.2 dist.integrity`).
WORLD_ATLAS_VERSION = "2.0.2"
WORLD_ATLAS_URL = f"https://registry.npmjs.org/world-atlas/-/world-atlas-{WORLD_ATLAS_VERSION}.tgz"
WORLD_ATLAS_INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
# 1:50m rather than 1:110m: at 1:110m Lebanon is 13 points, Luxembourg 9, and Malta and Andorra are
# missing; 1:10m only adds detail that the simplification to the viewBox takes away again.
WORLD_ATLAS_FILE = "package/countries-50m.json"
SOURCE = f"world-atlas {WORLD_ATLAS_VERSION} {WORLD_ATLAS_FILE.removeprefix('package/')} (Natural Earth 4.1.0, 1:50m)"
# Natural Earth names these without an ISO 3166-1 numeric code; Kosovo's is the code in common use.
CODES_BY_NAME = {"Kosovo": "XK"}
SEED_CONTENT = Path(settings.BASE_DIR) / "fixtures" / "seed_content.json"


def verify_integrity(data, integrity):
    """Raise unless `data` matches a Subresource Integrity string such as "sha512-<base64>"."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in {"sha256", "sha384", "sha512"}:
        raise CommandError(f"Unsupported integrity algorithm {algorithm!r}.")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise CommandError(f"The download does not match its integrity hash: {algorithm}-{actual}.")


def download_topology():
    # A fixed https address on the npm registry, whose content the hash below pins.
    with urllib.request.urlopen(WORLD_ATLAS_URL, timeout=60) as response:  # noqa: S310  # nosec B310
        archive = response.read()
    verify_integrity(archive, WORLD_ATLAS_INTEGRITY)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        member = tar.extractfile(WORLD_ATLAS_FILE)
        if member is None:
            raise CommandError(f"{WORLD_ATLAS_FILE} is not in {WORLD_ATLAS_URL}.")
        return json.load(member)


def iso_alpha_2(geometry):
    """A world-atlas geometry's ISO 3166-1 alpha-2 code, from its numeric id (or name), or None."""
    import pycountry  # A development dependency: only this command needs it.

    identifier = str(geometry.get("id") or "")
    if identifier.isdigit():
        country = pycountry.countries.get(numeric=identifier.zfill(3))
        return country.alpha_2 if country else None
    return CODES_BY_NAME.get((geometry.get("properties") or {}).get("name"))


def seed_country_codes():
    return [country["iso_code"] for country in json.loads(SEED_CONTENT.read_text(encoding="utf-8"))["countries"]]


class Command(BaseCommand):
    help = (
        "Download the pinned world-atlas package from the npm registry (integrity checked), project "
        "Europe, North Africa and the Middle East and write the map data the world_map tag draws."
    )

    def add_arguments(self, parser):
        parser.add_argument("--topojson", type=Path, help="Read this TopoJSON file instead of downloading.")
        parser.add_argument("--output", type=Path, default=MAP_DATA_PATH, help="Where to write the map data.")
        parser.add_argument(
            "--no-seed-check",
            action="store_true",
            help="Do not require every country of the seed content on the map (for a partial topology).",
        )

    def handle(self, *args, topojson=None, output=MAP_DATA_PATH, no_seed_check=False, **options):
        if topojson:
            topology, source = json.loads(topojson.read_text(encoding="utf-8")), topojson.name
        else:
            self.stdout.write(f"Downloading {WORLD_ATLAS_URL}")
            topology, source = download_topology(), SOURCE
        if topology.get("type") != "Topology" or not topology.get("objects"):
            raise CommandError("Not a TopoJSON topology.")
        data = {"source": source, **map_builder.build_map(topology, iso_alpha_2)}
        if not no_seed_check:
            drawn = data["variants"]["full"]["countries"]
            missing = sorted(set(seed_country_codes()) - set(drawn))
            if missing:
                raise CommandError(f"Seed countries missing from the map: {', '.join(missing)}.")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        sizes = ", ".join(
            f"{name} {len(variant['countries'])} countries, {sum(map(len, variant['countries'].values()))} bytes"
            for name, variant in data["variants"].items()
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({sizes})."))
