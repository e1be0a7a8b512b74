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
from .models import Citation, Organization, Person, Position, PublicationState, Region

PERSON, ORGANIZATION, PLACE, DATE = "person", "organization", "place", "date"
# What an editor's "create a draft" makes of a mention of each type.
CREATES = {PERSON: Person, ORGANIZATION: Organization, PLACE: Region}
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
    # Organizations: the legal form split off the name, and the kind and country (ISO code)
    # the name proposes, "" when it proposes none.
    legal_form: str = ""
    kind: str = ""
    country: str = ""
    # Where it occurs: [(surface, start)].
    spans: list = field(default_factory=list)
    # Positions: `normal` is the title ("губернатор"), `person` the holder's name and `of`
    # the organization or region the post is in, as their own mentions name them;
    # `person_key` and `of_key` are those mentions' keys.
    person: str = ""
    of: str = ""
    person_key: str = ""
    of_key: str = ""
    # Positions: the title as a post is recorded, with what it is held in as the text gives
    # it ("аким Атырауской области").
    title: str = ""

    @property
    def key(self):
        """Identifies the mention within one text, so that a confirmed choice finds it again."""
        if self.type == POSITION:
            return f"{self.type}:{self.person_key}:{self.normal}:{self.of_key}"
        return f"{self.type}:{self.normal}"

    def add(self, surface, start, sentence):
        if surface not in self.surfaces:
            self.surfaces.append(surface)
        self.spans.append((surface, start))
        if not self.count or start < self.start:
            self.start, self.sentence = start, sentence
        self.count += 1


def plain_text(text):
    """The words of a stored (sanitized HTML) or pasted text, with paragraph breaks kept."""
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", text)
    return html.unescape(strip_tags(text))


def extract_mentions(text):
    """The people, organizations, places, positions and dates a Russian text mentions.

    A list of `Mention` in text order. Each line of the text is analysed on its own, so a
    headline never runs into the paragraph after it. Organizations carry `legal_form` (split
    off their `normal` name) and the `kind` and `country` their name proposes
    (`propose_kind_and_country`). A position (type "position") is a title written before a
    person's name with what it is held in: "губернатора Оренбургской области Евгения
    Солнцева" gives `normal` "губернатор", `person` "Евгений Солнцев", `of` "Оренбургской
    области", and `person_key` / `of_key`, the keys of the person's mention and of the
    organization's or place's mention in the same list.
    """
    text = text[:MAX_TEXT_LENGTH]
    if not text.strip():
        return []
    nlp = _natasha()
    sentences, found = [], []
    for line in re.finditer(r"[^\n]+", text):
        if line.group().strip():
            found += _named(line.group(), line.start(), nlp, sentences)

    def sentence_at(offset):
        return next((s for start, stop, s in sentences if start <= offset < stop), "")

    patterned = _patterned(text, nlp["morph_vocab"])
    taken = [(f[2], f[2] + len(f[1])) for f in patterned]
    found = [f for f in found if not _overlaps(f[2], f[2] + len(f[1]), taken)] + patterned
    taken += [(f[2], f[2] + len(f[1])) for f in found]
    for match in _QUOTED_NAME.finditer(text):
        start, stop = match.span(1)
        if not _overlaps(start, stop, taken):
            # Russian news quote the names of companies the tagger does not know
            # («Казанькомпрессормаш»); quoted speech is longer than a name.
            found.append((ORGANIZATION, match.group(1), start, match.group(1)))
    mentions = _group(found, sentence_at)
    for mention in mentions.values():
        if mention.type == ORGANIZATION:
            mention.legal_form, mention.normal = split_legal_form(mention.normal)
            mention.kind, mention.country = propose_kind_and_country(
                mention.normal, mention.legal_form
            )
    for position in _positions(text, list(mentions.values()), nlp["morph_vocab"], sentence_at):
        mentions.setdefault(position.key, position)  # an akimat the text also names stays
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


def _overlaps(start, stop, spans):
    return any(a < stop and start < b for a, b in spans)


