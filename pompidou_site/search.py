"""The site search: what the search page finds, in which order, and what it shows of each result.

- Matching is the search backend's (`pompidou_site/search_backend.py`): words stemmed in the page's
  or document's language, accents optional, on PostgreSQL and SQLite alike.
- Ranking is done here, the same on both databases, over the matches: a result whose title holds
  the query's words (all of them, in that order, best) comes first, then by the weight of its kind
  (a programme before its country projects, trainings and documents), then by how much of its text
  matches. So a programme ranks first for its own name.
- The passage shown is the part of the result's searchable text with the most query words, every
  matching word in `<mark>`, everything else escaped.
- Filters (programme, country, type, year) are described by the domain apps, which register a
  `SearchType` for each kind of page they contribute through the `register_search_type` hook in
  their `wagtail_hooks.py`; documents are the core's own type. With no query and the document
  type chosen, the page is the document library.
- Editors' promotions (`wagtail.contrib.search_promotions`) come above the results, and each query
  is counted for Wagtail's "Search terms" report.

Anything a visitor types is answered: unknown or malformed filters are ignored, the query is cut to
`MAX_QUERY_LENGTH` and only its words reach the backend.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import F, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index
from wagtail.search.query import And, Phrase, PlainText
from wagtail.search.utils import normalise_query_string

from .documents import public_documents
from .page_cache import cached_until_content_changes
from .request_cache import active_locale
from .search_backend import WORD, object_language, stems
from .taxonomy import in_locale

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
LIBRARY_PER_PAGE = 50
# Matches ranked per kind (pages, documents): far more than anyone reads, few enough to rank in Python.
MAX_MATCHES = 500
PASSAGE_WORDS = 30
# The text a passage is looked for in, per result: a long document's first part.
MAX_SCANNED_CHARACTERS = 200_000
DOCUMENT_TYPE = "document"
PHRASE = re.compile(r'"([^"]*)"')
# Words too common to mark or to rank by (the backend's matching is left as it is).
STOP_WORDS = {
    "en": "a an and are as at be by for from in is it of on or the to with",
    "fr": "à au aux d de des du en est et l la le les ou par pour sur un une dans",
}


@dataclass(frozen=True)
class SearchType:
    """A kind of page the search can be narrowed to, registered by the app that defines it."""

    key: str  # In the address: ?type=programme
    label: str
    model: type
    weight: float = 1.0  # Ranking: a kind that matters more to readers comes first among equals.
    country_field: str | None = None  # The field naming the page's countries (foreign key or many-to-many).
    in_year: Callable | None = None  # in_year(queryset, year) -> the pages of that year.
    years: Callable | None = None  # years(queryset) -> the years of those pages.
    year_text: Callable | None = None  # year_text(page) -> "2012", "2011–2014", for the document library.
    # Given, its pages are the choices of a filter of this name ("programme"), which keeps a chosen
    # page and every page below it; the filter and the library's column are labelled with `label`.
    scope_parameter: str | None = None
    order: int = 0


# Pages of the core (home page, standard pages) rank below the domain's kinds; documents between.
DOCUMENT_WEIGHT = 1.0
OTHER_PAGE_WEIGHT = 0.5


def search_types():
    return sorted((register() for register in hooks.get_hooks("register_search_type")), key=lambda kind: kind.order)


def scope_type(types):
    """The registered type whose pages scope the search (in this site, the programmes), if any."""
    return next((kind for kind in types if kind.scope_parameter), None)


def _type_of(model, types):
    for kind in types:
        if issubclass(model, kind.model):
            return kind
    return None


# The query


@dataclass
class ParsedQuery:
    text: str = ""
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.words)

    @property
    def shown(self):
        """The query as the headings quote it: a query that is one "quoted phrase" loses its own
        quotes, which the heading's quotation marks replace."""
        match = PHRASE.fullmatch(self.text)
        return match.group(1).strip() if match else self.text

    def backend_query(self):
        """Words and "quoted phrases" for the backend, nothing else of what was typed."""
        rest = PHRASE.sub(" ", self.text)
        parts = [Phrase(" ".join(phrase)) for phrase in self.phrases if phrase]
        loose = WORD.findall(rest)
        if loose:
            parts.append(PlainText(" ".join(loose)))
        return parts[0] if len(parts) == 1 else And(parts)


