"""Text search over the public records.

On PostgreSQL a query is matched with the `russian` text search configuration, so that
"Минниханова" finds Минниханов and "соглашениями" finds "соглашение", and names are also
compared by trigram similarity, so that "Миниханов" still finds him. Both look in columns
kept with each record (`search_document`, a weighted tsvector, and `search_names`), each
with a GIN index, so a search reads the index rather than every row; `index()` fills them
and every save calls it. SQLite has neither: there every word of the query must occur in
one of the fields, in any letter case and with its Russian ending cut off, which is rough
but finds the common cases.
"""

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

CONFIG = "russian"
MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+", re.UNICODE)
# Russian inflection lives in the last letters; cutting them gives a crude stem for SQLite.
_ENDINGS = sorted(
    "а я о е ы и у ю ой ей ом ем ам ям ах ях ами ями ов ев ой ий ый ая яя ое ее ие ые ого его "
    "ому ему ым им ую юю ию ия ие ью".split(),
    key=len,
    reverse=True,
)


def words(q):
    return _WORD.findall(q or "")[:10]


def _stem(word):
    if len(word) > 4:
        for ending in _ENDINGS:
            if word.lower().endswith(ending) and len(word) - len(ending) >= 4:
                return word[: -len(ending)]
    return word


def _variants(word):
    stem = _stem(word)
    return {
        form
        for base in {word, stem}
        for form in (base, base.lower(), base.capitalize(), base.upper())
    }


def _name_expression(fields):
    if len(fields) == 1:
        return fields[0]
    parts = []
    for field in fields:
        parts.extend([field, Value(" ")])
    return Concat(*parts[:-1])


def search(queryset, q):
    """The rows of `queryset` that match the query `q`, best matches first on PostgreSQL.

    The model says what to search through `search_fields` (its text) and `name_fields`
    (names, compared for misspellings), and may name related text through
    `search_related` as {"relation__field": ...} lookups, such as organization aliases.
    """
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    if not words(q):
        return queryset
    model = queryset.model
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, model, q)
    return _search_simple(queryset, model, q)


def _search_postgresql(queryset, model, q):
    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    matches = Q(search_document=query) | Q(search_names__trigram_word_similar=q)
    rank = SearchRank(F("search_document"), query) + TrigramWordSimilarity(q, "search_names")
    return (
        queryset.filter(matches)
        .annotate(search_rank=rank)
        .order_by("-search_rank", *model._meta.ordering)
    )


def index(queryset, spec=None):
    """Fill the search columns of the rows of `queryset` from their fields, in one UPDATE.

    `spec` says which fields (`search_fields`, `name_fields`, `search_related`); the model
    itself by default, a fixed copy in a migration. Names weigh more than other text in the
    ranking. A no-op on other databases, whose search reads the fields themselves.
    """
    if connection.vendor != "postgresql":
        return
    model, spec = queryset.model, spec or queryset.model
    names = [field for group in spec.name_fields for field in group]
    related = [_related_text(model, lookup) for lookup in getattr(spec, "search_related", ())]
    document = SearchVector(*dict.fromkeys(names), *related, config=CONFIG, weight="A")
    others = [field for field in spec.search_fields if field not in names]
    if others:
        document += SearchVector(*others, config=CONFIG, weight="B")
    name_text = [_name_expression(group) for group in spec.name_fields] + related
    queryset.order_by().update(
        search_document=document,
        search_names=Concat(*_separated(name_text), output_field=TextField()),
    )


def _related_text(model, lookup):
    """The text of related rows ("aliases__name"), joined, as a subquery per record."""
    relation, field = lookup.rsplit("__", 1)
    rel = model._meta.get_field(relation)
    rows = (
        rel.related_model.objects.filter(**{rel.field.name: OuterRef("pk")})
        .order_by()
        .values(rel.field.name)
        .annotate(text=StringAgg(field, " "))
        .values("text")
    )
    return Coalesce(Subquery(rows), Value(""), output_field=TextField())


def _separated(expressions):
    parts = []
    for expression in expressions:
        parts.extend([expression, Value(" ")])
    return parts[:-1] if len(parts) > 2 else [*parts[:-1], Value("")]


def _search_simple(queryset, model, q):
    fields = [*model.search_fields, *[f for names in model.name_fields for f in names]]
    condition = Q()
    for word in words(q):
        any_field = Q()
        for variant in _variants(word):
            for field in dict.fromkeys(fields):
                any_field |= Q(**{f"{field}__contains": variant})
        related = Q()
        for lookup in getattr(model, "search_related", ()):
            relation, field = lookup.rsplit("__", 1)
            rel = model._meta.get_field(relation)
            variants = Q()
            for variant in _variants(word):
                variants |= Q(**{f"{field}__contains": variant})
            related |= Q(pk__in=rel.related_model.objects.filter(variants).values(rel.field.name))
        condition &= any_field | related
    return queryset.filter(condition)
