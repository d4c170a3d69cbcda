"""Where we work on the seeded site: every seeded country where a programme acts, and the page's weight."""

import gzip
import re

import pytest

from pompidou_site.models import Country

from .test_map import map_links, map_of

pytestmark = pytest.mark.django_db


def test_every_seeded_country_of_a_programme_or_project_is_a_link_on_the_map(client, seeded):
    links = map_links(map_of(client.get("/en/countries/").content.decode()))
    names = dict(Country.objects.filter(locale__language_code="en").values_list("iso_code", "name"))
    assert links
    for href, title in links.items():
        code = href.removeprefix("/en/countries/").strip("/")
        assert title == names[code]
        assert client.get(href).status_code == 200


def test_the_map_keeps_the_country_index_light(client, seeded):
    html = client.get("/en/countries/").content
    # The figures of the report: the whole page and its map, raw and compressed.
    svg = re.search(rb'<svg class="world-map".*?</svg>', html, re.DOTALL).group(0)
    assert len(gzip.compress(svg)) < 15_000
    assert len(gzip.compress(html)) < 20_000