# Control characters (NUL above all) cannot be stored in PostgreSQL text, nor written in HTML.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text):
    """What was typed in an address, without the characters no page may echo or store."""
    return CONTROL_CHARACTERS.sub("", text or "")


def parse_query(raw):
    text = without_control_characters(raw).strip()[:MAX_QUERY_LENGTH]
    phrases = [WORD.findall(phrase) for phrase in PHRASE.findall(text)]
    return ParsedQuery(text=text, words=WORD.findall(text), phrases=[phrase for phrase in phrases if phrase])


# Filters


@dataclass
class Filter:
    name: str  # The query parameter.
    label: str
    choices: list  # [(value, label)]
    selected: object = None  # The chosen object (page, country, type key, year), or None.
    value: str = ""


def _visible_pages(locale):
    """Live, public pages in `locale` (a Locale or its pk)."""
    return Page.objects.live().public().filter(locale=locale)


def _default_locale_countries():
    from .models import Country

    return Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


def _filter_choices(request, locale, types):
    """The scope pages, the countries (in the visitor's language, and by code in the default one)
    and the years the filters offer: they change only with the content, so they are looked up once
    per change of content (per language and set of search types)."""
    keys = ",".join(kind.key for kind in types)
    return _cached_filter_choices(request, locale.pk, keys)


@cached_until_content_changes
def _cached_filter_choices(request, locale_pk, keys):
    types = [kind for kind in search_types() if kind.key in keys.split(",")]
    visible = _visible_pages(locale_pk)
    scope = scope_type(types)
    scope_pages = list(scope.model.objects.filter(pk__in=visible.values("pk")).order_by("path")) if scope else []
    countries = in_locale(_default_locale_countries(), request)
    by_code = {country.iso_code: country for country in _default_locale_countries()}
    years = set()
    for kind in types:
        if kind.years:
            years.update(year for year in kind.years(kind.model.objects.filter(pk__in=visible.values("pk"))) if year)
    return scope_pages, countries, by_code, years


def build_filters(params, locale, types, request=None):
    """The four filters, their choices in the visitor's language, and what `params` chose of them.

    A value that is not one of the choices (a typo, a page that is gone, "abc" for a year) counts as
    no choice."""
    scope = scope_type(types)
    scope_pages, countries, by_code, years = _filter_choices(request, locale, types)
    type_choices = [(kind.key, kind.label) for kind in types] + [(DOCUMENT_TYPE, _("Document"))]
    options = [
        # role, query parameter, label, {value: the object it chooses}, [(value, label)] as shown
        (
            "scope",
            scope.scope_parameter if scope else "",
            scope.label if scope else "",
            {str(page.pk): page for page in scope_pages},
            [(str(page.pk), page.title) for page in scope_pages],
        ),
        (
            "country",
            "country",
            _("Country"),
            {country.iso_code: by_code[country.iso_code] for country in countries},
            [(country.iso_code, country.name) for country in countries],
        ),
        ("type", "type", _("Type"), {key: key for key, _label in type_choices}, type_choices),
        (
            "year",
            "year",
            _("Year"),
            {str(year): year for year in years},
            [(str(year), str(year)) for year in sorted(years, reverse=True)],
        ),
    ]
    filters = {}
    for role, name, label, objects, choices in options:
        value = params.get(name, "") if name else ""
        value = value if isinstance(value, str) and value in objects else ""
        filters[role] = Filter(
            name=name, label=label, choices=choices, selected=objects.get(value) if value else None, value=value
        )
    return filters


