"""Loads the seed content of `fixtures/seed_content.json` into the database, as often as needed.

Every object is found again by a stable key: pages and snippets by a translation key derived from
their fixture key (uuid5), countries by ISO code and locale, documents by title and language. A
second run therefore updates in place and creates nothing; a page gets a new published revision only
when its content differs from the fixture. The programme documents are generated from the same
fixture data as the pages that link to them (see `pdf.py`) and written through Django's storage API.
"""

import json
import uuid
from collections import Counter, defaultdict
from datetime import date
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import models, transaction
from django.utils import dateformat, translation

from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.models import Collection, Locale, Orderable, Page, Site, TranslatableMixin
from wagtail.utils.file import hash_filelike

from .models import Country, FooterText, Partner, SiteSettings, alphabetical
from .pdf import blocks_from_rich_text, blocks_from_stream, render_outline

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed_content.json"
# Never change: the translation keys of seeded objects, and so their identity, derive from it.
SEED_NAMESPACE = uuid.UUID("6f1c1f0e-3c55-4a8e-9a57-2f5e0b4d7c21")
# Keys of a page's fixture entry that are not model fields.
PAGE_META_KEYS = {"key", "type", "children"}


def stable_uuid(kind, key):
    return uuid.uuid5(SEED_NAMESPACE, f"{kind}:{key}")


def load_fixture(path=SEED_FILE):
    with open(path, encoding="utf-8") as fixture:
        return json.load(fixture)


class SeedReport:
    """What the loader did to each kind of object: created, updated or left unchanged."""

    def __init__(self):
        self.counts = defaultdict(Counter)
        self.events = []

    def record(self, kind, action, label):
        self.counts[kind][action] += 1
        self.events.append((kind, action, label))

    def summary_lines(self):
        lines = []
        for kind, counts in self.counts.items():
            actions = ["created", "updated", "unchanged", *sorted(set(counts) - {"created", "updated", "unchanged"})]
            lines.append(f"{kind}: " + ", ".join(f"{counts[action]} {action}" for action in actions))
        return lines


