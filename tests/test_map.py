"""Where we work: the map of the countries, its list by region, and the generator that draws it."""

import json
import math
import re

import pytest
from bs4 import BeautifulSoup
from defusedxml.ElementTree import fromstring as parse_xml

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from pompidou_site import map_builder
from pompidou_site.management.commands.build_world_map import (
    WORLD_ATLAS_INTEGRITY,
    iso_alpha_2,
    seed_country_codes,
    verify_integrity,
)
from pompidou_site.templatetags.map_tags import map_data

from . import factories

pytestmark = pytest.mark.django_db

PATH_NUMBERS = re.compile(r"-?\d+")


def map_of(html):
    """The page's map, parsed as XML by a real parser (inline SVG in HTML needs no namespace).

    Cut from the raw HTML: an HTML parser would lower-case the SVG's viewBox attribute.
    """
    found = re.search(r'<svg class="world-map"[^>]*>.*?</svg>', html, re.DOTALL)
    assert found, "no map on the page"
    return parse_xml(found.group(0))


def map_links(svg):
    """{href: the link's title} for every link in the map."""
    return {link.get("href"): link.findtext("title") for link in svg.iter("a")}


def highlighted_codes(svg):
    return {path.get("data-code") for path in svg.iter("path") if "world-map__highlighted" in path.get("class", "")}


# The country index: "Where we work"


@pytest.fixture
def venue_and_mena(site_tree):
    """Poland only hosted a training; Lebanon has a country project (Middle East and North Africa)."""
    poland = factories.CountryFactory(name="Poland", iso_code="PL")
    lebanon = factories.CountryFactory(name="Lebanon", iso_code="LB", region="mena")
    factories.TrainingOutlinePageFactory(parent=site_tree.programme, year=2014, title="Warsaw 2014", country=poland)
    factories.CountryProjectPageFactory(parent=site_tree.programme, title="Lebanon project", countries=[lebanon])
    return poland, lebanon


def test_where_we_work_is_valid_svg_with_a_link_for_every_country_concerned_and_only_those(
    client, site_tree, venue_and_mena
):
    response = client.get("/en/countries/")
    assert response.status_code == 200
    svg = map_of(response.content.decode())
    assert re.fullmatch(r"0 0 \d+ \d+", svg.get("viewBox"))
    # Every shape names its country.
    shapes = list(svg.iter("path"))
    assert len(shapes) > 50
    assert all(re.fullmatch(r"[A-Z]{2}", path.get("data-code") or "") for path in shapes)
    assert len({path.get("data-code") for path in shapes}) == len(shapes)
    assert map_links(svg) == {
        "/en/countries/LB/": "Lebanon",
        "/en/countries/MD/": "Republic of Moldova",
        "/en/countries/RO/": "Romania",
    }
    for href in map_links(svg):
        assert client.get(href).status_code == 200
    # The venue is drawn, but as land: not highlighted, not a link.
    assert "PL" in {path.get("data-code") for path in shapes}
    assert highlighted_codes(svg) == {"LB", "MD", "RO"}


def test_the_map_is_named_and_each_link_is_named_by_its_country(client, site_tree):
    svg = map_of(client.get("/en/countries/").content.decode())
    assert svg.get("role") == "group"
    title_id = svg.get("aria-labelledby")
    assert svg.find("title").get("id") == title_id
    assert svg.findtext("title") == "Map of the countries where we work"
    for link in svg.iter("a"):
        assert link.findtext("title")
        assert link.find("path").get("fill") == f"url(#{svg.find('defs/pattern').get('id')})"


def test_where_we_work_lists_the_countries_by_region_and_the_venues_apart(client, site_tree, venue_and_mena):
    soup = BeautifulSoup(client.get("/en/countries/").content, "html.parser")
    assert soup.h1.get_text() == "Where we work"
    assert soup.title.get_text().startswith("Where we work")
    regions = {
        section.h2.get_text(): [link.get_text() for link in section.select(".country-list a")]
        for section in soup.select("#where-we-work-list section")
    }
    assert regions == {
        "Europe": ["Republic of Moldova", "Romania"],
        "Middle East and North Africa": ["Lebanon"],
    }
    venues = soup.select_one("section[aria-labelledby=venues-heading]")
    assert [link.get_text() for link in venues.select("a")] == ["Poland"]
    assert venues.select_one("a")["href"] == "/en/countries/PL/"
    assert "1 training" in venues.get_text()