def filtered_pages(filters, locale, types, with_type=True):
    """The visible pages of `locale` that the chosen filters keep."""
    pages = _visible_pages(locale)
    kind_key = filters["type"].selected if with_type else None
    if kind_key == DOCUMENT_TYPE:
        return pages.none()
    if kind_key:
        pages = pages.type(next(kind.model for kind in types if kind.key == kind_key))
    scope_page = filters["scope"].selected
    if scope_page is not None:
        pages = pages.descendant_of(scope_page, inclusive=True)
    country = filters["country"].selected
    if country is not None:
        matching = [
            Q(pk__in=kind.model.objects.filter(**{kind.country_field: country}).values("pk"))
            for kind in types
            if kind.country_field
        ]
        pages = pages.filter(reduce(or_, matching, Q(pk__in=[])))
    year = filters["year"].selected
    if year is not None:
        matching = [
            Q(pk__in=kind.in_year(kind.model.objects.all(), year).values("pk")) for kind in types if kind.in_year
        ]
        pages = pages.filter(reduce(or_, matching, Q(pk__in=[])))
    return pages


def _document_content_type():
    return ContentType.objects.get_for_model(get_document_model())


def referenced_documents(pages):
    """The ids of the documents these pages link to (Wagtail's reference index)."""
    page_ids = [str(pk) for pk in pages.values_list("pk", flat=True)]
    return {
        int(object_id)
        for object_id in ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=page_ids,
            to_content_type=_document_content_type(),
        ).values_list("to_object_id", flat=True)
        if object_id.isdigit()
    }


def filtered_documents(filters, locale, types, any_language=False):
    """The public documents the chosen filters keep: those linked from the pages they keep."""
    kind_key = filters["type"].selected
    documents = public_documents(get_document_model().objects.all())
    if kind_key and kind_key != DOCUMENT_TYPE:
        return documents.none()
    if not any_language:
        documents = documents.filter(language__in=[locale.language_code, ""])
    if any(filters[role].selected is not None for role in ("scope", "country", "year")):
        documents = documents.filter(
            pk__in=referenced_documents(filtered_pages(filters, locale, types, with_type=False))
        )
    return documents


# Ranking and passages


def _search_texts(obj):
    """The searchable text of an object but its title, field by field, as the index reads it."""
    texts = []

    def add(value):
        if value is None:
            return
        if isinstance(value, (list, tuple)):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)
        elif str(value).strip():
            texts.append(str(value))

    def walk(instance, fields):
        for search_field in fields:
            if isinstance(search_field, index.SearchField) and search_field.field_name != "title":
                add(search_field.get_value(instance))
            elif isinstance(search_field, index.RelatedFields):
                # The rows `find` prefetched for all the results, if it did (modelcluster's
                # manager ignores a prefetch in .all()).
                prefetched = getattr(instance, "_prefetched_objects_cache", {})
                if search_field.field_name in prefetched:
                    for item in prefetched[search_field.field_name]:
                        walk(item, search_field.fields)
                    continue
                related = search_field.get_value(instance)
                if related is None:
                    continue
                items = related.all() if hasattr(related, "all") else [related]
                for item in items:
                    walk(item, search_field.fields)

    walk(obj, obj.get_search_fields())
    return texts


def _marked(text, tokens, start, end, query_stems, language):
    """`text[start:end]` escaped, its words whose stem is a query stem in <mark>."""
    html, position = [], start
    for match in tokens:
        if match.end() <= start or match.start() >= end:
            continue
        word_stems = stems(match.group(), language)
        html.append(escape(text[position : match.start()]))
        if word_stems and word_stems[0] in query_stems:
            html.append(f"<mark>{escape(match.group())}</mark>")
        else:
            html.append(escape(match.group()))
        position = match.end()
    html.append(escape(text[position:end]))
    return "".join(html)


def highlight(text, query_stems, language):
    """The whole of a short text (a title) with its matching words in <mark>."""
    marked = _marked(text, list(WORD.finditer(text)), 0, len(text), query_stems, language)
    return mark_safe(marked)  # noqa: S308 - _marked escapes the text  # nosec B308 B703


@dataclass
class Analysis:
    passage: str
    matched_stems: set
    occurrences: int


