"""Spreadsheet rows for the admin's bulk import and export (django-import-export).

A row is known by its slug; an empty slug makes a new record whose slug comes from its name.
Related records are written as their slugs (countries as ISO codes), lists of them separated
by "|"; a partial date is one column in the form a source gives it ("2025", "2024-09",
"2025-02-21"). Every record names the sources it cites in the "sources" column. What is wrong
with a row is said in words an editor understands, under the column that holds it.

An export re-imports without change; an import in which any row is wrong changes nothing
(the admin runs it in one transaction, see `admin_import_export`).
"""

import datetime as dt

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import resources
from import_export.fields import Field
from import_export.widgets import CharWidget, ForeignKeyWidget, ManyToManyWidget, Widget

from .dates import PartialDate
from .models import (
    Agreement,
    Commitment,
    Country,
    Delegation,
    Event,
    Industry,
    Organization,
    Person,
    PublicationState,
    Region,
    Source,
    Topic,
)

SEPARATOR = "|"


def may_publish(user, model):
    """Whether records of `model` imported by `user` may be public straight away.

    Publishing is its own permission (`publish_<model>`) once the review workflow defines
    it; until then every imported record waits for an editor's review as a draft.
    """
    codename = f"publish_{model._meta.model_name}"
    defined = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(model), codename=codename
    ).exists()
    return bool(defined and user is not None and user.has_perm(f"cooperation.{codename}"))


def _text(value):
    """A cell as text: spreadsheets give numbers where an editor typed digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _quoted(values):
    return ", ".join(f"«{value}»" for value in values)


# --- widgets: one cell <-> one value --------------------------------------------------------


class SlugWidget(ForeignKeyWidget):
    """A related record named by its slug (a country by its ISO code)."""

    def __init__(self, model, field="slug"):
        super().__init__(model, field=field)

    def clean(self, value, row=None, **kwargs):
        key = _text(value)
        if not key:
            return None
        try:
            return self.get_instance_by_lookup_fields(key, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("%(model)s «%(value)s» does not exist.")
                % {"model": capfirst(self.model._meta.verbose_name), "value": key}
            ) from None


class SlugListWidget(ManyToManyWidget):
    """Related records named by their slugs, separated by "|"; every name must exist."""

    def __init__(self, model, field="slug"):
        super().__init__(model, separator=SEPARATOR, field=field)

    def clean(self, value, row=None, **kwargs):
        keys = list(dict.fromkeys(k.strip() for k in _text(value).split(SEPARATOR) if k.strip()))
        found = {
            getattr(obj, self.field): obj
            for obj in self.model._default_manager.filter(**{f"{self.field}__in": keys})
        }
        missing = [key for key in keys if key not in found]
        if missing:
            opts = self.model._meta
            name = opts.verbose_name if len(missing) == 1 else opts.verbose_name_plural
            raise ValueError(
                ngettext(
                    "%(model)s %(values)s does not exist.",
                    "%(model)s %(values)s do not exist.",
                    len(missing),
                )
                % {"model": capfirst(name), "values": _quoted(missing)}
            )
        return [found[key] for key in keys]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(str(getattr(item, self.field)) for item in value.all())


class ChoiceWidget(CharWidget):
    """One of a model's choices, as its code; the label as shown in the admin is accepted too."""

    def __init__(self, choices, default=""):
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return self.default
        if text in self.choices.values:
            return text
        by_label = {str(label).lower(): code for code, label in self.choices.choices}
        if text.lower() in by_label:
            return by_label[text.lower()]
        raise ValueError(
            _("«%(value)s» is not one of: %(choices)s.")
            % {
                "value": text,
                "choices": ", ".join(f"{code} ({label})" for code, label in self.choices.choices),
            }
        )


