"""The site's search backend: Wagtail's database backend, stemming each object in its own language.

`WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]` names this module. Like Wagtail's own database
backend, `SearchBackend(params)` picks the implementation for the default database:

- PostgreSQL: Wagtail's PostgreSQL backend, with one full-text configuration per language instead
  of its single `SEARCH_CONFIG`. A page is indexed with its locale's configuration, a document with
  its language's (the default language's when it has none), and a query is parsed with the active
  language's. The configurations (`pompidou_english`, `pompidou_french`) are PostgreSQL's `english`
  and `french` with `unaccent` in front of the stemmer, so "egypte" finds "Égypte"; they are
  created by the migration `pompidou_site/migrations/..._search_configurations.py`.
- SQLite: Wagtail's FTS5 backend, with the same behaviour done in Python: the text stored in the
  full-text table and the words of a query are both lower-cased, stripped of accents and stemmed
  with the Snowball stemmer of the language (`snowballstemmer`, the algorithms PostgreSQL's
  stemmers come from).

`LANGUAGES` in the backend's parameters maps a language code to its Snowball name ("english",
"french"); the PostgreSQL configuration is that name prefixed with `pompidou_`.
"""

import contextvars
import re
import unicodedata
from contextlib import contextmanager
from functools import lru_cache

import snowballstemmer
from modelsearch.query import And, Not, Or, Phrase, PlainText

from django.conf import settings
from django.db import connection
from django.utils import translation

DEFAULT_LANGUAGES = {"en": "english", "fr": "french"}
CONFIG_PREFIX = "pompidou_"
WORD = re.compile(r"\w+")

_indexing_language = contextvars.ContextVar("indexing_language", default=None)


def fold(word):
    """Lower case without accents: "Égypte" -> "egypte"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


@lru_cache(maxsize=8)
def _stemmer(algorithm):
    return snowballstemmer.stemmer(algorithm)


def language_algorithm(language, languages=None):
    languages = languages or DEFAULT_LANGUAGES
    code = (language or settings.LANGUAGE_CODE).split("-")[0]
    return languages.get(code) or languages.get(settings.LANGUAGE_CODE.split("-")[0]) or "english"


def stems(text, language, languages=None):
    """The words of `text` as the index holds them: folded and stemmed in `language`."""
    stemmer = _stemmer(language_algorithm(language, languages))
    return [stemmer.stemWord(fold(word)) for word in WORD.findall(text or "")]


def object_language(obj):
    """The language an object is written in: a page's locale, a document's language, else None."""
    locale = getattr(obj, "locale", None)
    if locale is not None:
        return locale.language_code
    return getattr(obj, "language", None) or None


def _languages(params):
    return params.get("LANGUAGES") or DEFAULT_LANGUAGES


class LanguageMixin:
    """What both implementations share: the language being indexed, else the active one."""

    def __init__(self, params):
        super().__init__(params)
        self.languages = _languages(params)

    @property
    def current_language(self):
        return _indexing_language.get() or translation.get_language() or settings.LANGUAGE_CODE

    @contextmanager
    def indexing(self, language):
        token = _indexing_language.set(language or settings.LANGUAGE_CODE)
        try:
            yield
        finally:
            _indexing_language.reset(token)


def _by_language(objs):
    groups = {}
    for obj in objs:
        groups.setdefault(object_language(obj), []).append(obj)
    return groups.items()


def postgres_backend_class():
    from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend

    class LanguagePostgresIndex(PostgresIndex):
        def add_items(self, model, objs):
            for language, group in _by_language(objs):
                with self.backend.indexing(language):
                    super().add_items(model, group)

    class LanguagePostgresSearchBackend(LanguageMixin, PostgresSearchBackend):
        index_class = LanguagePostgresIndex

        @property
        def config(self):
            # Read by Wagtail's indexer (the object's language) and its query compiler (the active one).
            return CONFIG_PREFIX + language_algorithm(self.current_language, self.languages)

        @config.setter
        def config(self, value):
            """Wagtail's constructor sets SEARCH_CONFIG; the configuration is chosen per language instead."""

    return LanguagePostgresSearchBackend


def _stemmed_query(query, language, languages):
    """The query with every word folded and stemmed, as the SQLite index holds them."""
    # A query without a word (punctuation only) is left as it is: FTS5 finds nothing for it.
    if isinstance(query, PlainText):
        words = stems(query.query_string, language, languages)
        return PlainText(" ".join(words), operator=query.operator) if words else query
    if isinstance(query, Phrase):
        words = stems(query.query_string, language, languages)
        return Phrase(" ".join(words)) if words else query
    if isinstance(query, Not):
        return Not(_stemmed_query(query.subquery, language, languages))
    if isinstance(query, (And, Or)):
        return type(query)([_stemmed_query(subquery, language, languages) for subquery in query.subqueries])
    return query


def sqlite_backend_class():
    from modelsearch.backends.database.sqlite.sqlite import (
        IndexEntry,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.utils import get_content_type_pk

    class StemmingSQLiteIndex(SQLiteIndex):
        def add_items(self, model, objs):
            objs = list(objs)
            super().add_items(model, objs)
            # Wagtail stored the plain text; the full-text table (kept in step by triggers) gets the stems.
            languages = {str(obj.pk): object_language(obj) for obj in objs}
            entries = self.entries.filter(content_type_id=get_content_type_pk(model), object_id__in=languages)
            for entry in entries:
                language = languages[entry.object_id]
                IndexEntry._default_manager.filter(pk=entry.pk).update(
                    title=" ".join(stems(entry.title, language, self.backend.languages)),
                    body=" ".join(stems(entry.body, language, self.backend.languages)),
                )

    class StemmingSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
        def search(self, config, start, stop, score_field=None):
            self.query = _stemmed_query(self.query, self.backend_language, self.backend_languages)
            return super().search(config, start, stop, score_field=score_field)

    class StemmingSQLiteResults(SQLiteSearchResults):
        def get_queryset(self):
            compiler = self.query_compiler
            if isinstance(compiler, StemmingSQLiteQueryCompiler):
                compiler.backend_language = self.backend.current_language
                compiler.backend_languages = self.backend.languages
            return super().get_queryset()

    class StemmingSQLiteSearchBackend(LanguageMixin, SQLiteSearchBackend):
        index_class = StemmingSQLiteIndex
        query_compiler_class = StemmingSQLiteQueryCompiler
        results_class = StemmingSQLiteResults

    return StemmingSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    if connection.vendor == "postgresql":
        return postgres_backend_class()(params)
    if connection.vendor == "sqlite":
        return sqlite_backend_class()(params)
    from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend

    return DatabaseSearchBackend(params)