def analyse(texts, query_stems, language, words=PASSAGE_WORDS):
    """The best passage of `texts` for the query (the window of `words` words with the most
    different query words, then the most of them), and what the texts match."""
    best = None  # (distinct, count, -segment index, text, tokens, first, last)
    matched, occurrences = set(), 0
    for number, text in enumerate(texts):
        text = text[:MAX_SCANNED_CHARACTERS]
        tokens = list(WORD.finditer(text))
        if not tokens:
            continue
        hits = []
        for position, match in enumerate(tokens):
            word_stems = stems(match.group(), language)
            if word_stems and word_stems[0] in query_stems:
                hits.append((position, word_stems[0]))
        matched.update(stem for _position, stem in hits)
        occurrences += len(hits)
        if hits:
            candidates = []
            for first_hit, _stem in hits:
                first = max(0, first_hit - 5)
                window = [stem for position, stem in hits if first <= position < first + words]
                candidates.append((len(set(window)), len(window), -number, first))
            distinct, count, order, first = max(candidates)
        else:
            distinct, count, order, first = 0, 0, -number, 0
        key = (distinct, count, order)
        if best is None or key > best[0]:
            best = (key, text, tokens, first)
    if best is None:
        return Analysis(passage="", matched_stems=matched, occurrences=occurrences)
    _key, text, tokens, first = best
    last = min(len(tokens), first + words) - 1
    start = 0 if first == 0 else tokens[first].start()
    end = len(text) if last == len(tokens) - 1 else tokens[last].end()
    passage = _marked(text, tokens, start, end, query_stems, language)
    passage = ("… " if start else "") + passage.strip() + (" …" if end < len(text) else "")
    return Analysis(passage=passage, matched_stems=matched, occurrences=occurrences)


@dataclass
class Result:
    title: str  # Safe HTML, the query's words marked.
    url: str
    type_label: str
    passage: str  # Safe HTML.
    score: float
    page: Page | None = None
    document: object = None

    @property
    def is_document(self):
        return self.document is not None


def _score(title, analysis, query_words, language, weight):
    """Title first (its share of the query's words, and all of them in the query's order), then the
    kind's weight, then how many of the query's words the text has and how often."""
    query_stems = set(query_words)
    title_stems = [word for word in stems(title, language) if word in query_stems or word not in _stop_stems(language)]
    share = len(query_stems & set(title_stems)) / len(query_stems)
    in_order = _contains_sequence(title_stems, query_words)
    coverage = len((analysis.matched_stems | set(title_stems)) & query_stems) / len(query_stems)
    return 4 * share + 3 * in_order + weight + coverage + math.log1p(analysis.occurrences) / 5


def _contains_sequence(haystack, needle):
    if not needle:
        return False
    size = len(needle)
    return any(haystack[index : index + size] == needle for index in range(len(haystack) - size + 1))


@lru_cache(maxsize=8)
def _stop_stems(language):
    code = (language or settings.LANGUAGE_CODE).split("-")[0]
    return frozenset(stems(STOP_WORDS.get(code, ""), language))


def query_stems_in(query, language):
    """The stems of the query's words in `language`, in order, without the common words (unless it is only those)."""
    words = stems(" ".join(query.words), language)
    meaningful = [word for word in words if word not in _stop_stems(language)]
    return meaningful or words


def rank(objects, query, types):
    """Results for the matched pages and documents, best first."""
    results = []
    for obj in objects:
        language = object_language(obj)
        query_words = query_stems_in(query, language)
        query_stems = set(query_words)
        if not query_stems:
            continue
        texts = _search_texts(obj)
        analysis = analyse(texts, query_stems, language)
        if isinstance(obj, Page):
            kind = _type_of(type(obj), types)
            title = obj.title
            shown_title = getattr(obj, "standalone_title", title)
            weight = kind.weight if kind else OTHER_PAGE_WEIGHT
            type_label = kind.label if kind else _page_type_label(obj)
            result = Result(
                title=highlight(shown_title, query_stems, language),
                url=obj.url,
                type_label=type_label,
                passage="",
                score=0,
                page=obj,
            )
            fallback = getattr(obj, "listing_text", "")
        else:
            title = obj.title
            weight = DOCUMENT_WEIGHT
            result = Result(
                title=highlight(title, query_stems, language),
                url=obj.url,
                type_label=_("Document"),
                passage="",
                score=0,
                document=obj,
            )
            fallback = ""
        result.score = _score(title, analysis, query_words, language, weight)
        passage = analysis.passage or (escape(fallback) if fallback else "")
        result.passage = mark_safe(passage)  # noqa: S308 - built from escaped text  # nosec B308 B703
        results.append(result)
    return sorted(results, key=lambda result: -result.score)