def test_the_skip_link_passes_the_map_to_the_list(client, site_tree):
    soup = BeautifulSoup(client.get("/en/countries/").content, "html.parser")
    skip = soup.select_one("figure a.skip-map")
    target = soup.select_one(skip["href"])
    assert target is not None and target["tabindex"] == "-1"
    # The skip link comes before the map's links, the list after them.
    links = [link.get("href") for link in soup.select("main a")]
    assert links.index(skip["href"]) < links.index("/en/countries/MD/")


def test_where_we_work_in_french(client, site_tree):
    moldova_fr = site_tree.moldova.copy_for_translation(site_tree.home_fr.locale)
    moldova_fr.name = "République de Moldova"
    moldova_fr.save()
    response = client.get("/fr/pays/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Où nous travaillons"
    svg = map_of(response.content.decode())
    assert map_links(svg)["/fr/pays/MD/"] == "République de Moldova"
    assert "/fr/pays/RO/" in map_links(svg)
    assert soup.select_one("[data-main-nav] a[aria-current=page]").get_text() == "Où nous travaillons"


@pytest.mark.parametrize("how", ["draft", "login"])
def test_a_hidden_page_does_not_put_its_country_on_the_map(client, site_tree, how):
    georgia = factories.CountryFactory(name="Georgia", iso_code="GE")
    programme = factories.ProgrammePageFactory(
        parent=site_tree.index, title="Hidden programme", countries=[georgia], live=how != "draft"
    )
    if how == "login":
        PageViewRestriction.objects.create(page=programme, restriction_type=PageViewRestriction.LOGIN)
    html = client.get("/en/countries/").content.decode()
    assert "/en/countries/GE/" not in map_links(map_of(html))
    assert "Georgia" not in html


def test_where_we_work_does_not_query_once_per_country(client, site_tree):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/countries/").status_code == 200
        return len(captured)

    queries()  # The first request creates the site settings.
    before = queries()
    for code, name in [("GE", "Georgia"), ("UA", "Ukraine"), ("BA", "Bosnia and Herzegovina"), ("TN", "Tunisia")]:
        country = factories.CountryFactory(name=name, iso_code=code)
        factories.CountryProjectPageFactory(parent=site_tree.programme, title=f"{name} project", countries=[country])
    # The first request after a publish refills the site-wide fragments (menu, footer, site, settings:
    # pompidou_site/page_cache.py), whatever the number of countries; every later one costs the same.
    queries()
    after = queries()
    assert len(map_links(map_of(client.get("/en/countries/").content.decode()))) == 6
    assert after == before


# Programme, country project and country pages


def test_a_programme_page_highlights_its_countries_and_its_projects_countries(client, site_tree):
    georgia = factories.CountryFactory(name="Georgia", iso_code="GE")
    factories.CountryProjectPageFactory(parent=site_tree.programme, title="Georgia project", countries=[georgia])
    # A draft project's country is not the programme's.
    tunisia = factories.CountryFactory(name="Tunisia", iso_code="TN", region="mena")
    factories.CountryProjectPageFactory(
        parent=site_tree.programme, title="Tunisia project", countries=[tunisia], live=False
    )
    svg = map_of(client.get(site_tree.programme.url).content.decode())
    assert map_links(svg) == {
        "/en/countries/GE/": "Georgia",
        "/en/countries/MD/": "Republic of Moldova",
        "/en/countries/RO/": "Romania",
    }


def test_a_country_project_page_highlights_its_countries(client, site_tree):
    svg = map_of(client.get(site_tree.country_project.url).content.decode())
    assert map_links(svg) == {"/en/countries/MD/": "Republic of Moldova"}


def test_a_country_page_shows_its_country_on_the_map_without_a_link_to_itself(client, site_tree):
    svg = map_of(client.get("/en/countries/MD/").content.decode())
    assert highlighted_codes(svg) == {"MD"}
    assert map_links(svg) == {}
    assert svg.get("role") == "img"
    assert svg.findtext("title") == "Map: Republic of Moldova"


def test_a_page_with_two_maps_keeps_its_ids_unique(rf, site_tree):
    html = Template(
        "{% load map_tags %}{% world_map highlighted=codes %}{% world_map highlighted=codes links=False %}"
    ).render(Context({"codes": ["MD"], "request": rf.get("/en/")}))
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == 4 and len(set(ids)) == 4


# The card variant, for programme listings


def test_the_card_map_is_decorative_small_and_has_no_link(rf, site_tree):
    html = Template('{% load map_tags %}{% world_map highlighted=codes variant="card" %}').render(
        Context({"codes": ["MD", "RO"], "request": rf.get("/en/")})
    )
    svg = parse_xml(html.strip())
    assert svg.get("aria-hidden") == "true"
    assert not list(svg.iter("a")) and not list(svg.iter("title"))
    highlighted = [path for path in svg.iter("path") if path.get("class") == "world-map__highlighted"]
    assert len(highlighted) == 1
    assert highlighted[0].get("d") == "".join(
        map_data()["variants"]["card"]["countries"][code] for code in ["MD", "RO"]
    )
    assert len(html) < 8_000


def test_an_unknown_variant_is_a_template_error(rf):
    with pytest.raises(TemplateSyntaxError):
        Template('{% load map_tags %}{% world_map variant="poster" %}').render(Context({"request": rf.get("/")}))


# The committed map data


def test_every_seed_country_is_on_both_maps():
    data = map_data()
    for variant in ("full", "card"):
        assert set(seed_country_codes()) <= set(data["variants"][variant]["countries"])


@pytest.mark.parametrize("variant", ["full", "card"])
def test_the_committed_shapes_lie_inside_their_view_box(variant):
    data = map_data()["variants"][variant]
    _x, _y, width, height = map(int, data["viewBox"].split())
    for code, path in data["countries"].items():
        for x, y in absolute_points(path):
            assert 0 <= x <= width and 0 <= y <= height, code


@pytest.mark.parametrize("variant", ["full", "card"])
def test_every_seed_country_is_drawn_whole_not_cut_by_the_frame(variant):
    data = map_data()["variants"][variant]
    _x, _y, width, height = map(int, data["viewBox"].split())
    for code in seed_country_codes():
        on_the_frame = [
            (x, y) for x, y in absolute_points(data["countries"][code]) if x in (0, width) or y in (0, height)
        ]
        assert not on_the_frame, f"{code} is cut by the frame at {on_the_frame}"


def centre(points):
    points = list(points)
    return sum(x for x, _y in points) / len(points), sum(y for _x, y in points) / len(points)


def absolute_points(path):
    """The points of path data made of "M x y l dx dy ... z" rings."""
    points = []
    for ring in re.findall(r"M([^l]*)l([^z]*)z", path):
        x, y = map(int, PATH_NUMBERS.findall(ring[0]))
        points.append((x, y))
        deltas = list(map(int, PATH_NUMBERS.findall(ring[1])))
        for dx, dy in zip(deltas[::2], deltas[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


# The generator, on a tiny topology (no network in tests)

# Two squares side by side sharing one border (arc 1), and a small island. Quantised and
# delta-encoded as TopoJSON writes them: Moldova (498) west of Romania (642), the island Malta (470).
TINY_TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.01, 0.01], "translate": [20.0, 44.0]},
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "498", "properties": {"name": "Moldova"}},
                {"type": "Polygon", "arcs": [[2, ~1]], "id": "642", "properties": {"name": "Romania"}},
                {"type": "MultiPolygon", "arcs": [[[3]]], "id": "470", "properties": {"name": "Malta"}},
                {"type": "Polygon", "arcs": [[4]], "properties": {"name": "Kosovo"}},
            ],
        }
    },
    "arcs": [
        # From (22, 46) west and down round to (24, 44): the west square's outer sides.
        [[200, 200], [-200, 0], [0, -200], [200, 0]],
        # The shared border, from (22, 44) north to (22, 46).
        [[200, 0], [0, 200]],
        # From (22, 44) east, up, back west to (22, 46): the east square's outer sides.
        [[200, 0], [200, 0], [0, 200], [-200, 0]],
        # The island, a closed ring round (25, 45).
        [[500, 100], [30, 0], [0, 30], [-30, 0], [0, -30]],
        # Kosovo, far from any other: a ring round (21, 47).
        [[100, 300], [50, 0], [0, 50], [-50, 0], [0, -50]],
    ],
}