def _named(line, offset, nlp, sentences):
    """What the tagger finds in one line: [(type, surface, start, normal or name parts)]."""
    from natasha import Doc  # imported by _natasha() already: a lookup, not a second load

    doc = Doc(line)
    doc.segment(nlp["segmenter"])
    doc.tag_morph(nlp["morph_tagger"])
    doc.tag_ner(nlp["ner_tagger"])
    sentences += [(offset + s.start, offset + s.stop, s.text) for s in doc.sents]
    found = []
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
            tokens = list(span.tokens)
            while len(tokens) > 1 and _TITLE_WORD.fullmatch(tokens[0].text):
                tokens.pop(0)  # "Аким Асхат Шахаров" at the start of a sentence
            for part in _split_people(tokens, nlp["morph_vocab"]):
                surface = line[part[0].start : part[-1].stop]
                parts = _person_name(part, nlp["morph_vocab"])
                found.append((kind, surface, offset + part[0].start, parts))
            continue
        surface, normal = span.text, span.normal or span.text
        if kind == PLACE:
            # The tagger declines only the adjective: "Павлодарская области".
            normal = re.sub(r"(?<=ая) (области|республики)$", lambda m: " " + _lemma(m[1]), normal)
        following = spans[i + 1] if i + 1 < len(spans) else None
        if (
            kind == ORGANIZATION
            and following is not None
            and following.type == "LOC"
            and not line[span.stop : following.start].strip()
        ):
            # "Госсовета РТ", "ТПП Татарстана": the place belongs to the organization's name
            # and stays in its case there.
            surface = line[span.start : following.stop]
            normal = f"{normal} {following.text}"
            skip.add(i + 1)
        found.append((kind, surface, offset + span.start, normal))
    return found


# --- what patterns find better than the tagger -------------------------------------------------

# What a body is "of": a region, a republic, a city, or their abbreviation (РТ, ЗКО).
_OF_REGION = (
    r"(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:ой|ей)\s+(?:области|края)"
    r"|(?:области|края)\s+[А-ЯЁ][а-яё]+"
    r"|[Рр]еспублики(?:\s+[А-ЯЁ][а-яё]+)?"
    r"|города\s+[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
    r"|[А-ЯЁ][а-яё]+стана\b"
    r"|[А-ЯЁ]{2,4}\b)"
)
_BODY = re.compile(
    r"(?<![\w-])(?:"
    r"[Пп]ресс-служб[аыеуо]й?\s+(?:[Гг]убернатора|[Гг]лавы|[Пп]равительства|[Рр]аиса|[Аа]кима"
    r"|[Аа]кимата|[Пп]резидента|[Мм]эра|[Мм]эрии|[Аа]дминистрации)"
    r"|[Пп]равительств(?:о|а|у|ом|е)"
    r"|[Аа]кимат(?:а|у|ом|е)?"
    r"|[Аа]дминистраци(?:я|и|ю|ей)"
    r"|[Мм]эри(?:я|и|ю|ей)"
    r"|[Пп]алат(?:а|ы|е|у|ой)\s+предпринимателей"
    r"|(?:[А-ЯЁа-яё]+(?:ый|ой|ий|ого|ому|ым|ом)\s+)?кластер(?:а|у|ом|е)?(?:\s+[а-яё]+){0,4}?"
    r")\s+" + _OF_REGION
)
_PERSON_INITIALS = re.compile(
    r"(?<![\w.])([А-ЯЁ])\.\s?([А-ЯЁ])\.\s?([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)"
)
_LEGAL_FORM_NAME = re.compile(
    r"(?<![\w-])(ООО|ОАО|ПАО|ЗАО|НАО|АО|ТОО|АНО|ГУП|ФГУП|МУП|АНО)\s+[«„\"]"
    r"([^«»„“”\"\n]{1,120})[»“”\"]"
)


