"""Long listings shown a page at a time, so that a page with a hundred children stays as fast as one
with five. Each listing has its own query parameter, so that two listings on one page (a
programme's country projects and its training outlines) page through independently."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

from .page_cache import cached_until_content_changes

LISTING_PAGE_SIZE = 24
# Kept listings keep their first pages only (1200 items at 24 a page): any number can be asked
# for, and each kept page of pages with their relations takes room in the shared cache.
KEPT_PAGES = 50
TOTAL = "_listing_total"


class CountedPaginator(Paginator):
    """A Paginator told its count, so that it never asks the database for it."""

    def __init__(self, per_page, count):
        super().__init__([], per_page)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


# Past it, a page's first row would lie beyond what the databases take as an offset (SQLite's
# integers end at 2**63 - 1): such a number is read as this one, past the end, so the last page.
MAX_NUMBER = 2**31


def _requested_number(request, param):
    try:
        return min(max(int(request.GET.get(param, 1)), 1), MAX_NUMBER)
    except (TypeError, ValueError):
        return 1


def _rows_and_count(queryset, number, per_page, shown):
    annotated = queryset.annotate(**{TOTAL: Window(Count("pk"))})
    rows = list(annotated[(number - 1) * per_page : number * per_page])
    if rows:
        count = getattr(rows[0], TOTAL)
    else:
        count = queryset.count()
        last = max((count + per_page - 1) // per_page, 1)
        if number > last:
            number = last
            rows = list(annotated[(number - 1) * per_page : number * per_page])
    return shown(rows), number, count


@cached_until_content_changes
def _kept_rows_and_count(request, name, number, per_page, *, queryset, shown):
    return _rows_and_count(queryset, number, per_page, shown)


def listing_page(request, queryset, param, per_page=LISTING_PAGE_SIZE, *, kept_as=None, shown=list, refreshed=None):
    """The page of `queryset` that `?<param>=` asks for, in one query: the rows come with the total
    (a window count), so no separate COUNT is needed. A number that is not one is the first page;
    one past the end is the last page (which then costs a count): never an error.

    `shown` turns the page's rows into what the template shows (say, with their documents).
    `kept_as`, a name unique to the listing and the queryset it stands for ("programme 7
    projects"), keeps each page of it among the fragments until the content changes: a listing
    of live pages, documents and snippets changes only when they do. Previews compute afresh.
    `refreshed` is applied to kept rows each time they are read, for what they hold that may
    change without a change of content (the renditions of their images).
    """
    number = _requested_number(request, param)
    if kept_as is None or number > KEPT_PAGES:
        rows, number, count = _rows_and_count(queryset, number, per_page, shown)
    else:
        rows, number, count = _kept_rows_and_count(request, kept_as, number, per_page, queryset=queryset, shown=shown)
        if refreshed is not None:
            rows = refreshed(rows)
    return Page(rows, number, CountedPaginator(per_page, count))