def test_decode_arcs_undoes_the_delta_encoding_and_the_transform():
    arcs = map_builder.decode_arcs(TINY_TOPOLOGY)
    assert arcs[1] == [(22.0, 44.0), (22.0, 46.0)]
    assert arcs[0] == [(22.0, 46.0), (20.0, 46.0), (20.0, 44.0), (22.0, 44.0)]


def test_the_generator_round_trips_a_tiny_topology(tmp_path):
    source, output = tmp_path / "tiny.json", tmp_path / "map.json"
    source.write_text(json.dumps(TINY_TOPOLOGY))
    call_command("build_world_map", topojson=source, output=output, no_seed_check=True, stdout=open("/dev/null", "w"))
    data = json.loads(output.read_text())
    assert data["source"] == "tiny.json"
    full = data["variants"]["full"]
    assert set(full["countries"]) == {"MD", "RO", "MT", "XK"}
    moldova, romania = (set(absolute_points(full["countries"][code])) for code in ("MD", "RO"))
    # The shared border is drawn once, simplified the same way for both: its two ends are both countries'.
    assert len(moldova & romania) == 2
    # Moldova lies west of Romania, and north is up.
    assert centre(moldova)[0] < centre(romania)[0]
    assert centre(absolute_points(full["countries"]["XK"]))[1] < centre(moldova)[1]
    # A country too small to see or reach gets a marker.
    assert "MT" in data["markers"]


