"""Which documents the public may see.

A collection with a view restriction ("Secretariat only") holds working documents: Wagtail's serve
view refuses them to visitors, and the site never lists or links them where the public looks.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from wagtail.models import Collection, CollectionViewRestriction

PRIVATE_COLLECTIONS_CACHE_KEY = "pompidou:private-collection-ids"


def private_collection_ids():
    """The ids of restricted collections and of every collection below them, cached until a
    restriction or a collection changes."""
    ids = cache.get(PRIVATE_COLLECTIONS_CACHE_KEY)
    if ids is None:
        paths = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
        ids = set()
        for path in set(paths):
            ids.update(Collection.objects.filter(path__startswith=path).values_list("pk", flat=True))
        cache.set(PRIVATE_COLLECTIONS_CACHE_KEY, ids, 60 * 60)
    return ids


def is_public_document(document):
    return document is not None and document.collection_id not in private_collection_ids()


def public_documents(queryset):
    """The documents of a queryset that visitors may download."""
    private = private_collection_ids()
    return queryset.exclude(collection_id__in=private) if private else queryset


def with_file_sizes(documents):
    """`documents`, each with its file size read now (and stored, once, if it never was).

    For documents kept among the fragments until the content changes: storing a file size is no
    change of content, so a kept document without one would read its file at every render."""
    for document in documents:
        document.get_file_size()
    return documents


def forget_private_collections(**kwargs):
    cache.delete(PRIVATE_COLLECTIONS_CACHE_KEY)


def connect_receivers():
    for model in (CollectionViewRestriction, Collection):
        for signal in (post_save, post_delete):
            signal.connect(forget_private_collections, sender=model, dispatch_uid=f"forget_private:{model.__name__}")