def _page_type_label(page):
    from .templatetags.navigation_tags import page_type_label

    return page_type_label(page)


def _matching_ids(queryset, backend_query):
    return [obj.pk for obj in queryset.search(backend_query, order_by_relevance=False)[:MAX_MATCHES]]


def _specific_matches(filters, locale, types, backend_query):
    """The matched pages the filters keep, specific, in tree order: one query per page type among
    them, the matches' own content types saying which (what `.specific()` would ask again)."""
    matched = _visible_pages(locale).search(backend_query, order_by_relevance=False)[:MAX_MATCHES]
    ids_by_type = {}
    for page in matched:
        ids_by_type.setdefault(page.content_type_id, []).append(page.pk)
    kept = filtered_pages(filters, locale, types).values("pk")
    pages = []
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue  # A page type since removed.
        pages.extend(model.objects.filter(pk__in=ids).filter(pk__in=kept))
    return sorted(pages, key=lambda page: page.path)


def _prepared_for_ranking(pages, locale):
    """The matched pages with what ranking and showing them reads, fetched for all of them at once:
    their locale (the one searched), their many-to-many search fields (countries, partners) and,
    for page types whose standalone title names the parent, their parents."""
    from .models import BasePage

    by_model = {}
    for page in pages:
        page.locale = locale
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        names = [
            search_field.field_name
            for search_field in model.get_search_fields()
            if isinstance(search_field, index.RelatedFields)
            and getattr(model._meta.get_field(search_field.field_name), "many_to_many", False)
        ]
        if names:
            prefetch_related_objects(group, *names)
    return BasePage.with_title_parents(pages)


def find(query, filters, locale, types):
    """The ranked results of a query with filters."""
    backend_query = query.backend_query()
    pages = _prepared_for_ranking(_specific_matches(filters, locale, types, backend_query), locale)
    documents = []
    if filters["type"].selected in (None, DOCUMENT_TYPE):
        document_ids = _matching_ids(get_document_model().objects.all(), backend_query)
        documents = list(filtered_documents(filters, locale, types).filter(pk__in=document_ids))
    return rank([*pages, *documents], query, types)


# The document library and browsing


@dataclass
class LibraryEntry:
    document: object
    language: str
    year_text: str
    scope_page: Page | None


def library(documents, locale, types):
    """Each document with its language, year and programme, from the pages that link to it."""
    documents = list(documents)
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=_document_content_type(),
        to_object_id__in=[str(document.pk) for document in documents],
    ).values_list("to_object_id", "object_id")
    pages_of = {}
    page_ids = set()
    for document_id, page_id in references:
        if page_id.isdigit():
            pages_of.setdefault(int(document_id), []).append(int(page_id))
            page_ids.add(int(page_id))
    pages = {page.pk: page for page in Page.objects.live().public().filter(pk__in=page_ids).specific()}
    scope = scope_type(types)
    scope_pages = {page.path: page for page in Page.objects.live().public().type(scope.model)} if scope else {}
    entries = []
    for document in documents:
        linking = sorted(
            (pages[pk] for pk in pages_of.get(document.pk, []) if pk in pages), key=lambda page: -page.depth
        )
        year_text, scope_page = "", None
        for page in linking:
            kind = _type_of(type(page), types)
            if not year_text and kind and kind.year_text:
                year_text = kind.year_text(page)
            if scope_page is None:
                scope_page = next((scope_pages[path] for path in scope_pages if page.path.startswith(path)), None)
        entries.append(
            LibraryEntry(
                document=document,
                language=_language_name(document.language),
                year_text=year_text,
                scope_page=scope_page.localized if scope_page is not None else None,
            )
        )
    return entries


