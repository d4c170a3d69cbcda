"""The open data API: a read-only JSON API on Wagtail's API v2, mounted at /api/v2/.

Three endpoints (README, "Open data API"):

- `pages/`: live, public pages in both languages (`?type=` to choose a page type, `?locale=`);
- `countries/`: the Country snippet, in each language;
- `documents/`: documents of the public collections only (`?language=`, and the search's scope
  parameter, `?country=`, `?year=`: those linked from the pages these choose, by Wagtail's
  reference index).

The core knows no page type. A page model says what it shows with Wagtail's `api_fields` and
what it can be filtered by with `api_filters`, a mapping of query parameter to a function
`(queryset, value) -> queryset` that raises `ValueError` with a message for a malformed value
(answered 400). The helpers below (`by_country`, `by_year`, `by_period_year`, `by_parent`,
`TaxonomyField`, `StreamDocumentsField`) build them from the field names the domain app gives.

Nobody signs in to the API: it has no authentication classes, so every client is anonymous and
throttled (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]`), by the address the rest of the
site uses (`pompidou_site.accounts.client_ip`). Only JSON is rendered: DRF's browsable API needs
inline script, which the site's Content Security Policy refuses.
"""

import logging
import re

from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import path, re_path, reverse
from django.utils import translation

from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    FieldsFilter,
    LocaleFilter,
    OrderingFilter,
    SearchFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, get_full_url
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.blocks import StreamValue
from wagtail.documents import get_document_model
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site, get_page_models
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError
from wagtail.search.utils import parse_query_string

from .accounts.client_ip import client_ip
from .documents import public_documents
from .models import Country
from .search import referenced_documents, scope_type, search_types
from .taxonomy import in_locale, of_page

logger = logging.getLogger(__name__)

ISO_CODE = re.compile(r"^[A-Za-z]{2}$")
# Years the site's pages can name: anything else is a typing error, not an empty result.
YEARS = range(1900, 2200)


# Filters the domain apps declare in their models' `api_filters`


def parse_year(value):
    try:
        year = int(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a year; give four digits, such as 2010") from None
    if year not in YEARS:
        raise ValueError(f"{year} is out of range; give a year between {YEARS[0]} and {YEARS[-1]}")
    return year


def parse_id(value):
    if not value.isdigit() or len(value) > 18:
        raise ValueError(f"'{value}' is not a page id; give a whole number, such as 5")
    return int(value)


def parse_country(value):
    if not ISO_CODE.match(value):
        raise ValueError(f"'{value}' is not a country code; give two letters of ISO 3166-1, such as MD")
    return value.upper()


def by_country(*fields):
    """`?country=MD`: pages whose `fields` (links to Country) name the country with that ISO code."""

    def apply(queryset, value):
        code = parse_country(value)
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__iso_code": code})
        # Pages point at the default locale's countries; one page appears once, whatever it names.
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))

    return apply


def by_year(field):
    """`?year=2010`: pages whose `field` is that year."""

    def apply(queryset, value):
        return queryset.filter(**{field: parse_year(value)})

    return apply


def by_period_year(queryset, value):
    """`?year=2010` on a page with a period (PeriodMixin): the period includes that year."""
    year = parse_year(value)
    return queryset.filter(
        (Q(start_year__lte=year) | Q(start_year__isnull=True, end_year__isnull=False))
        & (Q(end_year__gte=year) | Q(end_year__isnull=True, start_year__isnull=False))
    )


def by_parent(queryset, value):
    """`?programme=5`: pages right below the page with that id (the id of a pages/ result)."""
    parent = Page.objects.filter(pk=parse_id(value)).first()
    if parent is None:
        return queryset.none()
    return queryset.child_of(parent)


# Fields


def api_request_holder(context):
    """The Django request behind the serializer's DRF request, which the request cache keys on."""
    request = context.get("request")
    return getattr(request, "_request", request)


class TaxonomyField(serializers.Field):
    """A page's countries or partners (many-to-many or foreign key), named in the page's language.

    `attributes` are those of each item to show, such as ("iso_code", "name"). The names come from
    `taxonomy.in_locale`: one query per model and language for the whole response.
    """

    def __init__(self, attributes, many=True, **kwargs):
        self.attributes = attributes
        self.many = many
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        items = in_locale(of_page(page, self.source), holder=api_request_holder(self.context), locale=page.locale)
        shown = [{attribute: getattr(item, attribute) for attribute in self.attributes} for item in items]
        if self.many:
            return shown
        return shown[0] if shown else None