class PartialDateWidget(Widget):
    """A date to the day, the month or the year, written as the source gives it."""

    def clean(self, value, row=None, **kwargs):
        # A spreadsheet may turn a typed day into a date cell.
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return PartialDate(value)
        text = _text(value)
        if not text:
            return None
        try:
            return PartialDate.parse(text)
        except ValueError:
            raise ValueError(
                _("Date «%(value)s» is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")
                % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.iso() if value else ""


# --- fields: one column <-> the model fields behind it ---------------------------------------


class PartialDateField(Field):
    """One column for a date and its precision; an end is stored as the last day it allows."""

    def __init__(self, column_name, date_field, precision_field, *, end=False):
        super().__init__(attribute=date_field, column_name=column_name, widget=PartialDateWidget())
        self.precision_field = precision_field
        self.end = end

    def get_value(self, instance):
        value = getattr(instance, self.attribute)
        return PartialDate(value, getattr(instance, self.precision_field)) if value else None

    def save(self, instance, row, is_m2m=False, **kwargs):
        partial = self.clean(row, **kwargs)
        if partial is None:
            setattr(instance, self.attribute, None)
            return
        setattr(instance, self.attribute, partial.last_day() if self.end else partial.date)
        setattr(instance, self.precision_field, partial.precision)


class SourcesField(Field):
    """The sources a record cites, by slug; after an import it cites exactly these."""

    def __init__(self):
        super().__init__(
            attribute="citations", column_name="sources", widget=SlugListWidget(Source)
        )

    def get_value(self, instance):
        if instance.pk is None:
            return Source.objects.none()
        return Source.objects.filter(pk__in=instance.citations.values("source"))

    def save(self, instance, row, is_m2m=False, **kwargs):
        sources = self.clean(row, **kwargs)
        # A citation kept keeps its supporting passage.
        instance.citations.exclude(source__in=sources).delete()
        cited = set(instance.citations.values_list("source_id", flat=True))
        for source in sources:
            if source.pk not in cited:
                instance.citations.create(source=source)


def _slug(model):
    return Field(attribute=model.__name__.lower(), widget=SlugWidget(model))


def _slugs(model, attribute):
    return Field(attribute=attribute, widget=SlugListWidget(model))


def _choice(attribute, choices, default=""):
    return Field(attribute=attribute, widget=ChoiceWidget(choices, default))


def column_labels(resource_class):
    """Each column's header with what it holds, as the admin names it: "region (region)"."""
    model = resource_class._meta.model
    labels = {}
    for name in resource_class._meta.fields:
        field = resource_class.fields[name]
        if isinstance(field, SourcesField):
            meaning = _("sources cited")
        else:
            meaning = model._meta.get_field(field.attribute).verbose_name
        labels[name] = f"{capfirst(meaning)} ({field.column_name})"
    return labels


# --- resources --------------------------------------------------------------------------------


class RecordResource(resources.ModelResource):
    """A publishable, source-citing record, identified by its slug."""

    state = _choice("state", PublicationState, default=PublicationState.DRAFT)
    sources = SourcesField()

    class Meta:
        import_id_fields = ["slug"]
        # The dry run shows unchanged rows as skipped, so that an editor sees what changes.
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.publish_allowed = False
        self.locks_reviewed = False

    def get_export_order(self):
        return tuple(self._meta.fields)

    def get_import_order(self):
        return tuple(self._meta.fields)

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user")
        self.publish_allowed = may_publish(user, self._meta.model)
        # An editor in the admin; imports run from code (user None) are trusted.
        self.locks_reviewed = user is not None and not self.publish_allowed
        # Without a slug column every row is a new record, named from its name.
        if dataset.headers and "slug" not in dataset.headers:
            dataset.append_col([""] * dataset.height, header="slug")

    def import_instance(self, instance, row, **kwargs):
        new = instance.pk is None
        state_before = instance.state
        before = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Lists are saved after the record; read them now so that their errors show with
        # the others and nothing is saved half.
        lists = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, ManyToManyWidget) and field.column_name in row:
                try:
                    lists[field.column_name] = field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = [str(exc)]
        self.check_row(instance, row, lists, errors, new=new)
        self._check_sources(instance, row, lists, errors, new=new)
        self._check_state(instance, lists, errors, new=new, state_before=state_before)
        if not new and state_before != PublicationState.DRAFT and self.locks_reviewed:
            self._check_locked(instance, lists, errors, before=before, state_before=state_before)
        if errors:
            raise ValidationError(errors)

    def _check_locked(self, instance, lists, errors, *, before, state_before):
        """Records in review or published change only through a publisher (decision 0003).

        An unchanged row passes, so that an editor can import a list they exported.
        """
        changed = any(getattr(instance, name) != value for name, value in before.items())
        for field in self.get_import_fields():
            if field.column_name in lists and not changed:
                current = {obj.pk for obj in field.get_value(instance).all()}
                changed = current != {obj.pk for obj in lists[field.column_name]}
        if changed:
            instance.state = state_before
            errors.setdefault("state", []).append(
                _("Only a publisher may change a record that is in review or published.")
            )

    def check_row(self, instance, row, lists, errors, *, new):
        """Checks of one kind of record, beyond what the model itself validates."""

    def _check_sources(self, instance, row, lists, errors, *, new):
        if "citations" in errors:
            return
        if "sources" not in row:
            if new:
                errors["citations"] = [
                    _("The file has no «sources» column: a new record must cite its sources.")
                ]
        elif not lists.get("sources"):
            errors["citations"] = [
                _(
                    "Give at least one source: the slugs of the sources that report this, "
                    "separated by «|»."
                )
            ]

    def _check_state(self, instance, lists, errors, *, new, state_before):
        publishing = instance.state == PublicationState.PUBLISHED and (
            new or state_before != PublicationState.PUBLISHED
        )
        if not publishing:
            return
        if not self.publish_allowed:
            # Not an error: the record is imported and waits for review.
            instance.state = PublicationState.DRAFT if new else state_before
            return
        sources = lists.get("sources")
        if sources is None and not new:
            sources = list(self.fields["sources"].get_value(instance))
        if not any(source.is_published for source in sources or []):
            errors["state"] = [
                _(
                    "A published record must cite a published source: import it as a draft "
                    "or publish its source first."
                )
            ]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            raise ValidationError(self._by_column(exc.update_error_dict({}))) from None

    def _by_column(self, errors):
        """Errors keyed by the spreadsheet's column rather than the model's field."""
        columns = {}
        for field in self.fields.values():
            columns[field.attribute] = field.column_name
            if isinstance(field, PartialDateField):
                columns[field.precision_field] = field.column_name
        result = {}
        for key, messages in errors.items():
            column = columns.get(key, key) if key != NON_FIELD_ERRORS else key
            result.setdefault(column, []).extend(messages)
        return result

    def import_row(self, row, instance_loader, **kwargs):
        # Spreadsheets leave cells of untouched columns empty (None); read them as "".
        row = type(row)((key, "" if value is None else value) for key, value in row.items())
        return super().import_row(row, instance_loader, **kwargs)


