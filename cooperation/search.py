"""Text search over the public records.

On PostgreSQL a query is matched with the `russian` text search configuration, so that
"Минниханова" finds Минниханов and "соглашениями" finds "соглашение", and names are also
compared by trigram similarity, so that "Миниханов" still finds him. SQLite has neither:
there every word of the query must occur in one of the fields, in any letter case and
with its Russian ending cut off, which is rough but finds the common cases.
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Concat, Greatest

CONFIG = "russian"
# A word_similarity above this is taken for a misspelling of the name rather than chance.
TRIGRAM_THRESHOLD = 0.55
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
    vector = SearchVector(*model.search_fields, config=CONFIG)
    similarity = Greatest(
        *[TrigramWordSimilarity(q, _name_expression(fields)) for fields in model.name_fields],
        Value(0.0),
    )
    matches = Q(search_document=query) | Q(search_similarity__gte=TRIGRAM_THRESHOLD)
    for lookup in getattr(model, "search_related", ()):
        relation, field = lookup.rsplit("__", 1)
        related = model._meta.get_field(relation).related_model
        owner = model._meta.get_field(relation).field.name
        hits = related.objects.annotate(
            search_document=SearchVector(field, config=CONFIG),
            search_similarity=TrigramWordSimilarity(q, field),
        ).filter(Q(search_document=query) | Q(search_similarity__gte=TRIGRAM_THRESHOLD))
        matches |= Q(pk__in=hits.values(owner))
    return (
        queryset.annotate(
            search_document=vector,
            search_similarity=similarity,
            search_rank=SearchRank(vector, query) + similarity,
        )
        .filter(matches)
        .order_by("-search_rank", *model._meta.ordering)
    )


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