def document_representation(document, context, title=""):
    return {
        "id": document.pk,
        "title": title or document.title,
        "file_type": document.file_type,
        "file_size": document.get_file_size(),
        "language": document.language,
        "download_url": get_full_url(context["request"], document.url),
    }


class StreamDocumentsField(serializers.Field):
    """The public documents a stream field links (its blocks' `document` values), in order.

    Documents of a restricted collection are left out, so neither their ids nor their titles
    leave the site.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source)

    def to_representation(self, stream):
        values = document_values(stream)
        documents = self.public_documents()
        return [
            document_representation(documents[value["document"]], self.context, value.get("title") or "")
            for value in values
            if value["document"] in documents
        ]

    def public_documents(self):
        """The public documents of this field on every object of the response, in one query."""
        cache = self.context.setdefault("public_stream_documents", {})
        if self.source not in cache:
            instances = self.root.instance
            # The page of a listing (a queryset, already fetched), or the one object of a detail.
            instances = [instances] if isinstance(instances, models.Model) else list(instances)
            ids = {
                value["document"] for instance in instances for value in document_values(self.get_attribute(instance))
            }
            cache[self.source] = public_documents(get_document_model().objects.all()).in_bulk(ids) if ids else {}
        return cache[self.source]


def document_values(stream):
    """The values of a stream's blocks that name a document, in order."""
    if not isinstance(stream, StreamValue):
        return []
    return [
        block["value"]
        for block in stream.raw_data
        if isinstance(block.get("value"), dict) and block["value"].get("document")
    ]


# Filter backends


def registered_filters(model, view=None):
    """The filters of an endpoint: those its view handles itself (`own_filters`), or those its
    model declares (`api_filters`)."""
    return getattr(view, "own_filters", None) or getattr(model, "api_filters", {})


class RegisteredFilters(BaseFilterBackend):
    """Applies the `api_filters` of the endpoint's model."""

    def filter_queryset(self, request, queryset, view):
        for name, apply in registered_filters(queryset.model).items():
            if name in request.GET:
                try:
                    queryset = apply(queryset, request.GET[name])
                except ValueError as error:
                    raise BadRequestError(f"{name}: {error}") from error
        return queryset


class CheckedFieldsFilter(FieldsFilter):
    """Wagtail's `?field=value` filters, without those the model handles itself, and with a 400
    for a value the field cannot hold (Wagtail converts integers only: a malformed date raised)."""

    def filter_queryset(self, request, queryset, view):
        handled = registered_filters(queryset.model, view)
        for name, value in request.GET.items():
            if name in handled or name == "locale":
                continue
            try:
                field = queryset.model._meta.get_field(name)
            except Exception:  # noqa: S112 - not a field: Wagtail's own check answers for it
                continue
            if getattr(field, "concrete", False) and not field.is_relation:
                try:
                    field.to_python(value)
                except ValidationError as error:
                    reason = " ".join(error.messages)
                    raise BadRequestError(f"{name}: '{value}' is not a valid value ({reason})") from None
                allowed = [str(choice) for choice, _label in field.flatchoices if choice != ""]
                if allowed and value not in allowed:
                    # Else a typo ("asia", "bogus") reads as "nothing matches".
                    raise BadRequestError(f"{name}: '{value}' is not one of {', '.join(allowed)}")
        # Wagtail's filter, on the parameters left to it.
        if handled:
            request = _WithoutParameters(request, handled)
        return super().filter_queryset(request, queryset, view)


class _WithoutParameters:
    """A request whose GET lacks some parameters, for Wagtail's FieldsFilter."""

    def __init__(self, request, names):
        self._request = request
        self.GET = request.GET.copy()
        for name in names:
            self.GET.pop(name, None)

    def __getattr__(self, name):
        return getattr(self._request, name)