class OrganizationResource(RecordResource):
    kind = _choice("kind", Organization.Kind)
    country = Field(attribute="country", widget=SlugWidget(Country, field="code"))
    region = _slug(Region)
    parent = Field(attribute="parent", widget=SlugWidget(Organization))
    industries = _slugs(Industry, "industries")

    class Meta(RecordResource.Meta):
        model = Organization
        fields = [
            "slug",
            "name",
            "name_en",
            "short_name",
            "short_name_en",
            "kind",
            "legal_form",
            "country",
            "region",
            "parent",
            "industries",
            "website",
            "description",
            "description_en",
            "state",
            "sources",
        ]

    def check_row(self, instance, row, lists, errors, *, new):
        # As on every save, before the row is checked: the region its name names when the
        # row gives none, the country of its region when only that is given.
        instance.fill_place()


class PersonResource(RecordResource):
    class Meta(RecordResource.Meta):
        model = Person
        fields = [
            "slug",
            "last_name",
            "first_name",
            "patronymic",
            "last_name_en",
            "first_name_en",
            "bio",
            "bio_en",
            "state",
            "sources",
        ]


class EventResource(RecordResource):
    kind = _choice("kind", Event.Kind)
    start = PartialDateField("start", "start_date", "start_precision")
    end = PartialDateField("end", "end_date", "end_precision", end=True)
    status = _choice("status", Event.Status, default=Event.Status.HELD)
    region = _slug(Region)
    delegation = _slug(Delegation)
    industries = _slugs(Industry, "industries")
    topics = _slugs(Topic, "topics")

    class Meta(RecordResource.Meta):
        model = Event
        fields = [
            "slug",
            "kind",
            "title",
            "title_en",
            "start",
            "end",
            "status",
            "region",
            "city",
            "city_en",
            "venue",
            "venue_en",
            "delegation",
            "attendance",
            "attendance_note",
            "attendance_note_en",
            "summary",
            "summary_en",
            "industries",
            "topics",
            "state",
            "sources",
        ]

    def check_row(self, instance, row, lists, errors, *, new):
        if "start_date" in errors or "end_date" in errors:
            return
        if instance.start_date and instance.end_date and instance.end_date < instance.start_date:
            errors["end_date"] = [_("The end is before the start.")]


