"""From a source's text to the people, organizations, places and dates it mentions.

`extract_mentions` is a pure function of the text (natasha, offline, Russian): it finds the
named entities, turns people's names into the nominative ("Сериком Шапкеновым" → "Серик
Шапкенов") and groups repeated mentions of one entity. `match_mentions` then proposes
existing records for each mention, comparing lemmas so that "Татарстана", "Республики
Татарстан" and "РТ" all find the Republic of Tatarstan. `mentions_confirm` turns an editor's
choices into draft records and citations.
"""

import functools
import html
import re
import threading
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils.html import strip_tags

from . import search
from .models import Citation, Organization, Person, PublicationState, Region

PERSON, ORGANIZATION, PLACE, DATE = "person", "organization", "place", "date"
POSITION = "position"

# Longer than any news article by far; natasha needs about a second per 30,000 characters.
MAX_TEXT_LENGTH = 300_000

_NER_TYPES = {"PER": PERSON, "ORG": ORGANIZATION, "LOC": PLACE}
# A name in quotation marks: a capital letter, at most four words, no sentence punctuation.
_QUOTED_NAME = re.compile(r"[«„“\"]([A-ZА-ЯЁ0-9][^«»„“”\"\n.!?,:;]{0,60}?)[»“”\"]")


# --- loading natasha ----------------------------------------------------------------------

_load_lock = threading.Lock()


@functools.cache
def _natasha():
    # Importing natasha takes about a second (numpy, among others) and loading its models
    # more seconds and a hundred megabytes: once per process, and only when a text is
    # actually analysed, so that neither the site, nor a management command, nor a test run
    # that analyses no text waits for it. Hence the imports here and not at the top.
    with _load_lock:
        from natasha import (
            DatesExtractor,
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            Segmenter,
        )

        embedding = NewsEmbedding()
        morph_vocab = MorphVocab()
        return {
            "segmenter": Segmenter(),
            "morph_vocab": morph_vocab,
            "morph_tagger": NewsMorphTagger(embedding),
            "ner_tagger": NewsNERTagger(embedding),
            "dates": DatesExtractor(morph_vocab),
        }


# --- what is extracted ----------------------------------------------------------------------


@dataclass
class Mention:
    """One entity as the text mentions it, possibly several times and in several forms."""

    type: str
    normal: str
    surfaces: list = field(default_factory=list)
    count: int = 0
    start: int = 0
    sentence: str = ""
    # People: the nominative name split into its parts.
    first_name: str = ""
    last_name: str = ""
    patronymic: str = ""
    # Dates: (year, month, day), any of them None when the text does not give it.
    date: tuple = ()
    # Positions: `normal` is the title ("губернатор"), `person` the holder's name and `of`
    # the organization or region the post is in, as their own mentions name them;
    # `person_key` and `of_key` are those mentions' keys.
    person: str = ""
    of: str = ""
    person_key: str = ""
    of_key: str = ""

    @property
    def key(self):
        """Identifies the mention within one text, so that a confirmed choice finds it again."""
        return f"{self.type}:{self.normal}"

    def add(self, surface, start, sentence):
        if surface not in self.surfaces:
            self.surfaces.append(surface)
        if not self.count or start < self.start:
            self.start, self.sentence = start, sentence
        self.count += 1


def plain_text(text):
    """The words of a stored (sanitized HTML) or pasted text, with paragraph breaks kept."""
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", text)
    return html.unescape(strip_tags(text))