class CheckedLocaleFilter(LocaleFilter):
    """`?locale=`: a language of the site, or a 400 that lists them (Wagtail answers 404)."""

    def filter_queryset(self, request, queryset, view):
        if "locale" in request.GET and not Locale.objects.filter(language_code=request.GET["locale"]).exists():
            codes = ", ".join(Locale.objects.order_by("language_code").values_list("language_code", flat=True))
            raise BadRequestError(f"locale: '{request.GET['locale']}' is not a language of the site ({codes})")
        if "locale" in request.GET and hasattr(queryset.model, "locale") and not issubclass(queryset.model, Page):
            return queryset.filter(locale=Locale.objects.get(language_code=request.GET["locale"]))
        return super().filter_queryset(request, queryset, view)


class CheckedSearchFilter(SearchFilter):
    """`?search=`: read as the site's search reads a query (words and "quoted phrases"), so that no
    character reaches the database's full-text syntax, which refused some with a server error."""

    max_length = 255

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        query = request.GET["search"].strip()[: self.max_length]
        operator = request.GET.get("search_operator") or None
        if operator not in (None, "and", "or"):
            raise BadRequestError("search_operator: give 'and' or 'or'")
        if not query:
            return queryset
        _filters, parsed = parse_query_string(query, operator=operator)
        try:
            return get_search_backend().search(parsed, queryset, order_by_relevance="order" not in request.GET)
        except (FilterFieldError, OrderByFieldError) as error:
            raise BadRequestError(f"search: {error}") from error


class CheckedPagination(WagtailPagination):
    """Wagtail's `limit` and `offset`, with an offset the database can take (a huge one failed)."""

    max_offset = 2**31 - 1

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0")
        if offset.isdigit() and int(offset) > self.max_offset:
            raise BadRequestError(f"offset cannot be higher than {self.max_offset}")
        return super().paginate_queryset(queryset, request, view)


# Throttling


class APIAnonThrottle(AnonRateThrottle):
    """DRF's throttle for anonymous clients, by the site's client address rule; a cache that fails
    lets the request through (and is logged) rather than answering 500."""

    def get_rate(self):
        # Read on each request, not once at import as DRF does, so that a settings change holds.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("The API throttle could not reach the cache; the request is let through", exc_info=True)
            return True


# Endpoints


class ReadOnlyAPI:
    """What every endpoint shares: JSON only, no sign-in, throttled, GET and HEAD only."""

    renderer_classes = [JSONRenderer]
    pagination_class = CheckedPagination
    authentication_classes = []
    permission_classes = []
    throttle_classes = [APIAnonThrottle]
    http_method_names = ["get", "head", "options"]

    @classmethod
    def filterable_fields(cls, model):
        """The fields `?name=value` filters on: database fields shown as they are stored (not
        streams, nor fields the API shows through a serializer of their own)."""
        shown_otherwise = set(cls.get_field_serializer_overrides(model))
        names = []
        for name in cls.get_available_fields(model, db_fields_only=True):
            field = model._meta.get_field(name)
            if name not in shown_otherwise and not isinstance(field, StreamField):
                names.append(name)
        return names

    def finalize_response(self, request, response, *args, **kwargs):
        # Django's LocaleMiddleware answers a 404 outside a language prefix with a redirect to
        # /en/<same path> when that address exists, which Wagtail's catch-all makes true of any:
        # an API 404 would become a redirect to an HTML page. The API's own URLconf has no
        # language prefix, so the JSON 404 stays a 404.
        request._request.urlconf = __name__
        return super().finalize_response(request, response, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A NUL is in no stored text and cannot be looked for: PostgreSQL refuses it in a query,
        # SQLite's full-text search fails on it. Checked before anything reads the parameters.
        with_nul = sorted(name for name, value in request.GET.items() if "\x00" in name + value)
        if with_nul:
            raise BadRequestError(f"{', '.join(with_nul)}: null characters are not allowed")

    def check_query_parameters(self, queryset):
        model = queryset.model
        unknown = set(self.request.GET) - set(registered_filters(model, self))
        allowed = set(self.filterable_fields(model)) | self.known_query_parameters
        unknown -= allowed
        if unknown:
            needing_type = sorted(name for name in unknown if name in filters_of_page_types())
            if needing_type and model is Page:
                raise BadRequestError(
                    f"{', '.join(needing_type)}: this filter needs one page type, such as "
                    f"?type={filters_of_page_types()[needing_type[0]][0]}"
                )
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: " + ", ".join(sorted(unknown))
            )


