"""Text search over the public records, with the same rules on PostgreSQL and SQLite.

A query is words; "or" ("или") between words separates alternatives, as in a web search
engine. A record matches an alternative when it matches every one of its words, and
matches a word when one of the word's spellings (as typed, and in the other alphabet:
"Atyrau" is also "Атырау", "Атырау" also "atyrau") either

- begins a word of the record's text once its ending is cut off by the Snowball stemmer
  (Russian for Cyrillic, English for Latin), so that "Минниханова" finds Минниханов and
  "соглашениями" finds "соглашение"; or
- shares half of its trigrams with a word of the record's names (more than half on
  SQLite, whose share is counted a little differently), so that a misspelling
  ("Миниханов", "Татарстн", one letter wrong in "Шапкинов") still finds the name.

Common words ("и", "в", "the") are left out of the query, as PostgreSQL's `russian`
configuration leaves them out of the documents.

On PostgreSQL the text is a weighted tsvector of the `russian` configuration, which stems
with the same Snowball rules, and the names are compared by pg_trgm's word similarity
(its threshold, 0.5, is set for each connection in portal/settings.py); both are columns
kept with each record (`search_document`, `search_names`) with a GIN index each. On
SQLite both live in an FTS5 table per model with the trigram tokenizer
(`<table>_search`), the text as lower-case words each preceded by a space, so that a
stem with a space before it matches the beginnings of words, and the names are compared
by counting the trigrams of the word that the FTS5 index finds in them. `index()` fills
either, and every save calls it.
"""

import math
import re

import snowballstemmer
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Greatest
from slugify import slugify
from transliterate import translit
from transliterate.base import TranslitLanguagePack, registry
from transliterate.contrib.languages.ru.data import default as _ru

CONFIG = "russian"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
# The share of a misspelt word's trigrams that a name must have; PostgreSQL's is the
# connection's pg_trgm.word_similarity_threshold, set to the same in portal/settings.py.
SIMILARITY = 0.5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_OR = {"or", "или"}

# The Snowball stop words PostgreSQL's `russian` and `english` configurations leave out.
STOP_WORDS = (
    set(
        """
    и в во не что он на я с со как а то все она так
    его но да ты к у же вы за бы по только ее мне
    было вот от меня еще нет о из ему теперь когда
    даже ну вдруг ли если уже или ни быть был него
    до вас нибудь опять уж вам ведь там потом себя
    ничего ей может они тут где есть надо ней для
    мы тебя их чем была сам чтоб без будто чего раз
    тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один
    почти мой тем чтобы нее сейчас были куда зачем
    всех никогда можно при наконец два об другой
    хоть после над больше тот через эти нас про
    всего них какая много разве три эту моя
    впрочем хорошо свою этой перед иногда лучше
    чуть том нельзя такой им более всегда конечно
    всю между
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now     """.split()
    )
    - _OR
)


class _PassportRussian(TranslitLanguagePack):
    """Latin to Cyrillic as Russian names are spelt in passports and the press: "kh" is х,
    "ya" я, "yu" ю ("Minnikhanov", "Yarullin"); transliterate's own Russian pack reads
    "ja" and "h" instead."""

    language_code = "ru-passport"
    language_name = "Russian (passport spelling)"
    mapping = _ru.mapping
    reversed_specific_mapping = _ru.reversed_specific_mapping
    pre_processor_mapping = {
        **_ru.pre_processor_mapping,
        "shch": "щ",
        "kh": "х",
        "yu": "ю",
        "ya": "я",
        "yo": "ё",
        "ye": "е",
    }


registry.register(_PassportRussian)
_STEMMERS = {"ru": snowballstemmer.stemmer("russian"), "en": snowballstemmer.stemmer("english")}


def words(q):
    return _WORD.findall(q or "")[:MAX_WORDS]


def alternatives(q):
    """The query as alternatives, each a list of words (lower case, common words left out):
    "Татарстан и Атырау or Казань" is [["татарстан", "атырау"], ["казань"]]."""
    result, current = [], []
    for word in words((q or "").strip()[:MAX_QUERY_LENGTH]):
        word = word.lower()
        if word in _OR:
            result.append(current)
            current = []
        elif word not in STOP_WORDS:
            current.append(word)
    result.append(current)
    return [alternative for alternative in result if alternative]


def spellings(word):
    """The word as typed and in the other alphabet, in lower case."""
    from .models.base import TRANSLITERATION  # the slugs' rule; models import this module

    if _CYRILLIC.search(word):
        other = slugify(word, separator="", replacements=TRANSLITERATION)
    else:
        other = translit(word, "ru-passport").lower()
    return list(dict.fromkeys([word.lower(), other]))


def stem(spelling):
    language = "ru" if _CYRILLIC.search(spelling) else "en"
    return _STEMMERS[language].stemWord(spelling)