class AgreementResource(RecordResource):
    kind = _choice("kind", Agreement.Kind)
    signed = PartialDateField("signed", "signed_date", "signed_precision")
    signed_at = Field(attribute="signed_at", widget=SlugWidget(Event))
    status = _choice("status", Agreement.Status, default=Agreement.Status.SIGNED)
    valid_from = PartialDateField("valid_from", "valid_from", "valid_from_precision")
    valid_until = PartialDateField("valid_until", "valid_until", "valid_until_precision", end=True)
    implements = Field(attribute="implements", widget=SlugWidget(Agreement))
    replaces = Field(attribute="replaces", widget=SlugWidget(Agreement))
    amends = Field(attribute="amends", widget=SlugWidget(Agreement))
    industries = _slugs(Industry, "industries")
    topics = _slugs(Topic, "topics")

    class Meta(RecordResource.Meta):
        model = Agreement
        fields = [
            "slug",
            "kind",
            "title",
            "title_en",
            "signed",
            "signed_at",
            "status",
            "valid_from",
            "valid_until",
            "auto_extends",
            "implements",
            "replaces",
            "amends",
            "summary",
            "summary_en",
            "industries",
            "topics",
            "state",
            "sources",
        ]


class CommitmentResource(RecordResource):
    """The items of a road map, one a row, as such tables usually arrive: known by their
    agreement's slug and item number, so that importing the table again updates them."""

    agreement = Field(attribute="agreement", widget=SlugWidget(Agreement))
    due = PartialDateField("due", "due_date", "due_precision", end=True)
    responsible = _slugs(Organization, "responsible")
    industries = _slugs(Industry, "industries")
    topics = _slugs(Topic, "topics")
    events = _slugs(Event, "events")
    delegations = _slugs(Delegation, "delegations")

    class Meta(RecordResource.Meta):
        model = Commitment
        import_id_fields = ["agreement", "number"]
        fields = [
            "agreement",
            "number",
            "text",
            "text_en",
            "responsible",
            "due",
            "industries",
            "topics",
            "events",
            "delegations",
            "order",
            "state",
            "sources",
        ]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if dataset.headers and "slug" in dataset.headers:
            del dataset["slug"]  # commitments have none; they are known by their number

    def check_row(self, instance, row, lists, errors, *, new):
        if not instance.number:
            errors["number"] = [_("Give the item's number as the road map numbers it (1, 2.3, …).")]