def filters_of_page_types():
    """Each registered filter's name, with the page types that offer it ("app_label.ModelName")."""
    found = {}
    for model in get_page_models():
        for name in registered_filters(model):
            found.setdefault(name, []).append(model._meta.label)
    return found


def related_prefetches(model, field_names):
    """select_related and prefetch_related lookups for the relations among a model's API fields."""
    selected, prefetched = [], []
    for name in field_names:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: S112 - a property or method, nothing to fetch
            continue
        if field.many_to_many:
            prefetched.append(name)
        elif field.many_to_one:
            selected.append(name)
    return selected, prefetched


class PublicPagesAPIViewSet(ReadOnlyAPI, PagesAPIViewSet):
    """Live pages without a view restriction, whoever asks (a signed-in editor sees no more)."""

    filter_backends = [
        RegisteredFilters,
        CheckedFieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        CheckedLocaleFilter,
        CheckedSearchFilter,  # Last: search results cannot be filtered further.
    ]

    def get_base_queryset(self):
        try:
            site_pages = super().get_base_queryset()
        except (Site.DoesNotExist, ValueError):
            raise BadRequestError(f"site: no site has the address '{self.request.GET['site']}'") from None
        return site_pages.public()

    def get_queryset(self):
        queryset = super().get_queryset()
        model = queryset.model
        if model is Page:
            return queryset.select_related("locale")
        selected, prefetched = related_prefetches(model, self.get_body_fields_names(model))
        return queryset.select_related("locale", *selected).prefetch_related(*prefetched)


class CountryPageUrlField(serializers.Field):
    """The address of the country's page on the site, in the country's language."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, country):
        with translation.override(country.locale.language_code):
            path = reverse("country_detail", kwargs={"iso_code": country.iso_code})
        return get_full_url(self.context["request"], path)


class CountryCodeFilter(BaseFilterBackend):
    """`?iso_code=md` as `?iso_code=MD`: a country code in either case, as everywhere else."""

    def filter_queryset(self, request, queryset, view):
        if "iso_code" not in request.GET:
            return queryset
        try:
            return queryset.filter(iso_code=parse_country(request.GET["iso_code"]))
        except ValueError as error:
            raise BadRequestError(f"iso_code: {error}") from error


class CountriesAPIViewSet(ReadOnlyAPI, BaseAPIViewSet):
    """The countries, one entry per country and language (`?locale=fr`, `?iso_code=MD`, `?region=`)."""

    model = Country
    filter_backends = [
        CountryCodeFilter,
        CheckedFieldsFilter,
        CheckedLocaleFilter,
        OrderingFilter,
        CheckedSearchFilter,
    ]
    # Read by CountryCodeFilter, so left alone by CheckedFieldsFilter.
    own_filters = {"iso_code": parse_country}
    known_query_parameters = BaseAPIViewSet.known_query_parameters | {"locale"}
    body_fields = [*BaseAPIViewSet.body_fields, "name", "iso_code", "region"]
    meta_fields = [*BaseAPIViewSet.meta_fields, "locale", "html_url"]
    listing_default_fields = [
        *BaseAPIViewSet.listing_default_fields,
        "name",
        "iso_code",
        "region",
        "locale",
        "html_url",
    ]
    nested_default_fields = [*BaseAPIViewSet.nested_default_fields, "name", "iso_code"]
    name = "countries"

    @classmethod
    def get_field_serializer_overrides(cls, model):
        return {
            "locale": serializers.CharField(source="locale.language_code", read_only=True),
            "html_url": CountryPageUrlField(),
        }

    def get_queryset(self):
        return Country.objects.select_related("locale").order_by("iso_code", "locale__language_code", "id")


class PrefetchedTagsField(serializers.Field):
    """Tag names, read from the listing's prefetch (Wagtail's TagsField asks once per document)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, tags):
        return sorted(tag.name for tag in tags.all())


def parse_language(value):
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    if value not in codes:
        raise ValueError(f"'{value}' is not a language of the site ({', '.join(codes)})")
    return value


