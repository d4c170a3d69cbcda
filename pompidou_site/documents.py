"""Which documents the public may see.

A collection with a view restriction ("Secretariat only") holds working documents: Wagtail's serve
view refuses them to visitors, and the site never lists or links them where the public looks.
"""

from wagtail.models import Collection, CollectionViewRestriction

from .page_cache import cached_until_content_changes


@cached_until_content_changes
def _private_collection_ids(holder):
    paths = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
    ids = set()
    for path in set(paths):
        ids.update(Collection.objects.filter(path__startswith=path).values_list("pk", flat=True))
    return ids


def private_collection_ids():
    """The ids of restricted collections and of every collection below them, kept until the
    content changes (saving or deleting a collection or a restriction is such a change)."""
    return _private_collection_ids(None)


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
