"""The taxonomy rule, in one place: pages point at the default locale's countries and partners;
readers see their own language's.

- `IN_DEFAULT_LOCALE` is the `limit_choices_to` of every page field naming a country or partner.
- `synchronized_taxonomy_fields` declares such fields to wagtail-localize, for any page type: each
  language's page keeps the same (default locale) countries and partners, copied on each sync.
- `copy_many_to_many_fields_from_source` closes the gap wagtail-localize leaves (see below).
- `in_locale` gives countries or partners in the reader's language, alphabetically, with one query
  per model and language for the whole request; `of_page` reads a page's rows for it.
- `alphabetical` is the sort key for names in either language.

wagtail-localize copies a synchronised field on each sync, but only when the source has values
(`copy_synchronised_fields` skips an empty one): a partner list emptied in English would stay full
in French. The receiver runs before the translation is saved, the save wagtail-localize makes just
before it creates the revision it publishes, so the live page, its revision and the source agree.
(After publication, as a `page_published` receiver, it would change the live page behind its
revision's back.) Pages without a synced translation, such as the seeded French pages edited
directly, are left alone.
"""

import unicodedata

from django.apps import apps
from django.conf import settings
from django.db.models.signals import pre_save

from modelcluster.fields import ParentalManyToManyField
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, get_translatable_fields

from .page_cache import cached_until_content_changes
from .request_cache import active_locale, cached_per_request

# The `limit_choices_to` of a page's country or partner field: only the default locale's are offered.
IN_DEFAULT_LOCALE = {"locale__language_code": settings.LANGUAGE_CODE}


def synchronized_taxonomy_fields(*field_names):
    """The `override_translatable_fields` of a page's country and partner fields.

    wagtail-localize would otherwise swap in the translated country, which the field does not
    accept, and leave many-to-many fields out of syncs.
    """
    return [SynchronizedField(name, overridable=False) for name in field_names]


def alphabetical(text):
    """A sort key for names in either language: accents ignored, so that "Égypte" comes among the E."""
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()


@cached_per_request
@cached_until_content_changes
def _translations(holder, model, locale_pk):
    return {obj.translation_key: obj for obj in model.objects.filter(locale_id=locale_pk)}


def in_locale(instances, holder=None, locale=None):
    """Countries or partners (any iterable, or one, or None) in `locale`, by name.

    The active locale by default. `holder` is the request or template context: the first call for a
    model loads its rows in that locale once for the whole request. A snippet not yet translated
    keeps its own name.
    """
    if instances is None or instances == "":
        return []
    if hasattr(instances, "all"):
        instances = instances.all()
    elif isinstance(instances, TranslatableMixin):
        instances = [instances]
    items = list(instances)
    if not items:
        return []
    locale_pk = locale.pk if locale is not None else active_locale(holder).pk
    localized = []
    for item in items:
        if item.locale_id == locale_pk:
            localized.append(item)
        else:
            localized.append(_translations(holder, type(item), locale_pk).get(item.translation_key, item))
    return sorted(localized, key=alphabetical)


def names_in_locale(instances, holder=None, locale=None):
    """The names of countries or partners in `locale` (the active one by default), as pages list them."""
    return [item.name for item in in_locale(instances, holder=holder, locale=locale)]


def of_page(page, field_name):
    """The rows of a page's country or partner field, those a listing prefetched if it did."""
    if not page:
        return []
    field = page._meta.get_field(field_name)
    if not field.many_to_many:
        value = getattr(page, field_name)
        return [value] if value else []
    # modelcluster's ParentalManyToManyField manager ignores prefetch_related's cache in .all(),
    # so read the prefetched rows directly; without a prefetch, ask the manager.
    prefetched = getattr(page, "_prefetched_objects_cache", {})
    if field_name in prefetched:
        return list(prefetched[field_name])
    # Rows changed in memory (modelcluster keeps them until the page is saved) cost no query.
    if field_name in getattr(page, "_cluster_related_objects", {}):
        return list(getattr(page, field_name).all())
    # Else the rows as saved, which only a publish changes: from the page cache's fragments, or one
    # query per page and field, however many parts of the page (the map, the facts, the structured
    # data) ask: the rows are kept on the instance, as a prefetch would.
    loaded = page.__dict__.setdefault("_taxonomy_rows", {})
    if field_name not in loaded:
        loaded[field_name] = _saved_rows(None, page._meta.label, page.pk, field_name) if page.pk else []
    return list(loaded[field_name])


@cached_until_content_changes
def _saved_rows(holder, model_label, page_pk, field_name):
    page = apps.get_model(model_label)(pk=page_pk)
    return list(getattr(page, field_name).all())


def taxonomy_field_names(model, taxonomy_model):
    """The names of a page type's fields that point at `taxonomy_model` (such as Country)."""
    return [
        field.name
        for field in model._meta.get_fields()
        if (field.many_to_many or field.many_to_one)
        and not field.auto_created
        and field.concrete
        and field.related_model is taxonomy_model
    ]


# Keeping synced translations' many-to-many fields the same as the source's


def synchronized_many_to_many_fields(model):
    return [
        field.field_name
        for field in get_translatable_fields(model)
        if isinstance(field, SynchronizedField) and isinstance(field.get_field(model), ParentalManyToManyField)
    ]


def copy_many_to_many_fields_from_source(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from wagtail_localize.models import SourceDeletedError, Translation

    translation = (
        Translation.objects.filter(
            source__object_id=instance.translation_key, target_locale_id=instance.locale_id, enabled=True
        )
        .exclude(source__locale_id=instance.locale_id)
        .select_related("source")
        .first()
    )
    if translation is None:
        return
    try:
        source = translation.source.as_instance()
    except SourceDeletedError:
        return
    for name in synchronized_many_to_many_fields(sender):
        wanted = list(getattr(source, name).all())
        if {obj.pk for obj in wanted} != {obj.pk for obj in getattr(instance, name).all()}:
            setattr(instance, name, wanted)


def forget_taxonomy_rows(sender, instance, **kwargs):
    """A page saved (its fields changed) reads its rows again: `of_page` kept them on the instance."""
    instance.__dict__.pop("_taxonomy_rows", None)


def connect_receivers():
    pre_save.connect(forget_taxonomy_rows, dispatch_uid="forget_taxonomy_rows")
    for model in apps.get_models():
        if issubclass(model, TranslatableMixin) and synchronized_many_to_many_fields(model):
            pre_save.connect(
                copy_many_to_many_fields_from_source,
                sender=model,
                dispatch_uid=f"copy_many_to_many_fields_from_source:{model._meta.label}",
            )
