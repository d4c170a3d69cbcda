"""Long listings shown a page at a time, so that a page with a hundred children stays as fast as one
with five. Each listing has its own query parameter, so that two listings on one page (a
programme's country projects and its training outlines) page through independently."""

from django.core.paginator import Paginator

LISTING_PAGE_SIZE = 24


class CountedPaginator(Paginator):
    """A Paginator told its count, for listings counted together in one query."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


def listing_page(request, queryset, param, count, per_page=LISTING_PAGE_SIZE):
    """The page of `queryset` that `?<param>=` asks for (the first, or the last when past the end,
    for any number out of range or not a number: never an error)."""
    return CountedPaginator(queryset, per_page, count).get_page(request.GET.get(param))
