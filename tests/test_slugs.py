import datetime as dt

import pytest

from cooperation.models import Person

from .factories import EventFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_it_transliterates_a_russian_name_into_the_slug():
    person = PersonFactory(first_name="Рустам", last_name="Минниханов")

    assert person.slug == "rustam-minnikhanov"


def test_it_gives_a_second_person_with_the_same_name_a_numbered_slug():
    PersonFactory(first_name="Рустам", last_name="Минниханов")

    namesake = PersonFactory(first_name="Рустам", last_name="Минниханов")

    assert namesake.slug == "rustam-minnikhanov-2"
    assert sorted(Person.objects.values_list("slug", flat=True)) == [
        "rustam-minnikhanov",
        "rustam-minnikhanov-2",
    ]


def test_it_keeps_the_slug_when_the_name_is_edited():
    person = PersonFactory(first_name="Серик", last_name="Шапкенов")

    person.last_name = "Шапкенов-Иванов"
    person.save()
    person.refresh_from_db()

    assert person.slug == "serik-shapkenov"


def test_it_keeps_its_own_slug_when_saved_again_unchanged():
    person = PersonFactory(first_name="Рустам", last_name="Минниханов")

    person.save()
    person.refresh_from_db()

    assert person.slug == "rustam-minnikhanov"


def test_it_makes_an_organization_slug_from_the_short_name():
    organization = OrganizationFactory(
        name="Торгово-промышленная палата Республики Татарстан", short_name="ТПП РТ"
    )

    assert organization.slug == "tpp-rt"


def test_it_puts_the_year_into_an_event_slug():
    event = EventFactory(title="Встреча в Казани", start_date=dt.date(2025, 2, 21))

    assert event.slug == "vstrecha-v-kazani-2025"