def test_the_generator_refuses_a_topology_without_the_seed_countries(tmp_path):
    source = tmp_path / "tiny.json"
    source.write_text(json.dumps(TINY_TOPOLOGY))
    with pytest.raises(CommandError, match="Seed countries missing"):
        call_command("build_world_map", topojson=source, output=tmp_path / "map.json")


def test_the_generator_refuses_what_is_not_topojson(tmp_path):
    source = tmp_path / "not.json"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(CommandError, match="Not a TopoJSON"):
        call_command("build_world_map", topojson=source, output=tmp_path / "map.json", no_seed_check=True)


def test_the_download_must_match_its_pinned_integrity_hash():
    with pytest.raises(CommandError, match="integrity"):
        verify_integrity(b"not the package", WORLD_ATLAS_INTEGRITY)
    verify_integrity(b"abc", "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")


def test_iso_numeric_codes_become_alpha_2():
    assert iso_alpha_2({"id": "498"}) == "MD"
    assert iso_alpha_2({"id": "70"}) == "BA"  # Bosnia and Herzegovina, written without its leading zero
    assert iso_alpha_2({"properties": {"name": "Kosovo"}}) == "XK"
    assert iso_alpha_2({"properties": {"name": "N. Cyprus"}}) is None


def test_douglas_peucker_keeps_the_ends_and_the_corners():
    line = [(0, 0), (1, 0.1), (2, 0), (3, 5), (4, 0)]
    assert map_builder.douglas_peucker(line, 0.5) == [(0, 0), (2, 0), (3, 5), (4, 0)]


def test_clipping_cuts_a_ring_at_the_frame():
    ring = [(-10, 5), (5, 5), (5, 20), (-10, 20)]
    assert sorted(map_builder.clip_ring(ring, 10, 10)) == [(0, 5), (0, 10), (5, 5), (5, 10)]


def test_the_projection_is_equal_area():
    project = map_builder.AlbersConic()

    def area(longitude, latitude, size=1.0):
        corners = [(0, 0), (size, 0), (size, size), (0, size)]
        return map_builder.ring_area([project(longitude + dx, latitude + dy) for dx, dy in corners])

    # A 1° cell is smaller nearer the pole in proportion to the cosine of its latitude, whatever
    # its longitude: what an equal-area projection keeps.
    ratio = area(0, 60) / area(30, 20)
    expected = (math.sin(math.radians(61)) - math.sin(math.radians(60))) / (
        math.sin(math.radians(21)) - math.sin(math.radians(20))
    )
    assert ratio == pytest.approx(expected, rel=1e-3)