def extract_mentions(text):
    """The people, organizations, places and dates a Russian text mentions, in text order."""
    text = text[:MAX_TEXT_LENGTH]
    if not text.strip():
        return []
    nlp = _natasha()
    from natasha import Doc  # imported by _natasha() already: a lookup, not a second load

    doc = Doc(text)
    doc.segment(nlp["segmenter"])
    doc.tag_morph(nlp["morph_tagger"])
    doc.tag_ner(nlp["ner_tagger"])
    sentences = [(s.start, s.stop, s.text) for s in doc.sents]

    def sentence_at(offset):
        return next((s for start, stop, s in sentences if start <= offset < stop), "")

    found = []  # (type, surface, start, normal, name parts)
    spans = list(doc.spans)
    skip = set()
    for i, span in enumerate(spans):
        if i in skip:
            continue
        kind = _NER_TYPES.get(span.type)
        if kind is None:
            continue
        span.normalize(nlp["morph_vocab"])
        if kind == PERSON:
            for tokens in _split_people(span.tokens, nlp["morph_vocab"]):
                surface = text[tokens[0].start : tokens[-1].stop]
                parts = _person_name(tokens, nlp["morph_vocab"])
                found.append((kind, surface, tokens[0].start, parts))
            continue
        surface, normal = span.text, span.normal or span.text
        following = spans[i + 1] if i + 1 < len(spans) else None
        if (
            kind == ORGANIZATION
            and following is not None
            and following.type == "LOC"
            and not text[span.stop : following.start].strip()
        ):
            # "Госсовета РТ", "ТПП Татарстана": the place belongs to the organization's name
            # and stays in its case there.
            surface = text[span.start : following.stop]
            normal = f"{normal} {following.text}"
            skip.add(i + 1)
        found.append((kind, surface, span.start, normal))

    taken = [(span.start, span.stop) for span in spans]
    for match in _QUOTED_NAME.finditer(text):
        start, stop = match.span(1)
        if not any(a < stop and start < b for a, b in taken):
            # Russian news quote the names of companies the tagger does not know
            # («Казанькомпрессормаш»); quoted speech is longer than a name.
            found.append((ORGANIZATION, match.group(1), start, match.group(1)))
    mentions = _group(found, sentence_at)
    for match in nlp["dates"](text):
        fact = match.fact
        if not fact.month and not fact.day:
            continue  # a bare year ("в 1938 году") is history, not when something happened
        date = (fact.year, fact.month, fact.day)
        normal = "-".join(f"{part:02d}" if part else "?" for part in date)
        mention = mentions.setdefault(
            f"{DATE}:{normal}", Mention(type=DATE, normal=normal, date=date)
        )
        mention.add(text[match.start : match.stop], match.start, sentence_at(match.start))
    return sorted(mentions.values(), key=lambda m: m.start)


def _group(found, sentence_at):
    mentions = {}
    people = [f for f in found if f[0] == PERSON]
    # Full names first, so that a later "Минниханов" joins "Рустам Минниханов".
    people.sort(key=lambda f: (-len([p for p in f[3] if p]), f[2]))
    by_surname = {}
    for _kind, surface, start, (first, patronymic, last) in people:
        mention = None
        for name in filter(None, (last, first if not last else "")):
            mention = by_surname.get(_fold(name))
            if mention:
                break
        if mention is None and not first and by_surname:
            # A lone word the tagger took for a first name may be a known surname.
            mention = by_surname.get(_fold(last))
        if mention is None:
            if not last:
                first, last = "", first  # a lone name in the text is nearly always a surname
            normal = " ".join(p for p in (first, patronymic, last) if p)
            mention = Mention(
                type=PERSON, normal=normal, first_name=first, patronymic=patronymic, last_name=last
            )
            mentions[mention.key] = mention
            by_surname[_fold(last)] = mention
        mention.add(surface, start, sentence_at(start))
    for kind, surface, start, normal in (f for f in found if f[0] != PERSON):
        key = f"{kind}:{' '.join(lemmas(normal))}"
        mention = mentions.setdefault(key, Mention(type=kind, normal=normal))
        mention.add(surface, start, sentence_at(start))
    return {m.key: m for m in mentions.values()}


# --- people's names --------------------------------------------------------------------------

_OC_CASES = {
    "Nom": "nomn",
    "Gen": "gent",
    "Dat": "datv",
    "Acc": "accs",
    "Ins": "ablt",
    "Loc": "loct",
}
_NAME_GRAMMEMES = {"Name", "Surn", "Patr"}
_PATRONYMIC = re.compile(r"(вич|вна|чна|ична|оглы|улы|кызы)$", re.IGNORECASE)
_SURNAME_INS = re.compile(r"(ов|ев|ёв|ин|ын)ым$", re.IGNORECASE)
# How names of the regular Russian declension end in each case, and their nominative ending.
_ENDINGS = {
    "Masc": {
        "gent": [("ова", "ов"), ("ева", "ев"), ("ина", "ин"), ("я", "й"), ("а", "")],
        "accs": [("ова", "ов"), ("ева", "ев"), ("ина", "ин"), ("я", "й"), ("а", "")],
        "datv": [("ю", "й"), ("у", "")],
        "ablt": [("ым", ""), ("ем", "й"), ("ом", "")],
        "loct": [("ее", "ей"), ("е", "")],
    },
    "Fem": {
        "gent": [("ой", "а"), ("ы", "а"), ("и", "я")],
        "datv": [("ой", "а"), ("е", "а")],
        "accs": [("у", "а"), ("ю", "я")],
        "ablt": [("ой", "а"), ("ей", "я")],
        "loct": [("ой", "а"), ("е", "а")],
    },
}