def trigrams(spelling):
    """The word's trigrams with a space before and after it, as a word in the index has."""
    padded = f" {spelling} "
    return list(dict.fromkeys(padded[i : i + 3] for i in range(len(padded) - 2)))


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
    found = alternatives(q)
    if not found:
        return queryset if not words(q) else queryset.none()
    match = _match_postgresql if connection.vendor == "postgresql" else _match_sqlite
    condition = Q()
    for alternative in found:
        every_word = Q()
        for word in alternative:
            any_spelling = Q()
            for spelling in spellings(word):
                any_spelling |= match(queryset.model, spelling)
            every_word &= any_spelling
        condition |= every_word
    queryset = queryset.filter(condition)
    if connection.vendor != "postgresql":
        return queryset
    # Ranked by the spellings, so that either alphabet gives the same order too.
    every = [spellings(word) for alternative in found for word in alternative]
    query = SearchQuery(
        " | ".join(form for forms in every for form in forms), config=CONFIG, search_type="raw"
    )
    rank = SearchRank(F("search_document"), query)
    for forms in every:
        similarities = [TrigramWordSimilarity(form, "search_names") for form in forms]
        rank += Greatest(*similarities) if len(similarities) > 1 else similarities[0]
    return queryset.annotate(search_rank=rank).order_by(
        "-search_rank", *queryset.model._meta.ordering
    )


def _match_postgresql(model, spelling):
    # A word followed by :* is stemmed by the configuration and matches every lexeme it
    # begins; the spelling holds letters and digits only, so it cannot be an operator.
    prefix = SearchQuery(f"{spelling}:*", config=CONFIG, search_type="raw")
    return Q(search_document=prefix) | Q(search_names__trigram_word_similar=spelling)


def _match_sqlite(model, spelling):
    table = fts_table(model)
    beginning = stem(spelling)
    if len(beginning) >= 2:  # with the space before it, a trigram the index knows
        text = RawSQL(
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [_phrase(" " + beginning)]
        )
    else:  # shorter than a trigram: FTS5 compares it by LIKE
        text = RawSQL(f"SELECT rowid FROM {table} WHERE body LIKE %s", [f"% {beginning} %"])
    condition = Q(pk__in=text)
    grams = trigrams(spelling)
    if len(spelling) >= 4:
        # The index finds the rows whose names have half of the word's trigrams anywhere;
        # of those, the ones with a name word that has them.
        each = " UNION ALL ".join(
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s" for _gram in grams
        )
        similar = RawSQL(
            f"SELECT rowid FROM {table} WHERE rowid IN (SELECT rowid FROM ({each}) "
            f"GROUP BY rowid HAVING COUNT(*) > %s) AND trigram_share(%s, names) > %s",
            [
                *(f"names : {_phrase(gram)}" for gram in grams),
                math.floor(SIMILARITY * len(grams)),
                spelling,
                SIMILARITY,
            ],
        )
        condition |= Q(pk__in=similar)
    return condition


def _phrase(text):
    return '"{}"'.format(text.replace('"', '""'))


def trigram_share(spelling, names):
    """The largest share of the word's trigrams found in one word of `names` (SQLite's
    `trigram_share()`, registered for each connection in apps.py)."""
    wanted = set(trigrams(spelling))
    return max(
        (len(wanted.intersection(trigrams(word))) / len(wanted) for word in words_all(names)),
        default=0.0,
    )


def fts_table(model):
    return f"{model._meta.db_table}_search"


def index(queryset, spec=None):
    """Fill the search columns of the rows of `queryset` from their fields.

    `spec` says which fields (`search_fields`, `name_fields`, `search_related`); the model
    itself by default, a fixed copy in a migration. On PostgreSQL, in one UPDATE, names
    weighing more than other text in the ranking; on SQLite, the rows of the model's FTS5
    table.
    """
    model, spec = queryset.model, spec or queryset.model
    if connection.vendor == "sqlite":
        return _index_sqlite(queryset, model, spec)
    if connection.vendor != "postgresql":
        return
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


def _spaced(texts):
    """Lower-case words, each with a space before it and one at the end."""
    return "".join(f" {word}" for text in texts for word in words_all(text)) + " "


def words_all(text):
    return _WORD.findall((text or "").lower())


def _index_sqlite(queryset, model, spec):
    names = list(dict.fromkeys(field for group in spec.name_fields for field in group))
    fields = list(dict.fromkeys([*names, *spec.search_fields]))
    related = {}
    for lookup in getattr(spec, "search_related", ()):
        relation, field = lookup.rsplit("__", 1)
        rel = model._meta.get_field(relation)
        rows = rel.related_model._default_manager.filter(
            **{f"{rel.field.name}__in": queryset.values("pk")}
        ).values_list(rel.field.name, field)
        for pk, text in rows:
            related.setdefault(pk, []).append(text)
    table = fts_table(model)
    rows = []
    for pk, *values in queryset.order_by().values_list("pk", *fields):
        value = dict(zip(fields, values, strict=True))
        name_text = [value[field] for field in names] + related.get(pk, [])
        rows.append((pk, _spaced(name_text), _spaced([*value.values(), *related.get(pk, [])])))
    with connection.cursor() as cursor:
        pks = [row[0] for row in rows]
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN ({', '.join('%s' for _ in chunk)})", chunk
            )
        cursor.executemany(f"INSERT INTO {table} (rowid, names, body) VALUES (%s, %s, %s)", rows)


def create_fts_table(schema_editor, model):
    """The FTS5 table `index()` fills on SQLite (a migration creates one per model)."""
    table = fts_table(model)
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(names, body, tokenize='trigram')"
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
