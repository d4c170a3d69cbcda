"""The seed chooses the accessibility statement in the site settings (a module of its own: the seed
content cannot share a module with the small site tree)."""

from pompidou_site.models import SiteSettings


def test_the_seed_chooses_its_accessibility_statement(client, seeded):
    statement = SiteSettings.objects.get().accessibility_statement
    assert statement.slug == "accessibility"
    html = client.get("/en/").content.decode()
    assert f'href="{statement.url}">{statement.title}</a>' in html[html.index('<footer class="site-footer">') :]