def _split_people(tokens, morph_vocab):
    """Two names run together (a photo caption: "Рустам Минниханов Серик Шапкенов")."""
    if len(tokens) == 4 and _is_first_name(tokens[2].text, morph_vocab):
        return [tokens[:2], tokens[2:]]
    return [tokens]


def _is_first_name(word, morph_vocab):
    return any("Name" in p.tag and p.score > 0.3 for p in morph_vocab.parse(word))


def _person_name(tokens, morph_vocab):
    """(first name, patronymic, last name) in the nominative."""
    words = [t.text for t in tokens]
    case, gender = _name_case(tokens, morph_vocab)
    normal = [_nominative(w, case, gender, morph_vocab) for w in words]
    if len(normal) == 1:
        if _is_first_name(words[0], morph_vocab):
            return normal[0], "", ""
        return "", "", normal[0]
    if len(normal) == 2:
        return normal[0], "", normal[1]
    if _PATRONYMIC.search(normal[-1]):  # "Минниханов Рустам Нургалиевич"
        return normal[1], normal[2], normal[0]
    return normal[0], " ".join(normal[1:-1]), normal[-1]


def _name_case(tokens, morph_vocab):
    """The grammatical case of a name, which the tagger often misses in non-Russian names."""
    gender = next((t.feats.get("Gender") for t in tokens if t.feats.get("Gender")), "Masc")
    if any(_SURNAME_INS.search(t.text) for t in tokens):
        return "ablt", "Masc"
    for token in tokens:
        cases = {
            p.tag.case
            for p in morph_vocab.parse(token.text)
            if _NAME_GRAMMEMES & p.tag.grammemes and p.tag.number != "plur"
        }
        if len(cases) == 1:
            case = cases.pop()
            return case, gender
    case = _OC_CASES.get(tokens[-1].feats.get("Case"), "nomn")
    return case, gender


def _nominative(word, case, gender, morph_vocab):
    if case == "nomn":
        return word
    *head, last = word.split("-")  # "Касым-Жомартом": only the last part declines
    parse = next(
        (
            p
            for p in morph_vocab.parse(last)
            if _NAME_GRAMMEMES & p.tag.grammemes and p.tag.case == case and p.tag.number != "plur"
        ),
        None,
    )
    inflected = parse.inflect({"Nom"}) if parse else None
    if inflected:
        normal = inflected.word
    else:
        normal = last.lower()
        for ending, replacement in _ENDINGS.get(gender, _ENDINGS["Masc"]).get(case, []):
            if normal.endswith(ending) and len(normal) - len(ending) >= 2:
                normal = normal[: -len(ending)] + replacement
                break
    return "-".join([*head, _capitalized_like(last, normal)])


def _capitalized_like(model, word):
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


# --- comparing names ------------------------------------------------------------------------

_QUOTES = re.compile(r"[«»\"“”„'()]")
_LEGAL_FORMS = {"оао", "пао", "зао", "ао", "ооо", "тоо", "ано", "нко", "гуп", "фгуп", "ип"}
# Words that say what kind of thing a name is, not which one: sharing them is no match.
_GENERIC = {
    "республика",
    "область",
    "край",
    "город",
    "район",
    "округ",
    "компания",
    "завод",
    "палата",
    "совет",
    "корпорация",
    "объединение",
    "производственный",
    "государственный",
    "холдинг",
    "группа",
    "министерство",
    "парламент",
    "акимат",
    "кластер",
    "промышленный",
    "и",
    "по",
    "в",
}


def _fold(word):
    return word.casefold().replace("ё", "е")


@functools.lru_cache(maxsize=20_000)
def _lemma(word):
    return _fold(_natasha()["morph_vocab"].parse(word)[0].normal_form)


def lemmas(name):
    """The dictionary forms of a name's words, without quotes and legal forms."""
    words = _QUOTES.sub(" ", name).split()
    return [
        lemma
        for lemma in (_lemma(w) if not w.isupper() else _fold(w) for w in words)
        if lemma not in _LEGAL_FORMS
    ]