def _language_name(code):
    """ "French" for an English reader, "français" for a French one."""
    try:
        return get_language_info(code)["name_translated"] if code else ""
    except KeyError:
        return code


# Promotions and the search terms report


def promotions(query):
    """The editors' picks for the query: live, public pages in the visitor's language, and links.
    Looked up once per query string and change of content (a promotion saved is one)."""
    return _promotions(None, normalise_query_string(query.text))


@cached_until_content_changes
def _promotions(holder, query_string):
    picks = SearchPromotion.objects.filter(query__query_string=query_string).select_related("page")
    picks = list(picks)
    localized = {pick.pk: pick.page.localized for pick in picks if pick.page_id}
    visible = set(
        Page.objects.live()
        .public()
        .filter(pk__in=[page.pk for page in localized.values()])
        .values_list("pk", flat=True)
    )
    shown = []
    for pick in picks:
        if pick.page_id:
            page = localized[pick.pk]
            if page.pk in visible:
                shown.append({"title": page.specific_deferred.title, "url": page.url, "description": pick.description})
        elif pick.external_link_url:
            shown.append(
                {
                    "title": pick.external_link_text or pick.external_link_url,
                    "url": pick.external_link_url,
                    "description": pick.description,
                }
            )
    return shown


def record(query):
    """Count the query for Wagtail's "Search terms" report, as Query.add_hit() does: in one query
    once the query and the day are known (an UPDATE joined to the query's text), not three."""
    query_string = normalise_query_string(query.text)
    if not query_string:
        return
    today = timezone.now().date()
    if QueryDailyHits.objects.filter(query__query_string=query_string, date=today).update(hits=F("hits") + 1):
        return
    daily_hits, created = QueryDailyHits.objects.get_or_create(
        query=Query.get(query.text), date=today, defaults={"hits": 1}
    )
    if not created:
        QueryDailyHits.objects.filter(pk=daily_hits.pk).update(hits=F("hits") + 1)


# The page


def search_context(request):
    """Everything the search page shows for `request.GET`."""
    params = request.GET
    locale = active_locale(request)
    types = search_types()
    query = parse_query(params.get("q", ""))
    filters = build_filters(params, locale, types, request)
    filtering = any(item.selected is not None for item in filters.values())
    context = {
        "search_query": query.text,
        "search_query_shown": query.shown,
        "search_results": None,
        "filters": list(filters.values()),
        "filtering": filtering,
        "promotions": [],
        "library": None,
    }
    if query:
        results = find(query, filters, locale, types)
        context["search_results"] = Paginator(results, RESULTS_PER_PAGE).get_page(params.get("page"))
        context["promotions"] = promotions(query)
        # A search paged through counts once: on its first page.
        if request.method == "GET" and params.get("page", "1") in ("", "1"):
            record(query)
    elif query.text:
        # Typed, but no word in it (punctuation only): nothing can match.
        context["search_results"] = Paginator([], RESULTS_PER_PAGE).get_page(1)
    elif filters["type"].selected == DOCUMENT_TYPE:
        documents = filtered_documents(filters, locale, types, any_language=True).order_by("title", "pk")
        page = Paginator(documents, LIBRARY_PER_PAGE).get_page(params.get("page"))
        context["library"] = page
        context["library_entries"] = library(page.object_list, locale, types)
        scope = scope_type(types)
        context["scope_label"] = scope.label if scope else ""
    elif filtering:
        pages = filtered_pages(filters, locale, types).order_by("path").specific()
        page = Paginator(pages, RESULTS_PER_PAGE).get_page(params.get("page"))
        context["search_results"] = page
        context["browsing"] = True
        page.object_list = [
            Result(
                title=escape(getattr(item, "standalone_title", item.title)),
                url=item.url,
                type_label=(
                    _type_of(type(item), types).label if _type_of(type(item), types) else _page_type_label(item)
                ),
                passage=escape(getattr(item, "listing_text", "")),
                score=0,
                page=item,
            )
            for item in page.object_list
        ]
    return context
