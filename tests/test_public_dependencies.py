"""What a record needs to make sense: when any of it becomes a draft, the record is gone.

Generated from the models: for every relation a model names in `public_requires`, one of
the article's records with that relation (or, where the article has none, one given it)
is marked by a unique text, shown on some public page; its related record is made a
draft; then its text is on no public page, export or feed any more, and every facet
counts only what the public may see. Every other relation to a record with a page is
covered the other way round: the related record's name leaves every page, and the record
stays. A relation added to a model is so covered without a new test.
"""

from itertools import combinations
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from cooperation.article_loader import article_load
from cooperation.filters import CountryFacet, RelatedFacet
from cooperation.listings import LISTINGS
from cooperation.models import Event, PublicationState, PublicModel, Publishable, is_public

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
ROAD_MAPS = Path(__file__).parent / "data" / "road-maps"
PUBLIC_MODELS = [
    m for m in apps.get_app_config("cooperation").get_models() if issubclass(m, PublicModel)
]


def _required():
    for model in PUBLIC_MODELS:
        for relation in model.public_requires:
            yield pytest.param(model, relation, id=f"{model.__name__}.{relation}")


def _shown_if_public():
    """Relations a page may show (to a record that has a state) without needing them."""
    for model in PUBLIC_MODELS:
        for field in model._meta.get_fields():
            if (
                (field.many_to_one or field.many_to_many)
                and field.concrete
                and field.editable
                and issubclass(field.related_model, Publishable)
                and field.name not in model.public_requires
                and (not field.many_to_many or field.remote_field.through._meta.auto_created)
            ):
                yield pytest.param(model, field.name, id=f"{model.__name__}.{field.name}")


def test_every_required_relation_is_a_relation_to_a_record_with_a_state():
    for model in PUBLIC_MODELS:
        for relation in model.public_requires:
            field = model._meta.get_field(relation)
            assert field.many_to_one and issubclass(field.related_model, Publishable), relation


# --- the article's records and the pages that show them ---------------------------------


def _related(record, name):
    value = getattr(record, name)
    return list(value.all()) if hasattr(value, "all") else [value]


def _one_with(model, relation):
    """A public record of `model` related through `relation`, given one if none has it."""
    field = model._meta.get_field(relation)
    if not model.objects.public().exists() or field.related_model is model:
        # What the article does not tell (a road map's items and their progress, agreements
        # linked to each other), the road maps of its two regions do.
        for name in ("road-map.yaml", "mission-news.yaml"):
            article_load(path=ROAD_MAPS / name)
    records = model.objects.public()
    record = records.filter(**{f"{relation}__in": field.related_model.objects.public()}).first()
    if record is None:
        record = records.first()
        assert record is not None, f"the article has no public {model.__name__}"
        others = field.related_model.objects.public()
        if field.related_model is model:
            others = others.exclude(pk=record.pk)
        target = others.first()
        if field.many_to_many:
            getattr(record, relation).add(target)
        else:
            model.objects.filter(pk=record.pk).update(**{relation: target})
        record = model.objects.get(pk=record.pk)
    return record


def _text_field(model):
    """The record's own text a page shows, if it has any: its title, note or quote."""
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField)
            and not field.choices
            and field.editable
            and not field.name.endswith("_en")
        ):
            return field.name
    return None


def _trace(record):
    """Something on a page that only this record puts there: a unique text written into
    it, or for a record without text of its own, the anchor its row carries."""
    model = type(record)
    field = _text_field(model)
    if field is None:
        return f'id="{model._meta.model_name}-{record.pk}"'
    text = f"Метка{model.__name__}{record.pk}"
    model.objects.filter(pk=record.pk).update(**{field: text})
    return text


def _name(record):
    """Give `record` a unique name, in every field its name is made of, and return it."""
    model = type(record)
    text = f"Имя{model.__name__}{record.pk}"
    fields = {field.name for field in model._meta.concrete_fields}
    names = {name: text for name in ("name", "short_name", "title", "first_name") if name in fields}
    if "last_name" in fields:
        names["last_name"] = ""
    model.objects.filter(pk=record.pk).update(**names)
    assert text in str(model.objects.get(pk=record.pk))
    return text