def pages_by_type_filter(name, value):
    """The pages of every type that offers the filter `name` (its `api_filters`) which it keeps."""
    condition = Q(pk__in=[])
    for model in get_page_models():
        apply = registered_filters(model).get(name)
        if apply is not None:
            condition |= Q(pk__in=apply(model.objects.all(), value).values("pk"))
    return condition


def linking_pages(chosen, scope):
    """The live, public pages the documents' filters choose together: the scoping page (the search's
    scope type, in this site a programme, by its id) and the pages below it, the pages that name
    the country, those of that year, as each page type's own `api_filters` read them."""
    pages = Page.objects.live().public()
    if scope is not None and scope.scope_parameter in chosen:
        page = scope.model.objects.filter(pk=chosen[scope.scope_parameter]).first()
        if page is None:
            return pages.none()
        pages = pages.descendant_of(page, inclusive=True)
    for name in ("country", "year"):
        if name in chosen:
            pages = pages.filter(pages_by_type_filter(name, str(chosen[name])))
    return pages


class DocumentFilters(BaseFilterBackend):
    """`?language=`, the document's own; the search's scope parameter, `?country=`, `?year=`: the
    documents that the pages they choose link to (Wagtail's reference index, read as the site's
    search reads it)."""

    def filter_queryset(self, request, queryset, view):
        chosen = {}
        for name, parse in view.own_filters.items():
            if name in request.GET:
                try:
                    chosen[name] = parse(request.GET[name])
                except ValueError as error:
                    raise BadRequestError(f"{name}: {error}") from error
        if "language" in chosen:
            queryset = queryset.filter(language=chosen.pop("language"))
        if chosen:
            pages = linking_pages(chosen, scope_type(search_types()))
            queryset = queryset.filter(pk__in=referenced_documents(pages))
        return queryset


class PublicDocumentsAPIViewSet(ReadOnlyAPI, DocumentsAPIViewSet):
    """Documents of the public collections; those of a restricted collection do not exist here."""

    filter_backends = [DocumentFilters, CheckedFieldsFilter, OrderingFilter, CheckedSearchFilter]

    body_fields = [*DocumentsAPIViewSet.body_fields, "language", "file_size", "created_at"]
    meta_fields = [*DocumentsAPIViewSet.meta_fields, "file_type"]
    listing_default_fields = [*DocumentsAPIViewSet.listing_default_fields, "language", "file_type"]

    @property
    def own_filters(self):
        """The query parameters `DocumentFilters` reads, with what reads each value."""
        scope = scope_type(search_types())
        scoped = {scope.scope_parameter: parse_id} if scope else {}
        return {"language": parse_language, **scoped, "country": parse_country, "year": parse_year}

    @classmethod
    def get_field_serializer_overrides(cls, model):
        overrides = super().get_field_serializer_overrides(model)
        overrides["file_type"] = serializers.CharField(read_only=True)
        overrides["tags"] = PrefetchedTagsField()
        return overrides

    def get_queryset(self):
        return public_documents(get_document_model().objects.all()).prefetch_related("tags").order_by("id")


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("countries", CountriesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)


@api_view(["GET", "HEAD"])
@renderer_classes([JSONRenderer])
@permission_classes([AllowAny])
def api_index(request):
    """/api/v2/: the endpoints, so that the API's root explains itself."""
    return Response({name: request.build_absolute_uri(f"{name}/") for name in ("pages", "countries", "documents")})


@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@renderer_classes([JSONRenderer])
@permission_classes([AllowAny])
def api_not_found(request, rest):
    """Any other address under /api/v2/: a JSON 404, as the endpoints give for an unknown id
    (without it, the language middleware would send it to /en/api/v2/... and an HTML page)."""
    # As ReadOnlyAPI.finalize_response: the API's own URLconf, so that the 404 stays a 404.
    request._request.urlconf = __name__
    return Response({"message": f"No such address in the API: {request.path}"}, status=404)


# Included by pompidou_site/urls.py; also the URLconf LocaleMiddleware sees for API answers.
urlpatterns = [
    path("api/v2/", api_index, name="api_index"),
    path("api/v2/", api_router.urls),
    re_path(r"^api/v2/(?P<rest>.*)$", api_not_found),
]
