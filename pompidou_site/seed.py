"""Loads the seed content of `fixtures/seed_content.json` into the database, as often as needed.

The seed content is a starting point, not a master copy: the loader creates what is missing and
never changes what exists. Each object it creates or finds is recorded in Wagtail's audit log under
its seed key (`page:home:en`, `document:mednet-country-report:en`...; see `SEED_LOG_ACTION`), which
editors cannot change. A later run finds each object again by that record (before the record
existed: pages and snippets by a translation key derived from their fixture key (uuid5), countries
by ISO code, documents by title and language) and leaves it exactly as it is, edited or not. An
object recorded once that no longer exists was deleted by an editor, and stays deleted.

The programme documents are drawn from the seeded pages themselves: the loader creates a page,
builds its PDF from the page (its fields, the properties its template formats them with, the labels
of the gettext catalogue, in the page's language; see `document_outline` and `pdf.py`), then links
the document from the page and publishes it. Files are written through Django's storage API, only
when the document is created (or its file is missing and the document still has the seed's own
file, by its hash).
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
from django.utils import translation
from django.utils.translation import gettext

from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.log_actions import log
from wagtail.models import Collection, Locale, ModelLogEntry, Orderable, Page, PageLogEntry, Site, TranslatableMixin
from wagtail.utils.file import hash_filelike

from .document_text import extract_document_text_task, read_text, text_is_stale
from .models import Country, FooterText, Partner, SiteSettings
from .pdf import blocks_from_stream, page_outline, render_outline
from .taxonomy import in_locale

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed_content.json"
# Never change: the translation keys of seeded objects, and so their identity, derive from it.
SEED_NAMESPACE = uuid.UUID("6f1c1f0e-3c55-4a8e-9a57-2f5e0b4d7c21")
# Keys of a page's fixture entry that are not model fields.
PAGE_META_KEYS = {"key", "type", "children"}
# The audit log action recording that an object is seed content, with its seed key in the entry's data.
SEED_LOG_ACTION = "pompidou_site.seed_content"
# The fixture key of the page the site settings name as the accessibility statement.
ACCESSIBILITY_STATEMENT_KEY = "accessibility"
# What the report says of an object that exists: the loader left it exactly as it is.
KEPT = "kept"
# What it says of an object it recorded once that is gone: an editor deleted it, and it stays deleted.
LEFT_DELETED = "left deleted"


def stable_uuid(kind, key):
    return uuid.uuid5(SEED_NAMESPACE, f"{kind}:{key}")


def load_fixture(path=SEED_FILE):
    with open(path, encoding="utf-8") as fixture:
        return json.load(fixture)


class SeedReport:
    """What the loader did to each kind of object: created, kept as it is, or left deleted."""

    def __init__(self):
        self.counts = defaultdict(Counter)
        self.events = []

    def record(self, kind, action, label):
        self.counts[kind][action] += 1
        self.events.append((kind, action, label))

    def summary_lines(self):
        lines = []
        for kind, counts in self.counts.items():
            actions = ["created", KEPT, *sorted(set(counts) - {"created", KEPT})]
            lines.append(f"{kind}: " + ", ".join(f"{counts[action]} {action}" for action in actions))
        return lines


class MissingReference(Exception):
    """A block links to a seeded page or document that an editor deleted."""


class SeedLoader:
    def __init__(self, data):
        self.data = data
        self.report = SeedReport()
        self.records = {}  # seed key -> primary key of the object recorded under it
        self.default_language = data["default_locale"]
        self.locales = {}
        self.countries = {}  # ISO code -> Country of the default locale
        self.partners = {}  # fixture key -> Partner of the default locale
        # The taxonomy snippets pages refer to, by model: fixture key -> instance of the default locale.
        self.snippets = {Country: self.countries, Partner: self.partners}
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
        self.load_records()
        self.load_locales()
        self.load_countries()
        self.load_partners()
        self.load_footer_text()
        self.load_pages()
        self.load_site()
        return self.report

    # Locales and snippets

    def load_locales(self):
        for language in self.languages:
            locale, created = Locale.objects.get_or_create(language_code=language)
            self.locales[language] = locale
            self.report.record("Locales", "created" if created else KEPT, language)

    def load_countries(self):
        for iso_code, spec in self.country_specs.items():
            default = None
            for language in self.languages:
                locale = self.locales[language]
                values = {"name": self._in(language, spec["name"]), "iso_code": iso_code, "region": spec["region"]}
                country = self._ensure_snippet(
                    Country,
                    iso_code,
                    language,
                    default,
                    values,
                    stable_uuid("country", iso_code),
                    fallback=Country.objects.filter(iso_code=iso_code, locale=locale).order_by("pk"),
                )
                default = default or country
                if language == self.default_language and country is not None:
                    self.countries[iso_code] = country

    def load_partners(self):
        for key, spec in self.partner_specs.items():
            default = None
            for language in self.languages:
                locale = self.locales[language]
                name = self._in(language, spec["name"])
                values = {"name": name, "website": spec["website"], "kind": spec["kind"]}
                partner = self._ensure_snippet(
                    Partner,
                    key,
                    language,
                    default,
                    values,
                    stable_uuid("partner", key),
                    # A partner entered by hand before the seed ran, under the same name.
                    fallback=None if default else Partner.objects.filter(name=name, locale=locale).order_by("pk"),
                )
                default = default or partner
                if language == self.default_language and partner is not None:
                    self.partners[key] = partner

    def load_footer_text(self):
        # One footer text per language: an existing one is kept, whoever created it.
        spec = self.data["footer_text"]
        default = None
        for language in self.languages:
            locale = self.locales[language]
            values = {
                "body": self._in(language, spec["body"]),
                "postal_address": spec["postal_address"].get(language, ""),
                "website_url": self._in(language, spec["website_url"]),
            }
            footer = self._ensure_snippet(
                FooterText,
                spec["key"],
                language,
                default,
                values,
                stable_uuid("footer-text", spec["key"]),
                fallback=FooterText.objects.filter(locale=locale).order_by("pk"),
            )
            default = default or footer

    def _ensure_snippet(self, model, key, language, default, values, translation_key, fallback=None):
        """One locale's version of a snippet: the existing one, untouched, or a new one (None if deleted).

        An existing one is found by its record, else by translation key (a translation has its default
        locale version's), else in `fallback` (what an earlier tool or an editor created).
        """
        locale = self.locales[language]
        with translation.override(None):  # The report is in English, whatever language is active.
            kind = f"{str(model._meta.verbose_name_plural).capitalize()} ({language})"
        seed_key = f"{model._meta.model_name}:{key}:{language}"
        instance, recorded = self._recorded(model, seed_key)
        if recorded and instance is None:
            self.report.record(kind, LEFT_DELETED, seed_key)
            return None
        if instance is None:
            key_of_translations = default.translation_key if default else translation_key
            instance = model.objects.filter(translation_key=key_of_translations, locale=locale).first()
            if instance is None and fallback is not None:
                instance = fallback.first()
            if instance is not None:
                self._record(instance, seed_key, created=False)
        if instance is not None:
            self.report.record(kind, KEPT, str(instance))
            return instance

        instance = default.copy_for_translation(locale) if default else model(locale=locale)
        if not default:
            instance.translation_key = translation_key
        for name, value in values.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        self._record(instance, seed_key, created=True)
        self.report.record(kind, "created", str(instance))
        return instance

    def _in(self, language, translations):
        return translations.get(language) or translations[self.default_language]

    # The record of what is seed content

    def load_records(self):
        """Every seed key recorded in the audit log, with the primary key of its object."""
        for model, object_field in ((ModelLogEntry, "object_id"), (PageLogEntry, "page_id")):
            entries = model.objects.filter(action=SEED_LOG_ACTION).order_by("pk").values_list("data", object_field)
            for data, object_id in entries:
                if isinstance(data, dict) and data.get("seed_key"):
                    self.records[data["seed_key"]] = object_id

    def _recorded(self, model, seed_key):
        """(the object recorded under `seed_key` or None, whether anything was recorded under it)."""
        if seed_key not in self.records:
            return None, False
        return model.objects.filter(pk=self.records[seed_key]).first(), True

    def _record(self, instance, seed_key, created):
        """Record in the audit log that `instance` is the seed's `seed_key` (found, or created by the loader)."""
        log(instance, SEED_LOG_ACTION, data={"seed_key": seed_key, "created": created})
        self.records[seed_key] = instance.pk

    # Documents

    def load_documents(self):
        document_model = get_document_model()
        collection = self._document_collection()
        for spec in self.data["documents"]:
            for language in spec["languages"]:
                kind = f"Documents ({language})"
                title = spec["title"][language]
                seed_key = f"document:{spec['key']}:{language}"
                document, recorded = self._recorded(document_model, seed_key)
                if recorded and document is None:
                    self.report.record(kind, LEFT_DELETED, seed_key)
                    continue
                if document is None:
                    # Seeded before documents were recorded: the earlier loader found them by title.
                    document = document_model.objects.filter(title=title, language=language).order_by("pk").first()
                    if document is not None:
                        self._record(document, seed_key, created=False)
                if document is None:
                    content = self._render_document(spec, language)
                    if content is None:
                        self.report.record(kind, "not created (its page is gone)", title)
                        continue
                    document = document_model(title=title, language=language, collection=collection)
                    self._write_file(document, spec, language, content)
                    # Read for the search now, not later by the worker: the seeded site is searchable at once.
                    read_text(document, content)
                    document.full_clean()
                    document.save()
                    self._record(document, seed_key, created=True)
                    self.report.record(kind, "created", title)
                elif not document.file.storage.exists(document.file.name):
                    self._restore_file(document, spec, language, kind)
                else:
                    self.report.record(kind, KEPT, document.title)
                    if text_is_stale(document):
                        # Seeded before the search read documents: the worker reads it (derived data, not content).
                        extract_document_text_task.enqueue(document.pk)
                self.documents[spec["key"]][language] = document

    def _render_document(self, spec, language):
        """The PDF of the document, drawn from its page in `language` (None if that page is gone)."""
        page = self.pages[spec["outline"]["page"]].get(language)
        if page is None:
            return None
        with translation.override(language):
            return render_outline(self.document_outline(spec, page))

    @staticmethod
    def _write_file(document, spec, language, content):
        document.file.save(f"{spec['file_name']}-{language}.pdf", ContentFile(content), save=False)
        document._set_document_file_metadata()

    def _restore_file(self, document, spec, language, kind):
        """Write the seed's file again where it is missing, but only if the document still has the seed's file."""
        content = self._render_document(spec, language)
        if content is None or document.file_hash != hash_filelike(BytesIO(content)):
            # An editor's file (or an older seed's), gone from the storage: not the seed's to replace.
            self.report.record(kind, "kept (its file is missing from the storage)", document.title)
            return
        name = document.file.storage.save(document.file.name, ContentFile(content))
        if name != document.file.name:
            document.file.name = name
            document.save(update_fields=["file"])
        self.report.record(kind, "file restored", document.title)

    def _document_collection(self):
        name = self.data["document_collection"]
        root = Collection.get_first_root_node()  # Wagtail's migrations create it.
        collection = root.get_children().filter(name=name).first()
        if collection is None:
            collection = root.add_child(name=name)
            self.report.record("Collections", "created", name)
        else:
            self.report.record("Collections", KEPT, name)
        return collection

    def document_outline(self, spec, page):
        """The outline `pdf.render_outline` draws of `page`, in the active language.

        Drawn from the page itself, with the properties and labels its template uses; the fixture
        entry of the document names only its title, what it includes and any text of its own.
        """
        source = spec["outline"]
        language = page.locale.language_code
        programme = page.programme
        blocks = []
        for part in source["include"]:
            if part == "introduction" and page.introduction:
                blocks.append({"type": "paragraph", "text": page.introduction})
            elif part == "objectives":
                # The page's own rule, shared with the outline PDF its page type generates.
                blocks.extend(page.objectives_document_blocks())
            elif part == "sessions":
                blocks.extend(page.sessions_document_blocks())
            elif part == "body":
                blocks.extend(blocks_from_stream(page.body.raw_data))
            elif part == "own_body":
                blocks.extend(blocks_from_stream(self._localiser(language)(source["body"])))
            elif part == "programme_introduction":
                blocks.append({"type": "heading", "level": 2, "text": gettext("About the programme")})
                blocks.append({"type": "paragraph", "text": programme.introduction})
            elif part == "programme_body":
                blocks.append({"type": "heading", "level": 2, "text": gettext("About the programme")})
                for block in blocks_from_stream(programme.body.raw_data):
                    if block["type"] == "heading":
                        block = {**block, "level": min(block["level"] + 1, 4)}
                    blocks.append(block)
        return page_outline(
            page,
            title=spec["title"][language],
            subtitle=programme.title,
            blocks=blocks,
            facts="facts" in source["include"],
        )

    def _country_name(self, iso_code, language):
        if not iso_code or iso_code not in self.countries:
            return ""
        return in_locale([self.countries[iso_code]], locale=self.locales[language])[0].name

    def _partner_names(self, keys, language):
        partners = [self.partners[key] for key in keys or [] if key in self.partners]
        return ", ".join(in_locale([partner], locale=self.locales[language])[0].name for partner in partners)

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
        # then fill in the pages this run created, except what links to documents; then create the
        # documents, each drawn from its page; then link them and publish. Pages that existed are
        # left as they are.
        home_spec = self.data["pages"]
        self._make_room_for_home(home_spec)
        self._ensure_pages(home_spec, parent_pages=None)
        order = {key: index for index, key in enumerate(self.page_specs)}
        created = sorted(self.created_pages, key=lambda item: (order[item[0]], item[1]))
        for key, language in created:
            self._fill_page(key, self.page_specs[key][0], language)
        self.load_documents()
        for key, language in created:
            self._publish_page(key, self.page_specs[key][0], language)

    @staticmethod
    def _tree_root():
        # Wagtail's migrations create it, with the welcome page below.
        return Page.get_first_root_node()

    def _make_room_for_home(self, home_spec):
        """Retire the "Welcome" page Wagtail's migrations create, once the seeded home page replaces it."""
        if f"page:{home_spec['key']}:{self.default_language}" in self.records:
            return  # Seeded before: there or deleted by an editor, the site is theirs now.
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
        default_page = None
        for language in self.languages:
            kind = f"Pages ({language})"
            seed_key = f"page:{spec['key']}:{language}"
            page, recorded = self._recorded(Page, seed_key)
            if recorded and page is None:
                self.report.record(kind, LEFT_DELETED, seed_key)
                continue
            parent = parent_pages.get(language) if parent_pages is not None else self._tree_root()
            if page is None:
                page = self._find_page(spec, model, language, default_page, parent)
                if page is not None:
                    self._record(page, seed_key, created=False)
            if page is not None:
                self.report.record(kind, KEPT, page.url_path)
            else:
                page = self._create_page(spec, model, language, default_page, parent, kind)
                if page is None:
                    continue
                self._record(page, seed_key, created=True)
                self.created_pages.add((spec["key"], language))
            page = page.specific
            default_page = default_page or page
            self.pages[spec["key"]][language] = page

        for child in spec.get("children", []):
            self._ensure_pages(child, self.pages[spec["key"]])

    def _find_page(self, spec, model, language, default_page, parent):
        locale = self.locales[language]
        translation_key = default_page.translation_key if default_page else stable_uuid("page", spec["key"])
        page = Page.objects.filter(translation_key=translation_key, locale=locale).first()
        if page is None and language == self.default_language and parent is not None:
            # A page an earlier tool or an editor created at the same place with the same slug.
            slug = self._localiser(language)(spec["slug"])
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

    def _create_page(self, spec, model, language, default_page, parent, kind):
        """A new page, not yet live (`_fill_page` publishes it), or None when it cannot have its place."""
        if parent is None:
            self.report.record(kind, "not created (its parent page is gone)", spec["key"])
            return None
        # Created in place rather than with copy_for_translation: a copy would take the English
        # slug, and renaming it would leave redirects from addresses that never existed.
        page = model(
            locale=self.locales[language],
            translation_key=default_page.translation_key if default_page else stable_uuid("page", spec["key"]),
            live=False,
            **self._scalar_values(spec, model, language),
        )
        if not Page._slug_is_available(page.slug, parent):
            self.report.record(kind, f"not created (another page has the slug {page.slug!r})", parent.url_path)
            return None
        return parent.add_child(instance=page)

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
                related = self._snippet(field, value) if value else None
                name, value = field.attname, related.pk if related else None
            elif isinstance(field, models.DateField) and value:
                value = date.fromisoformat(value)
            elif value is None and not field.null:
                value = ""
            values[name] = value
        return values

    def _fill_page(self, key, spec, language):
        """Give a page this run created its streams and relations, but those linking to documents; save it."""
        page = self.pages[key][language]
        model = type(page)
        for name in spec:
            if name in PAGE_META_KEYS or self._links_to_documents(spec[name]):
                continue
            field = model._meta.get_field(name)
            if isinstance(field, StreamField):
                setattr(page, name, self._stream_value(key, name, spec[name], language))
            elif field.many_to_many:
                self._set_relations(page, field, spec[name])
            elif field.one_to_many:
                self._set_children(page, field, self._localiser(language)(spec[name]), key)
        page.save()

    def _publish_page(self, key, spec, language):
        """Give a page this run created the streams that link to documents, now that they exist; publish it."""
        page = self.pages[key][language]
        for name in spec:
            if name not in PAGE_META_KEYS and self._links_to_documents(spec[name]):
                setattr(page, name, self._stream_value(key, name, spec[name], language))
        page.save_revision(log_action=True).publish()
        self.report.record(f"Pages ({language})", "created", page.url_path)

    @staticmethod
    def _links_to_documents(value):
        if isinstance(value, dict):
            return "$document" in value or any(SeedLoader._links_to_documents(item) for item in value.values())
        if isinstance(value, list):
            return any(SeedLoader._links_to_documents(item) for item in value)
        return False

    def _stream_value(self, key, field_name, raw, language):
        blocks = self._localiser(language)(raw) or []
        resolved = []
        for index, block in enumerate(blocks):
            block_id = stable_uuid("block", f"{key}:{language}:{field_name}:{index}")
            try:
                resolved.append({**self._resolve_references(block, language), "id": str(block_id)})
            except MissingReference as missing:
                self.report.record(f"Pages ({language})", f"block left out (links to {missing})", key)
        return resolved

    def _resolve_references(self, value, language):
        """Replace {"$document": key} and {"$page": key} by the ids of the seeded objects, in `language`."""
        if isinstance(value, dict):
            for marker, seeded in (("$document", self.documents), ("$page", self.pages)):
                if set(value) == {marker}:
                    versions = seeded.get(value[marker], {})
                    target = versions.get(language) or versions.get(self.default_language)
                    if target is None:
                        raise MissingReference(f"{marker[1:]} {value[marker]}, which was deleted")
                    return target.pk
            return {name: self._resolve_references(item, language) for name, item in value.items()}
        if isinstance(value, list):
            return [self._resolve_references(item, language) for item in value]
        return value

    @staticmethod
    def _set_children(page, relation, wanted, key):
        """Give a page its inline children (such as a form's fields).

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
        setattr(page, relation.name, [model(**item) for item in wanted])

    def _snippet_keys(self, field):
        """Fixture key -> seeded instance of the snippet model `field` refers to."""
        if field.related_model not in self.snippets:
            raise CommandError(f"The seed loader cannot fill {field.model.__name__}.{field.name}.")
        return self.snippets[field.related_model]

    def _snippet(self, field, key):
        # None when an editor deleted it: the page is created without it.
        return self._snippet_keys(field).get(key)

    def _set_relations(self, page, field, keys):
        # Pages in every language refer to the default locale's countries and partners (those still there).
        seeded = self._snippet_keys(field)
        getattr(page, field.name).set([seeded[key] for key in keys if key in seeded])

    # Site

    def load_site(self):
        """Point the default site at the seeded home page, the first time only; then its settings.

        The site is set up (home page, host name and port from WAGTAILADMIN_BASE_URL, name) when
        there is none, when this run created the home page, or when it points at the tree root (the
        Wagtail welcome page it served was just replaced). Otherwise it is someone's configuration,
        kept as it is; so are existing site settings.
        """
        home_key = self.data["pages"]["key"]
        home = self.pages[home_key].get(self.default_language)
        site = Site.objects.filter(is_default_site=True).first()
        if home is None:
            self.report.record("Sites", "not set up (the home page is gone)", str(site))
        elif site is None or (home_key, self.default_language) in self.created_pages or site.root_page.is_root():
            # The site's public address, from which canonical, hreflang and sitemap links are built.
            address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
            site_values = {
                "root_page_id": home.pk,
                "hostname": address.hostname,
                "port": address.port or (443 if address.scheme == "https" else 80),
                **self.data["site"],
            }
            created = site is None
            site = site or Site(is_default_site=True)
            for name, value in site_values.items():
                setattr(site, name, value)
            site.full_clean()
            site.save()
            self.report.record("Sites", "created" if created else "set up", str(site))
        else:
            self.report.record("Sites", KEPT, str(site))
        if site is None:
            return

        if SiteSettings.objects.filter(site=site).exists():
            self.report.record("Site settings", KEPT, str(site))
            return
        statement = self.pages.get(ACCESSIBILITY_STATEMENT_KEY, {}).get(self.default_language)
        site_settings = SiteSettings(site=site, accessibility_statement=statement, **self.data["site_settings"])
        site_settings.full_clean()
        site_settings.save()
        self.report.record("Site settings", "created", str(site))