def _pages(*records):
    """The public pages that may show the records: every list with its exports and feeds,
    the home page, the region pairs, and the pages of the records, of what they name and of
    the sources they cite."""
    urls = [reverse("cooperation:home"), reverse("cooperation:industry-list")]
    for listing in LISTINGS.values():
        url = reverse(listing.url_name)
        urls += [url, f"{url}?format=csv", f"{url}?format=json"]
    urls += [reverse(name) for name in ("cooperation:event-feed", "cooperation:agreement-feed")]
    urls.append(reverse("cooperation:event-calendar"))
    through = Event.regions.through.objects.order_by("event", "region")
    regions = {}
    for event, region in through.values_list("event__pk", "region__slug"):
        regions.setdefault(event, []).append(region)
    for slugs in regions.values():
        urls += [reverse("cooperation:region-pair", args=pair) for pair in combinations(slugs, 2)]
    for record in records:
        shown = [record]
        for field in type(record)._meta.get_fields():
            if (
                field.is_relation
                and (field.many_to_one or field.many_to_many)
                and not (field.auto_created and not field.concrete)
            ):
                shown += [related for related in _related(record, field.name) if related]
        if hasattr(record, "citations"):
            shown += [citation.source for citation in record.citations.all()]
        for related in shown:
            if hasattr(related, "get_absolute_url"):
                urls.append(related.get_absolute_url().split("#")[0])
    return list(dict.fromkeys(urls))


def _body(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _where(client, urls, text):
    return [url for url in urls if text in _body(client, url)]


# --- counts -------------------------------------------------------------------------------


def _reached(record, path):
    """The public rows `path` leads to from `record`, walked in Python one row at a time."""
    rows = [record]
    for part in path.split("__"):
        found = []
        for row in rows:
            for related in _related(row, part):
                if related is not None and is_public(related):
                    found.append(related)
        rows = found
    return rows


def _expected_counts(listing, facet):
    counts = {}
    records = list(listing.queryset())
    paths = facet.paths
    if isinstance(facet, RelatedFacet):
        for path in paths:
            for record in records:
                for value in set(_reached(record, path)):
                    counts[value.slug] = counts.get(value.slug, 0) + 1
    else:
        for record in records:
            for value in {value for path in paths for value in _reached(record, path)}:
                counts[value.code] = counts.get(value.code, 0) + 1
    return counts


def _models_along(model, path):
    models_ = []
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
        models_.append(model)
    return models_


def _facets_count_what_is_public(client, *involved):
    """The facets through the `involved` models count what the public may see."""
    for listing in LISTINGS.values():
        facets = [
            facet
            for facet in listing.filterset.facets
            if isinstance(facet, RelatedFacet | CountryFacet)
            and any(
                set(involved) & set(_models_along(listing.filterset._meta.model, path))
                for path in facet.paths
            )
        ]
        if not facets:
            continue
        response = client.get(reverse(listing.url_name))
        shown = {facet: values for facet, values in response.context["facets"]}
        for facet in facets:
            expected = _expected_counts(listing, facet)
            counted = {value.value: value.count for value in shown.get(facet, [])}
            assert all(expected.get(value) == n for value, n in counted.items()), (
                listing.key,
                facet.label,
                counted,
                expected,
            )
            if len(expected) <= getattr(facet, "limit", len(expected)):
                assert counted == expected, (listing.key, facet.label, counted, expected)


# --- the tests ----------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "relation"), list(_required()))
def test_a_record_leaves_every_public_page_when_what_it_needs_becomes_a_draft(
    client, article, model, relation
):
    record = _one_with(model, relation)
    target = getattr(record, relation)
    trace = _trace(record)
    pages = _pages(record)
    shown_on = _where(client, pages, trace)
    assert shown_on, f"{trace} is on no page: nothing would be proven"

    type(target).objects.filter(pk=target.pk).update(state=DRAFT)

    assert not model.objects.public().filter(pk=record.pk).exists()
    assert _where(client, shown_on, trace) == []
    _facets_count_what_is_public(client, model, type(target))


@pytest.mark.parametrize(("model", "relation"), list(_shown_if_public()))
def test_a_record_stays_without_the_name_of_a_related_record_that_becomes_a_draft(
    client, article, model, relation
):
    record = _one_with(model, relation)
    target = next(related for related in _related(record, relation) if is_public(related))
    name = _name(target)
    pages = _pages(record, target)
    shown_on = _where(client, pages, name)
    assert shown_on, f"{name} is on no page: nothing would be proven"

    type(target).objects.filter(pk=target.pk).update(state=DRAFT)

    assert model.objects.public().filter(pk=record.pk).exists()
    assert _where(client, shown_on, name) == []
    _facets_count_what_is_public(client, model, type(target))