def _patterned(text, morph_vocab):
    """Government bodies, people written with initials and companies after a legal form."""
    found = []
    for match in _BODY.finditer(text):
        found.append(
            (ORGANIZATION, match.group(), match.start(), _body_nominative(match, morph_vocab))
        )
    for match in _LEGAL_FORM_NAME.finditer(text):
        if not _overlaps(match.start(), match.end(), [(f[2], f[2] + len(f[1])) for f in found]):
            name = f"{match.group(1)} «{match.group(2).strip()}»"
            found.append((ORGANIZATION, match.group(), match.start(), name))
    for match in _PERSON_INITIALS.finditer(text):
        first, patronymic, last = match.groups()
        found.append(
            (
                PERSON,
                match.group(),
                match.start(),
                (f"{first}.", f"{patronymic}.", _surname(last, morph_vocab)),
            )
        )
    return found


def _body_nominative(match, morph_vocab):
    """ "Акиматом ЗКО" → "Акимат ЗКО": the words up to the first noun agree, the rest stays."""
    name = " ".join(_to_nominative(match.group().split(), morph_vocab))
    return name[:1].upper() + name[1:]


_UD_GENDERS = {"masc": "Masc", "femn": "Fem", "neut": "Neut"}


def _to_nominative(words, morph_vocab):
    """The words up to the first noun put in the nominative singular, agreeing with it."""
    parses = []
    for word in words:
        parse = next((p for p in morph_vocab.parse(word) if p.tag.POS in {"NOUN", "ADJF"}), None)
        parses.append(parse)
        if parse is None or parse.tag.POS == "NOUN":
            break
    head = parses[-1]
    gender = _UD_GENDERS.get(head.tag.gender) if head and head.tag.POS == "NOUN" else None
    normal = []
    for word, parse in zip(words, parses, strict=False):
        grams = {"Nom", "Sing"} | ({gender} if gender and parse.tag.POS == "ADJF" else set())
        inflected = parse.inflect(grams) if parse else None
        normal.append(_capitalized_like(word, inflected.word) if inflected else word)
    return normal + words[len(parses) :]


def _surname(word, morph_vocab):
    parse = next((p for p in morph_vocab.parse(word) if "Surn" in p.tag.grammemes), None)
    inflected = parse.inflect({"Nom"}) if parse else None
    return _capitalized_like(word, inflected.word) if inflected else word


# A post as the press writes it before a name: "губернатора", "заместитель председателя".
_TITLE_WORD = re.compile(
    r"(?:[Вв]ице-|[Вв]рио\s+)?(?:[Гг]убернатор|[Аа]ким|[Гг]лав|[Рр]аис|[Пп]резидент|[Пп]редседател"
    r"|[Дд]иректор|[Гг]ендиректор|[Мм]инистр|[Рр]ектор|[Мм]эр|[Рр]уководител|[Пп]редправления"
    r"|[Зз]ампредседателя|[Зз]аместител)[а-яё]*"
)
_TITLE = re.compile(
    r"(?:(?:[Пп]ерв|[Гг]енеральн|[Ии]сполнительн)[а-яё]+\s+)?"
    + _TITLE_WORD.pattern
    + r"(?:\s+(?:председателя|акима|губернатора|министра|директора|правления|филиала))?"
    r"(?:\s+[а-яё]+,?){0,4}\s+$"
)