def split_legal_form(name):
    """("АО", "Камский литейный завод") from "АО «Камский литейный завод»"."""
    words = name.split()
    if len(words) > 1 and _fold(words[0]) in _LEGAL_FORMS:
        return words[0], _QUOTES.sub("", " ".join(words[1:])).strip()
    return "", name


def _initials(name):
    """The first letters of a name's words: "Торгово-промышленная палата РТ" → "тппрт"."""
    words = re.split(r"[\s\-]+", _QUOTES.sub(" ", name).strip())
    return "".join(w[0] for w in words if w and _fold(w) not in _LEGAL_FORMS).casefold()


def _abbreviation(name):
    """The abbreviated part of a name ("ТПП РТ" → "тппрт"), if it is all abbreviations."""
    words = _QUOTES.sub(" ", name).split()
    if words and all(w.isupper() and len(w) <= 6 for w in words):
        return "".join(_fold(w) for w in words)
    return ""


def _name_variants(name):
    """A name, and without what the text put in brackets or only the brackets' abbreviation.

    "Торгово-промышленная палата (ТПП) РТ" is also "Торгово-промышленная палата РТ" and
    "ТПП РТ".
    """
    variants = [name]
    inside = re.search(r"\(([^)]*)\)", name)
    if inside:
        before, after = name[: inside.start()], name[inside.end() :]
        variants.append(f"{before} {after}")
        variants.append(f"{inside.group(1)} {after}")
    return variants


def _record_keys(names):
    keys, initials = set(), set()
    for name in filter(None, names):
        words = lemmas(name)
        keys.add(frozenset(words))
        specific = [w for w in words if w not in _GENERIC]
        if specific and len(specific) < len(words):
            keys.add(frozenset(specific))  # "Атырауская область" is also "Атырауская"
        if len(name.split()) > 1 or "-" in name:
            initials.add(_initials(name))
        abbreviation = _abbreviation(name)
        if abbreviation:
            initials.add(abbreviation)
    return keys, initials


def _score(names, keys, initials, places_decide=False):
    """How well a mention's names fit a record's: 1 the same, 0 nothing in common."""
    best = 0.0
    for name in names:
        for variant in _name_variants(name):
            words = frozenset(lemmas(variant))
            if not words:
                continue
            if words in keys:
                return 1.0
            abbreviation = _abbreviation(variant)
            if abbreviation and abbreviation in initials:
                best = max(best, 0.9)
            specific = {w for w in words if w not in _GENERIC}
            for key in keys:
                if not (specific and specific <= key or (key - _GENERIC and key <= words)):
                    continue
                # Sharing only a place ("Промышленный Татарстан", "Госсовет Татарстана") does
                # not make two organizations one; for places the place is the point.
                if not places_decide and all(_is_place(w) for w in specific & key):
                    continue
                best = max(best, 0.6)
    return best


@functools.lru_cache(maxsize=5_000)
def _is_place(lemma):
    return any("Geox" in p.tag for p in _natasha()["morph_vocab"].parse(lemma))


# --- matching with existing records -----------------------------------------------------------


@dataclass
class Candidate:
    record: object
    score: float

    @property
    def value(self):
        return str(self.record.pk)


def match_mentions(mentions, limit=5):
    """Existing records each mention may be, best first: {mention.key: [Candidate, ...]}.

    People are looked up by last name, organizations by the words of each mention (on
    PostgreSQL, through the search index: a hundred thousand organizations cannot each be
    compared), regions are few and all compared.
    """
    wanted = {m.type for m in mentions}
    pool = {}
    if PERSON in wanted:
        pool[PERSON] = _people_named(m.last_name for m in mentions if m.type == PERSON)
    if ORGANIZATION in wanted:
        pool[ORGANIZATION] = [
            (o, [o.name, o.short_name, *(a.name for a in o.aliases.all())], [])
            for o in _organizations_named([m for m in mentions if m.type == ORGANIZATION])
        ]
    if PLACE in wanted:
        pool[PLACE] = [
            (r, [r.name], [r.capital])
            for r in Region.objects.only("name", "name_en", "capital", "country", "slug", "state")
        ]
    return rank(mentions, pool, limit=limit)


# Organizations compared with each mention, the best found by the search index.
CANDIDATES_PER_MENTION = 50