class SeedLoader:
    def __init__(self, data):
        self.data = data
        self.report = SeedReport()
        self.default_language = data["default_locale"]
        self.locales = {}
        self.countries = {}  # ISO code -> Country of the default locale
        self.partners = {}  # fixture key -> Partner of the default locale
        self.documents = defaultdict(dict)  # fixture key -> {language: document}
        self.pages = defaultdict(dict)  # fixture key -> {language: page}
        self.created_pages = set()  # (fixture key, language)
        self.page_specs = {}  # fixture key -> (spec, parent spec)
        self.country_specs = {item["iso_code"]: item for item in data["countries"]}
        self.partner_specs = {item["key"]: item for item in data["partners"]}
        self._index_pages(data["pages"], parent=None)

    @property
    def languages(self):
        return list(self.data["locales"])

    @transaction.atomic
    def load(self):
        self.load_locales()
        self.load_countries()
        self.load_partners()
        self.load_footer_text()
        self.load_documents()
        self.load_pages()
        self.load_site()
        return self.report

    # Locales and snippets

    def load_locales(self):
        for language in self.languages:
            locale, created = Locale.objects.get_or_create(language_code=language)
            self.locales[language] = locale
            self.report.record("Locales", "created" if created else "unchanged", language)

    def load_countries(self):
        for iso_code, spec in self.country_specs.items():
            default = None
            for language in self.languages:
                country = Country.objects.filter(iso_code=iso_code, locale=self.locales[language]).first()
                values = {"name": self._in(language, spec["name"]), "iso_code": iso_code, "region": spec["region"]}
                country = self._save_translatable(
                    Country, country, default, language, values, stable_uuid("country", iso_code)
                )
                default = default or country
            self.countries[iso_code] = default

    def load_partners(self):
        for key, spec in self.partner_specs.items():
            default = None
            for language in self.languages:
                locale = self.locales[language]
                name = self._in(language, spec["name"])
                if default is None:
                    partner = (
                        Partner.objects.filter(translation_key=stable_uuid("partner", key), locale=locale).first()
                        or Partner.objects.filter(name=name, locale=locale).order_by("pk").first()
                    )
                else:
                    partner = Partner.objects.filter(translation_key=default.translation_key, locale=locale).first()
                values = {"name": name, "website": spec["website"], "kind": spec["kind"]}
                partner = self._save_translatable(
                    Partner, partner, default, language, values, stable_uuid("partner", key)
                )
                default = default or partner
            self.partners[key] = default

    def load_footer_text(self):
        # One footer text per language: an existing one is updated, whoever created it.
        spec = self.data["footer_text"]
        default = None
        for language in self.languages:
            locale = self.locales[language]
            translation_key = default.translation_key if default else stable_uuid("footer-text", spec["key"])
            footer = (
                FooterText.objects.filter(translation_key=translation_key, locale=locale).first()
                or FooterText.objects.filter(locale=locale).order_by("pk").first()
            )
            values = {
                "body": self._in(language, spec["body"]),
                "postal_address": spec["postal_address"].get(language, ""),
                "website_url": self._in(language, spec["website_url"]),
            }
            footer = self._save_translatable(FooterText, footer, default, language, values, translation_key)
            default = default or footer

    def _save_translatable(self, model, instance, default, language, values, translation_key):
        """Create or update one locale's version of a snippet; translations are copies of the default."""
        locale = self.locales[language]
        created = instance is None
        if created:
            if default is None:
                instance = model(locale=locale, translation_key=translation_key)
            else:
                instance = default.copy_for_translation(locale)
        if default is not None and instance.translation_key != default.translation_key:
            # A translation entered by hand before the seed ran: link it to the seeded original.
            values = {**values, "translation_key": default.translation_key}
        changed = self._assign(instance, values)
        if created or changed:
            instance.full_clean()
            instance.save()
        action = "created" if created else "updated" if changed else "unchanged"
        self.report.record(f"{model._meta.verbose_name_plural.capitalize()} ({language})", action, str(instance))
        return instance

    def _in(self, language, translations):
        return translations.get(language) or translations[self.default_language]

    @staticmethod
    def _assign(instance, values):
        changed = False
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        return changed

    # Documents

    def load_documents(self):
        document_model = get_document_model()
        collection = self._document_collection()
        for spec in self.data["documents"]:
            for language in spec["languages"]:
                title = spec["title"][language]
                content = render_outline(self.document_outline(spec, language))
                file_hash = hash_filelike(BytesIO(content))
                document = document_model.objects.filter(title=title, language=language).order_by("pk").first()
                if document is None:
                    document = document_model(title=title, language=language, collection=collection)
                    action = "created"
                elif document.file_hash != file_hash or not document.file.storage.exists(document.file.name):
                    document.file.delete(save=False)
                    action = "updated"
                else:
                    action = "unchanged"
                if action != "unchanged":
                    document.file.save(f"{spec['file_name']}-{language}.pdf", ContentFile(content), save=False)
                    document._set_document_file_metadata()
                    document.full_clean()
                    document.save()
                self.documents[spec["key"]][language] = document
                self.report.record(f"Documents ({language})", action, title)

    def _document_collection(self):
        name = self.data["document_collection"]
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = root.get_children().filter(name=name).first()
        if collection is None:
            collection = root.add_child(name=name)
            self.report.record("Collections", "created", name)
        else:
            self.report.record("Collections", "unchanged", name)
        return collection

    def document_outline(self, spec, language):
        """The outline `pdf.render_outline` draws, taken from the fixture entry of the page it documents."""
        labels = self.data["document_labels"][language]
        source = spec["outline"]
        page_spec, parent_spec = self.page_specs[source["page"]]
        programme_spec = page_spec if page_spec["type"] == "programmes.ProgrammePage" else parent_spec
        text = self._localiser(language)
        blocks = []
        for part in source["include"]:
            if part == "introduction" and text(page_spec.get("introduction")):
                blocks.append({"type": "paragraph", "text": text(page_spec["introduction"])})
            elif part == "objectives" and text(page_spec.get("objectives")):
                blocks.append({"type": "heading", "level": 2, "text": labels["objectives"]})
                blocks.extend(blocks_from_rich_text(text(page_spec["objectives"])))
            elif part == "sessions" and text(page_spec.get("sessions")):
                blocks.append({"type": "heading", "level": 2, "text": labels["sessions"]})
                blocks.extend(self._session_blocks(text(page_spec["sessions"])))
            elif part == "body":
                blocks.extend(blocks_from_stream(text(page_spec.get("body"))))
            elif part == "own_body":
                blocks.extend(blocks_from_stream(text(source["body"])))
            elif part == "programme_introduction":
                blocks.append({"type": "heading", "level": 2, "text": labels["about_programme"]})
                blocks.append({"type": "paragraph", "text": text(programme_spec["introduction"])})
            elif part == "programme_body":
                blocks.append({"type": "heading", "level": 2, "text": labels["about_programme"]})
                for block in blocks_from_stream(text(programme_spec["body"])):
                    if block["type"] == "heading":
                        block = {**block, "level": min(block["level"] + 1, 4)}
                    blocks.append(block)
        return {
            "title": spec["title"][language],
            "subtitle": text(programme_spec["title"]),
            "language": language,
            "author": labels["author"],
            "facts": self._facts(page_spec, language) if "facts" in source["include"] else [],
            "blocks": blocks,
        }

    def _facts(self, page_spec, language):
        labels = self.data["document_labels"][language]
        text = self._localiser(language)
        facts = []
        if page_spec["type"] == "trainings.TrainingOutlinePage":
            if page_spec.get("start_date"):
                facts.append((labels["dates"], self._dates(page_spec, language)))
            else:
                facts.append((labels["year"], str(page_spec["year"])))
            country = self._country_name(page_spec.get("country"), language)
            facts.append((labels["place"], ", ".join(part for part in (text(page_spec.get("city")), country) if part)))
            facts.append((labels["organisers"], self._partner_names(page_spec.get("organisers"), language)))
            facts.append((labels["partners"], self._partner_names(page_spec.get("partners"), language)))
            facts.append((labels["audience"], text(page_spec.get("audience"))))
            if page_spec.get("participants"):
                template = labels[f"participants_{page_spec['participants_qualifier']}"]
                facts.append((labels["participants"], template.format(number=page_spec["participants"])))
        else:
            names = sorted(
                (self._country_name(code, language) for code in page_spec.get("countries", [])), key=alphabetical
            )
            facts.append((labels["country" if len(names) == 1 else "countries"], ", ".join(names)))
            facts.append((labels["partners"], self._partner_names(page_spec.get("partners"), language)))
            facts.append((labels["period"], self._period(page_spec, labels)))
        return [(label, value) for label, value in facts if value]

    def _dates(self, page_spec, language):
        formats = {"day": "j F Y", "month": "F Y", "year": "Y"}
        date_format = formats[page_spec.get("date_precision", "day")]
        with translation.override(language):
            dates = [
                dateformat.format(date.fromisoformat(page_spec[name]), date_format)
                for name in ("start_date", "end_date")
                if page_spec.get(name)
            ]
        return " – ".join(dict.fromkeys(dates))

    @staticmethod
    def _period(page_spec, labels):
        start, end = page_spec.get("start_year"), page_spec.get("end_year")
        if start and end:
            return str(start) if start == end else f"{start}–{end}"
        if start:
            return labels["period_since"].format(year=start)
        if end:
            return labels["period_until"].format(year=end)
        return ""

    def _country_name(self, iso_code, language):
        if not iso_code:
            return ""
        names = self.country_specs[iso_code]["name"]
        return names.get(language, names[self.default_language])

    def _partner_names(self, keys, language):
        names = [self.partner_specs[key]["name"] for key in keys or []]
        return ", ".join(name.get(language, name[self.default_language]) for name in names)

    def _session_blocks(self, sessions):
        blocks = []
        for session in sessions:
            value = session["value"]
            blocks.append({"type": "heading", "level": 3, "text": value["title"]})
            blocks.extend(blocks_from_rich_text(value.get("description", "")))
            if value.get("speakers"):
                blocks.append({"type": "paragraph", "text": value["speakers"]})
        return blocks

    def _localiser(self, language):
        """A function giving a fixture value in `language`, falling back to the default language."""
        languages = set(self.languages)

        def text(value):
            if isinstance(value, dict) and value and set(value) <= languages:
                return value.get(language, value.get(self.default_language))
            return value

        return text

    # Pages

    def _index_pages(self, spec, parent):
        if spec["key"] in self.page_specs:
            raise CommandError(f"The page key {spec['key']!r} is used twice in the seed content.")
        self.page_specs[spec["key"]] = (spec, parent)
        for child in spec.get("children", []):
            self._index_pages(child, spec)

    def load_pages(self):
        # First make sure every page exists, so that pages can link to pages seeded after them;
        # then bring each one's content up to date and publish it if anything changed.
        home_spec = self.data["pages"]
        self._make_room_for_home(home_spec)
        self._ensure_pages(home_spec, parent_pages=None)
        for key, (spec, _parent) in self.page_specs.items():
            for language in self.languages:
                self._sync_page(key, spec, language)

    def _tree_root(self):
        # Wagtail's migrations create the root; a test database built without migrations has none.
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=self.locales[self.default_language]))
        return root

    def _make_room_for_home(self, home_spec):
        """Retire the "Welcome" page Wagtail's migrations create, once the seeded home page replaces it."""
        if Page.objects.filter(translation_key=stable_uuid("page", home_spec["key"])).exists():
            return
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            return
        welcome = site.root_page
        is_wagtail_welcome_page = (
            welcome.depth == 2 and welcome.content_type.model_class() is Page and not welcome.get_children().exists()
        )
        if is_wagtail_welcome_page:
            # The site points at the tree root for the moment it takes to replace its home page:
            # deleting the page it points at would delete the site too.
            site.root_page = self._tree_root()
            site.save()
            self.report.record("Pages (initial welcome page)", "deleted", welcome.title)
            welcome.delete()

    def _ensure_pages(self, spec, parent_pages):
        model = self._page_model(spec)
        default_page = self._find_default_page(spec, model, parent_pages)
        for language in self.languages:
            if language == self.default_language:
                page = default_page
            else:
                page = default_page.get_translation_or_none(self.locales[language]) if default_page else None
            if page is None:
                # Created in place rather than with copy_for_translation: a copy would take the English
                # slug, and renaming it would leave redirects from addresses that never existed.
                parent = parent_pages[language] if parent_pages else self._tree_root()
                page = model(
                    locale=self.locales[language],
                    translation_key=default_page.translation_key if default_page else stable_uuid("page", spec["key"]),
                    live=False,
                    **self._scalar_values(spec, model, language),
                )
                page.slug = self._free_slug(page, parent, page.slug)
                parent.add_child(instance=page)
                self.created_pages.add((spec["key"], language))
            page = page.specific
            default_page = default_page or page
            self.pages[spec["key"]][language] = page

        for child in spec.get("children", []):
            self._ensure_pages(child, self.pages[spec["key"]])

    def _find_default_page(self, spec, model, parent_pages):
        locale = self.locales[self.default_language]
        page = Page.objects.filter(translation_key=stable_uuid("page", spec["key"]), locale=locale).first()
        if page is None:
            # A page an earlier tool or an editor created at the same place with the same slug.
            parent = parent_pages[self.default_language] if parent_pages else self._tree_root()
            slug = self._localiser(self.default_language)(spec["slug"])
            page = parent.get_children().filter(slug=slug, locale=locale).first()
        if page is None:
            return None
        page = page.specific
        if not isinstance(page, model):
            raise CommandError(
                f"The page {page.url_path} is a {type(page).__name__}, but the seed content needs a {model.__name__} "
                "there. Move or rename it, then run the command again."
            )
        return page

    @staticmethod
    def _page_model(spec):
        return apps.get_model(spec["type"])

    def _scalar_values(self, spec, model, language):
        """The values of the fields that are neither streams nor relations to many."""
        text = self._localiser(language)
        values = {}
        for name, raw in spec.items():
            if name in PAGE_META_KEYS:
                continue
            field = model._meta.get_field(name)
            if isinstance(field, StreamField) or field.many_to_many or field.one_to_many:
                continue
            value = text(raw)
            if isinstance(field, models.ForeignKey):
                name, value = field.attname, self.countries[value].pk if value else None
            elif isinstance(field, models.DateField) and value:
                value = date.fromisoformat(value)
            elif value is None and not field.null:
                value = ""
            values[name] = value
        return values

    def _sync_page(self, key, spec, language):
        page = self.pages[key][language]
        model = type(page)
        parent = page.get_parent()
        values = self._scalar_values(spec, model, language)
        values["slug"] = self._free_slug(page, parent, values["slug"])
        changed = self._assign(page, values)

        for name in spec:
            if name in PAGE_META_KEYS:
                continue
            field = model._meta.get_field(name)
            if isinstance(field, StreamField):
                changed |= self._assign_stream(page, field, self._stream_value(key, name, spec[name], language))
            elif field.many_to_many:
                changed |= self._assign_relations(page, field, spec[name])
            elif field.one_to_many:
                changed |= self._assign_children(page, field, self._localiser(language)(spec[name]), key)

        created = (key, language) in self.created_pages
        if changed or created or page.first_published_at is None:
            page.save_revision(log_action=True).publish()
            action = "created" if created else "updated"
        else:
            action = "unchanged"
        self.report.record(f"Pages ({language})", action, page.url_path)

    def _free_slug(self, page, parent, slug):
        """`slug` if no sibling page has it; otherwise an existing page keeps its own."""
        if Page._slug_is_available(slug, parent, page if page.pk else None):
            return slug
        if page.pk:
            self.report.record("Pages (slug kept: taken by another page)", "unchanged", slug)
            return page.slug
        raise CommandError(f"The slug {slug!r} is taken under {parent.url_path}: move that page, then run again.")

    def _stream_value(self, key, field_name, raw, language):
        blocks = self._localiser(language)(raw) or []
        resolved = []
        for index, block in enumerate(blocks):
            block_id = stable_uuid("block", f"{key}:{language}:{field_name}:{index}")
            resolved.append({**self._resolve_references(block, language), "id": str(block_id)})
        return resolved

    def _resolve_references(self, value, language):
        """Replace {"$document": key} and {"$page": key} by the ids of the seeded objects, in `language`."""
        if isinstance(value, dict):
            if set(value) == {"$document"}:
                versions = self.documents[value["$document"]]
                return (versions.get(language) or versions[self.default_language]).pk
            if set(value) == {"$page"}:
                versions = self.pages[value["$page"]]
                return (versions.get(language) or versions[self.default_language]).pk
            return {name: self._resolve_references(item, language) for name, item in value.items()}
        if isinstance(value, list):
            return [self._resolve_references(item, language) for item in value]
        return value

    @staticmethod
    def _assign_stream(page, field, raw_blocks):
        block = field.stream_block
        wanted = block.get_prep_value(field.to_python(raw_blocks))
        current = block.get_prep_value(field.to_python(block.get_prep_value(getattr(page, field.name))))
        if wanted == current:
            return False
        setattr(page, field.name, wanted)
        return True

    @staticmethod
    def _assign_children(page, relation, wanted, key):
        """Replace a page's inline children (such as a form's fields) when they differ from `wanted`.

        Children keep the fixture's order (without a sort order the database would choose it).
        Translatable children get a translation key from the page's key and their position: each
        language's form field at one place is a translation of the others, as wagtail-localize expects.
        """
        model = relation.related_model
        wanted = [dict(item) for item in wanted]
        for index, item in enumerate(wanted):
            if issubclass(model, Orderable):
                item["sort_order"] = index
            if issubclass(model, TranslatableMixin):
                item["translation_key"] = stable_uuid("child", f"{key}:{relation.name}:{index}")
                item["locale_id"] = page.locale_id
        manager = getattr(page, relation.name)
        names = sorted({name for item in wanted for name in item})
        current = [{name: getattr(child, name) for name in names} for child in manager.all()]
        if current == [
            {name: item.get(name, getattr(relation.related_model(), name)) for name in names} for item in wanted
        ]:
            return False
        setattr(page, relation.name, [relation.related_model(**item) for item in wanted])
        return True

    def _assign_relations(self, page, field, keys):
        # Pages in every language refer to the default locale's countries and partners.
        if field.related_model is Country:
            wanted = [self.countries[code] for code in keys]
        elif field.related_model is Partner:
            wanted = [self.partners[key] for key in keys]
        else:
            raise CommandError(f"The seed loader cannot fill {field.model.__name__}.{field.name}.")
        manager = getattr(page, field.name)
        if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
            return False
        manager.set(wanted)
        return True

    # Site

    def load_site(self):
        home = self.pages[self.data["pages"]["key"]][self.default_language]
        # The site's public address, from which canonical, hreflang and sitemap links are built.
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site_values = {
            "root_page_id": home.pk,
            "hostname": address.hostname,
            "port": address.port or (443 if address.scheme == "https" else 80),
            **self.data["site"],
        }
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(is_default_site=True, **site_values)
            action = "created"
        else:
            action = "updated" if self._assign(site, site_values) else "unchanged"
        if action != "unchanged":
            site.full_clean()
            site.save()
        self.report.record("Sites", action, str(site))

        site_settings = SiteSettings.for_site(site)
        changed = self._assign(site_settings, self.data["site_settings"])
        if changed:
            site_settings.full_clean()
            site_settings.save()
        self.report.record("Site settings", "updated" if changed else "unchanged", str(site))