def _positions(text, mentions, morph_vocab, sentence_at):
    """Titles before a name with the organization or place they are held in, and the akimat
    of an akim of a region."""
    spans = sorted(
        (start, start + len(surface), mention)
        for mention in mentions
        if mention.type in (ORGANIZATION, PLACE, PERSON)
        for surface, start in mention.spans
    )
    positions = []
    for i, (start, _stop, person) in enumerate(spans):
        if person.type != PERSON:
            continue
        found = None
        j = i - 1
        while j >= 0 and spans[j][2].type != PERSON and _adjacent(text, spans[j], start):
            title = _TITLE.search(text[max(0, spans[j][0] - 120) : spans[j][0]])
            if title and "\n" not in title.group():
                found = spans[j], title
                break
            if not _COUNTRY.fullmatch(spans[j][2].normal):
                break
            # "акимом Атырауской области Казахстана Сериком Шапкеновым"
            start, j = spans[j][0], j - 1
        if found is None:
            continue
        (_start, stop, of), title = found
        normal = _title_nominative(title.group().split(), morph_vocab)
        position = Mention(
            type=POSITION,
            normal=normal,
            person=person.normal,
            of=of.normal,
            person_key=person.key,
            of_key=of.key,
        )
        position.add(text[_start - len(title.group()) : start], _start, sentence_at(_start))
        positions.append(position)
        where = text[_start:stop]
        position.title = f"{normal} {where}"
        if normal == "аким" and of.type == PLACE and _REGION_GENITIVE.fullmatch(where):
            # An akim heads an akimat, the body that signs a region's agreements.
            body = Mention(type=ORGANIZATION, normal=f"Акимат {where}")
            body.kind, body.country = propose_kind_and_country(body.normal)
            body.add(position.surfaces[0], position.start, position.sentence)
            positions.append(body)
    return positions


_COUNTRY = re.compile(r"Казахстан|Россия|Беларусь|РК|РФ")


def _adjacent(text, span, start):
    return not text[span[1] : start].strip()


_REGION_GENITIVE = re.compile(
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:ой|ей)\s+области|области\s+[А-ЯЁ][а-яё]+"
)


def _title_nominative(words, morph_vocab):
    return " ".join(_to_nominative(words, morph_vocab)).lower().rstrip(",")


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
    organizations = {k: m for k, m in mentions.items() if m.type == ORGANIZATION}
    for key, short in organizations.items():
        full = next(
            (
                m
                for k, m in organizations.items()
                if k != key and k in mentions and _abbreviates(short.normal, m.normal)
            ),
            None,
        )
        if full is not None:
            # "ТПП РТ" and "Торгово-промышленная палата (ТПП) РТ": one organization.
            del mentions[key]
            full.normal = _name_variants(full.normal)[-2 if "(" in full.normal else 0].strip()
            full.normal = re.sub(r"\s+", " ", full.normal)
            for surface, start in short.spans:
                full.add(surface, start, sentence_at(start))
    return {m.key: m for m in mentions.values()}


def _abbreviates(short, full):
    """Whether `short` is `full` with some words abbreviated: "ТПП РТ", "Торгово-промышленная
    палата (ТПП) РТ" or "Торгово-промышленная палата Республики Татарстан"."""
    words = [w for w in _QUOTES.sub(" ", short).split()]
    if not any(w.isupper() and len(w) > 1 for w in words):
        return False
    targets = [lemmas(variant) for variant in _name_variants(full)]
    return any(_expands(lemmas(short), target) for target in targets if target)


def _expands(short, full):
    if not short or not full:
        return not short and not full
    if short[0] == full[0] and _expands(short[1:], full[1:]):
        return True
    for k in range(2, min(len(full), 6) + 1):
        initials = "".join(part[0] for word in full[:k] for part in word.split("-") if part)
        if initials == short[0] and _expands(short[1:], full[k:]):
            return True
    return False


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
_SURNAME_GEN = re.compile(r"(ов|ев|ёв|ин|ын)а$", re.IGNORECASE)
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


def _is_female_name(word, morph_vocab):
    return any(
        "Name" in p.tag and "femn" in p.tag and p.tag.case == "nomn"
        for p in morph_vocab.parse(word)
    )


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
    if (
        len(tokens) >= 2
        and _SURNAME_GEN.search(tokens[-1].text)
        and tokens[0].text.endswith("а")
        and not _is_female_name(tokens[0].text, morph_vocab)
    ):
        return "gent", "Masc"  # "Асхата Шахарова": a man's name the dictionary lacks
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


_REGION_WORDS = {"область", "край", "район", "республика"}


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