def _people_named(last_names):
    """People with one of these last names, in any letter case and with е for ё.

    SQLite compares Cyrillic case-sensitively, so the forms are listed rather than folded.
    """
    forms = set()
    for name in filter(None, last_names):
        for variant in {name, name.replace("ё", "е"), name.replace("е", "ё")}:
            forms |= {variant, variant.lower(), variant.capitalize(), variant.upper()}
    return list(
        Person.objects.filter(last_name__in=forms).only(
            "first_name", "last_name", "patronymic", "slug", "state"
        )
    )


def _organizations_named(mentions):
    organizations = Organization.objects.prefetch_related("aliases").only(
        "name", "short_name", "name_en", "short_name_en", "slug", "state"
    )
    if connection.vendor != "postgresql":
        return list(organizations)  # a development database: small enough to compare all
    # The best matches of each mention's words, all mentions in one query.
    best = []
    for mention in mentions:
        words = {w for name in [mention.normal, *mention.surfaces] for w in search.words(name)}
        if words:
            found = search.search(Organization.objects.all(), " or ".join(sorted(words)))
            best.append(found.values("pk")[:CANDIDATES_PER_MENTION])
    if not best:
        return []
    pks = best[0].union(*best[1:]) if len(best) > 1 else best[0]
    return list(organizations.filter(pk__in=[row["pk"] for row in pks]))


def rank(mentions, pool, limit=5):
    """Score mentions against records given in memory.

    `pool[PERSON]` holds objects with first_name and last_name; `pool[ORGANIZATION]` and
    `pool[PLACE]` hold (record, names, secondary names) – a region's administrative centre
    is a secondary name: "в Казани" suggests Tatarstan, less surely than "Татарстан".
    """
    result = {m.key: [] for m in mentions}
    people = {}
    for person in pool.get(PERSON, []):
        people.setdefault(_fold(person.last_name), []).append(person)
    for mention in (m for m in mentions if m.type == PERSON):
        for person in people.get(_fold(mention.last_name), []):
            score = _person_score(mention, person)
            if score:
                result[mention.key].append(Candidate(person, score))
    for kind in (ORGANIZATION, PLACE):
        records = [
            (record, *_record_keys(names), _record_keys(secondary)[0])
            for record, names, secondary in pool.get(kind, [])
        ]
        for mention in (m for m in mentions if m.type == kind):
            names = [mention.normal, *mention.surfaces]
            for record, keys, initials, secondary_keys in records:
                score = _score(names, keys, initials, places_decide=kind == PLACE) or 0.5 * _exact(
                    names, secondary_keys
                )
                if score:
                    result[mention.key].append(Candidate(record, score))
    for candidates in result.values():
        candidates.sort(key=lambda c: -c.score)
        del candidates[limit:]
    return result


def _exact(names, keys):
    return any(frozenset(lemmas(name)) in keys for name in names)


def _person_score(mention, person):
    if not mention.first_name:
        return 0.8
    if _fold(mention.first_name) == _fold(person.first_name):
        return 1.0
    # "С. Шапкенов": an initial that agrees.
    if len(mention.first_name.rstrip(".")) == 1 and _fold(person.first_name).startswith(
        _fold(mention.first_name[0])
    ):
        return 0.8
    return 0.0


# --- confirming ---------------------------------------------------------------------------


LINK, CREATE, IGNORE = "link", "create", "ignore"


def quote_for(source, mention):
    """The sentence of the mention's first occurrence, if the stored text has it verbatim."""
    sentence = mention.sentence.strip()
    if sentence and (sentence in source.text or html.escape(sentence, quote=False) in source.text):
        return sentence
    return ""


@transaction.atomic
def mentions_confirm(*, source, choices):
    """Apply an editor's choices: [(mention, action, record or new record's fields)].

    New records are drafts that cite the source; linked records get a citation of the source
    unless they already have one. Returns (created, linked) lists of records.
    """
    created, linked = [], []
    for mention, action, value in choices:
        if action == CREATE:
            model = Person if mention.type == PERSON else Organization
            record = model(state=PublicationState.DRAFT, **value)
            record.full_clean(exclude=["slug"])
            record.save()
            created.append(record)
        elif action == LINK:
            record = value
            linked.append(record)
        else:
            continue
        Citation.objects.get_or_create(
            source=source,
            content_type=_content_type(record),
            object_id=record.pk,
            defaults={"quote": quote_for(source, mention)},
        )
    return created, linked


def _content_type(record):
    return ContentType.objects.get_for_model(record)
