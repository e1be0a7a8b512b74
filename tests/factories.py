"""Published records with Russian-looking names; override only what a test is about."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from cooperation import models
from cooperation.models import PublicationState

PUBLISHED = PublicationState.PUBLISHED


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = models.Country
        django_get_or_create = ("code",)

    # Two capital Latin letters, distinct for the first 676 countries.
    code = factory.Sequence(lambda n: chr(65 + n // 26 % 26) + chr(65 + n % 26))
    name = factory.Sequence(lambda n: f"Страна {n}")
    state = PUBLISHED


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = models.Region

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Область {n}")
    kind = models.Region.Kind.OBLAST
    state = PUBLISHED


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = models.Industry

    name = factory.Sequence(lambda n: f"Отрасль {n}")
    state = PUBLISHED


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = models.Topic

    name = factory.Sequence(lambda n: f"Тема {n}")
    state = PUBLISHED


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Организация {n}")
    kind = models.Organization.Kind.ENTERPRISE
    region = factory.SubFactory(RegionFactory)
    country = factory.SelfAttribute("region.country")
    state = PUBLISHED


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = models.Person

    first_name = factory.Sequence(lambda n: f"Иван{n}")
    last_name = factory.Sequence(lambda n: f"Петров{n}")
    state = PUBLISHED


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = models.Position

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Директор {n}")
    start_date = dt.date(2020, 1, 1)
    state = PUBLISHED


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = models.Delegation

    title = factory.Sequence(lambda n: f"Визит делегации {n}")
    home_region = factory.SubFactory(RegionFactory)
    home_country = factory.SelfAttribute("home_region.country")
    host_region = factory.SubFactory(RegionFactory)
    host_country = factory.SelfAttribute("host_region.country")
    start_date = dt.date(2025, 2, 20)
    state = PUBLISHED


class EventFactory(DjangoModelFactory):
    class Meta:
        model = models.Event

    kind = models.Event.Kind.MEETING
    title = factory.Sequence(lambda n: f"Встреча {n}")
    start_date = dt.date(2025, 2, 21)
    state = PUBLISHED


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = models.Participation

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = models.Agreement

    title = factory.Sequence(lambda n: f"Соглашение о сотрудничестве {n}")
    kind = models.Agreement.Kind.COOPERATION
    signed_date = dt.date(2025, 2, 21)
    state = PUBLISHED


class AgreementPartyFactory(DjangoModelFactory):
    class Meta:
        model = models.AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organization = factory.SubFactory(OrganizationFactory)


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = models.Statement

    speaker = factory.SubFactory(PersonFactory)
    event = factory.SubFactory(EventFactory)
    text = factory.Sequence(lambda n: f"Все проекты идут по плану ({n}).")
    state = PUBLISHED


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = models.Source

    title = factory.Sequence(lambda n: f"Статья {n}")
    publisher = "Татар-информ"
    url = factory.Sequence(lambda n: f"https://example.org/news/{n}")
    published_on = dt.date(2025, 2, 21)
    text = "<p>Текст статьи.</p>"
    state = PUBLISHED


class CitationFactory(DjangoModelFactory):
    class Meta:
        model = models.Citation

    source = factory.SubFactory(SourceFactory)
    content_object = factory.SubFactory(EventFactory)