# What an organization's name or legal form says of its kind and country, first match wins:
# (pattern on the name's lemmas or legal form, kind, country code or "").
_KIND_AND_COUNTRY = [
    (r"^тоо$", "enterprise", "KZ"),
    (r"^(ооо|оао|пао|зао|нао|ао|ип)$", "enterprise", ""),
    (r"\bпресс-служба\b.*\b(аким|акимат)\b", "government_body", "KZ"),
    (r"\bпресс-служба\b", "government_body", ""),
    (r"\bмаслихат\b", "legislature", "KZ"),
    (r"\b(акимат|аким)\b", "government_body", "KZ"),
    (r"\bпалата предприниматель\b", "chamber", "KZ"),
    (r"\b(тпп|торгово-промышленный палата)\b", "chamber", ""),
    (r"\bкластер\b", "cluster", ""),
    (r"\b(облисполком)\b", "government_body", "BY"),
    (r"\b(правительство|администрация|министерство|мэрия|кабинет|кабмин)\b", "government_body", ""),
    (r"\b(дума|совет|госсовет|курултай|собрание|мажилис|сенат)\b", "legislature", ""),
    (r"\b(университет|институт|академия|колледж)\b", "education", ""),
    (r"\b(завод|комбинат|фабрика)\b", "enterprise", ""),
]


def propose_kind_and_country(name, legal_form=""):
    """(kind, country code) an organization's name and legal form propose, "" for unknown.

    "ТОО" is Kazakhstan's limited liability partnership, "Акимат …" a Kazakh executive body,
    "ООО"/"АО"/"ПАО" a business; the country is left open where the name does not tell it.
    """
    kind = country = ""
    for text in (_fold(legal_form), " ".join(lemmas(name))):
        for pattern, proposed_kind, proposed_country in _KIND_AND_COUNTRY:
            if text and re.search(pattern, text):
                kind = kind or proposed_kind
                country = country or proposed_country
                break
    return kind, country


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
            ordered = lemmas(variant)
            words = frozenset(ordered)
            if not words:
                continue
            # The region a name is of: "Атырауской" before "области", "Абай" after it.
            regional = {
                w
                for a, b in zip(ordered, ordered[1:], strict=False)
                if {a, b} & _REGION_WORDS
                for w in (a, b)
            }
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
                # Nor does a region's adjective ("Акимат Павлодарской области" is not the
                # "Торгово-промышленная палата Павлодарской области").
                if not places_decide and all(_is_place(w) or w in regional for w in specific & key):
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
def mentions_confirm(*, source, choices, positions=()):
    """Apply an editor's choices: [(mention, action, record or new record's fields)].

    New records are drafts that cite the source; linked records get a citation of the source
    unless they already have one. Each of `positions` (position mentions) whose holder and
    organization or region were linked or created becomes a draft post citing the source,
    unless the person holds that post already. Returns (created, linked) lists of records.
    """
    created, linked = [], []
    records = {}
    for mention, action, value in choices:
        if action == CREATE:
            record = CREATES[mention.type](state=PublicationState.DRAFT, **value)
            record.full_clean(exclude=["slug"])
            record.save()
            created.append(record)
        elif action == LINK:
            record = value
            linked.append(record)
        else:
            continue
        records[mention.key] = record
        _cite(source, record, mention)
    for mention in positions:
        person, held_in = records.get(mention.person_key), records.get(mention.of_key)
        if not isinstance(person, Person) or held_in is None or not mention.title:
            continue
        where = {"organization" if isinstance(held_in, Organization) else "region": held_in}
        if Position.objects.filter(person=person, end_date__isnull=True, **where).exists():
            continue
        post = Position(person=person, title=mention.title, state=PublicationState.DRAFT, **where)
        post.full_clean()
        post.save()
        created.append(post)
        _cite(source, post, mention)
    return created, linked


def _cite(source, record, mention):
    Citation.objects.get_or_create(
        source=source,
        content_type=_content_type(record),
        object_id=record.pk,
        defaults={"quote": quote_for(source, mention)},
    )


def _content_type(record):
    return ContentType.objects.get_for_model(record)
