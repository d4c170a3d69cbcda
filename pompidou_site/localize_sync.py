"""Keeps the countries and partners of a synced translation the same as its source's.

Pages list the default locale's countries and partners in every language, so these many-to-many
fields are declared `SynchronizedField(..., overridable=False)`. wagtail-localize copies such a
field on each sync, but only when the source has values (`copy_synchronised_fields` skips an empty
one): a partner list emptied in English would stay full in French. This receiver closes that gap.

It runs before the translation is saved, the save wagtail-localize makes just before it creates the
revision it publishes, so the live page, its revision and the source agree. (After publication, as
a `page_published` receiver, it would change the live page behind its revision's back.) Pages
without a synced translation, such as the seeded French pages edited directly, are left alone.
"""

from django.apps import apps
from django.db.models.signals import pre_save

from modelcluster.fields import ParentalManyToManyField
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, get_translatable_fields
from wagtail_localize.models import SourceDeletedError, Translation


def synchronized_many_to_many_fields(model):
    return [
        field.field_name
        for field in get_translatable_fields(model)
        if isinstance(field, SynchronizedField) and isinstance(field.get_field(model), ParentalManyToManyField)
    ]


def copy_many_to_many_fields_from_source(sender, instance, raw=False, **kwargs):
    if raw:
        return
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


def connect_receivers():
    for model in apps.get_models():
        if issubclass(model, TranslatableMixin) and synchronized_many_to_many_fields(model):
            pre_save.connect(
                copy_many_to_many_fields_from_source,
                sender=model,
                dispatch_uid=f"copy_many_to_many_fields_from_source:{model._meta.label}",
            )
