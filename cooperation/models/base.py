"""What every model of the portal is built from: publication state, history, slugs,
search columns and partial dates."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from slugify import slugify

from .. import search
from ..dates import PartialDate, Precision, truncate

SLUG_MAX_LENGTH = 120

# Where the default transliteration reads oddly to Russian speakers (я -> "ia"), prefer the
# familiar passport-style forms: Яруллин -> yarullin, Сергей -> sergey.
TRANSLITERATION = [
    ["Я", "Ya"],
    ["я", "ya"],
    ["Ю", "Yu"],
    ["ю", "yu"],
    ["Ё", "Yo"],
    ["ё", "yo"],
    ["Й", "Y"],
    ["й", "y"],
    ["Ы", "Y"],
    ["ы", "y"],
    ["Ъ", ""],
    ["ъ", ""],
    ["Ь", ""],
    ["ь", ""],
]


def _is_english():
    return (get_language() or "").startswith("en")


def localized(obj, field):
    """The Latin/English form of a field on the English site, when the record has one."""
    if _is_english():
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


def english_first(path):
    """In SQL, what `localized` gives on the English site: the English twin of a text
    column when it is filled in, else the column itself (`path` may cross relations)."""
    return Coalesce(NullIf(F(f"{path}_en"), Value("")), F(path))


def order_of(queryset):
    """The order a queryset's rows come in: its own order_by, else its model's ordering
    (unless order_by() cleared that too)."""
    if queryset.query.order_by:
        return list(queryset.query.order_by)
    return list(queryset.model._meta.ordering) if queryset.query.default_ordering else []


def localized_order(model, ordering):
    """`ordering` (order_by's arguments) as the English site sorts: by each text column's
    English twin where it has one. Unchanged in Russian; expressions pass through."""
    if not _is_english():
        return list(ordering)
    return [_localized_term(model, term) for term in ordering]


def _localized_term(model, term):
    if not isinstance(term, str):
        return term
    path = term.lstrip("-")
    *steps, name = path.split("__")
    for step in steps:
        model = model._meta.get_field(step).related_model
    try:
        model._meta.get_field(f"{name}_en")
    except FieldDoesNotExist:
        return term
    expression = english_first(path)
    return expression.desc() if term.startswith("-") else expression.asc()


# --- shared building blocks -------------------------------------------------------------


class PublicationState(models.TextChoices):
    """Editors write drafts and submit them for review; publishers publish them."""

    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")


class _History(HistoricalRecords):
    """Versions without the derived columns (search, a position's place), on the models
    that have them.

    One instance serves every model that inherits it, while simple-history wants each
    history model to exclude only fields its model has; a version is made again on save,
    so the derived columns need no history.
    """

    DERIVED = ["search_document", "search_names", "place_region", "place_country"]

    def create_history_model(self, model, inherited):
        own = {field.name for field in model._meta.local_fields}
        self.excluded_fields = [name for name in self.DERIVED if name in own]
        try:
            return super().create_history_model(model, inherited)
        finally:
            self.excluded_fields = self.DERIVED


# The public site reads published rows only; its indexes leave the others out.
PUBLISHED_ONLY = Q(state="published")


# --- what the public may see ----------------------------------------------------------------
#
# A record is public when it is published (if it has a state at all) and every record named
# in its model's `public_requires` is public too, or absent where the relation is optional:
# a statement needs its speaker and, if it has one, its event. Relations not named there are
# shown only when public themselves (`is_public`), the record is shown without them.


def sees_drafts(user):
    """Staff preview drafts (marked as such) before publishing them; nobody else sees one."""
    return bool(user and user.is_staff)


def _related_model(model, path):
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def public_condition(model, path="", known=(), correlated=False):
    """A Q: the row of `model` is public, or with `path`, the row that relation leads to.

    What a row needs is asked as "none of it is hidden", of the few hidden rows, which the
    index on `state` finds, rather than by a join with every row it may name: NOT EXISTS,
    which PostgreSQL turns into an anti-join and estimates well. For a subquery run once
    per record (`correlated`: a facet's count per country), the hidden rows are read first
    and listed in it, so that nothing is added to it while nothing is hidden (each
    condition there is compiled and evaluated once per record and country). An empty
    optional relation (a statement without an event) hides nothing. `known` names relations
    of the row already known to be public (the record a subquery is correlated with, a value
    the query compares with), left out of the condition.
    """
    target = _related_model(model, path) if path else model
    prefix = f"{path}__" if path else ""
    condition = Q()
    if issubclass(target, Publishable):
        condition &= Q(**{f"{prefix}state": PublicationState.PUBLISHED})
    for relation in _requires(target):
        hidden = _hidden(target._meta.get_field(relation).related_model)
        if relation in known or hidden is None:
            continue
        if correlated and not path:
            listed = list(hidden.order_by().values_list("pk", flat=True))
            if listed:
                condition &= ~Q(**{f"{relation}__in": listed})
        else:
            condition &= Q(~Exists(hidden.filter(pk=OuterRef(f"{prefix}{relation}"))))
    return condition


def lookup_relations(model, lookup):
    """The relations a lookup path follows ("parties__organization__region__in": parties,
    organization, region), and whether it ends on one (rather than on a column)."""
    fields = []
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return fields, True  # a lookup such as "in" after the last relation
        if not field.is_relation:
            return fields, False
        fields.append(field)
        model = field.related_model
    return fields, True


def public_along(model, lookup):
    """A Q: each row the lookup passes through on the way to the row it compares is public.

    For filters and counts through related rows: the records are public (they are in the
    list), the rows compared are the values of a filter or a facet, public by their own
    queryset; the rows on the way are the records' related rows (an agreement's parties and
    their organizations, on the way to the organizations' regions). Each is known to be
    reached from a public row, and where the next step is the value, to lead to a public one.
    """
    fields, on_relation = lookup_relations(model, lookup)
    passed = fields[:-1] if on_relation else fields
    condition = Q()
    for n, field in enumerate(passed):
        source = fields[n - 1].related_model if n else model
        if field.many_to_one and field.name in getattr(source, "public_requires", ()):
            continue  # asked already of the row it comes from
        known = {field.field.name} if field.one_to_many else set()
        if n + 1 == len(passed) and on_relation:
            known.add(fields[n + 1].name)
        path = "__".join(f.name for f in fields[: n + 1])
        condition &= public_condition(model, path, known=known)
    return condition


def _hidden(model):
    """The rows of `model` the public may not see; None where there can be none."""
    condition = Q()
    if issubclass(model, Publishable):
        hidden_states = [s for s in PublicationState.values if s != PublicationState.PUBLISHED]
        condition |= Q(state__in=hidden_states)
    for relation in _requires(model):
        hidden = _hidden(model._meta.get_field(relation).related_model)
        if hidden is not None:
            condition |= Q(Exists(hidden.filter(pk=OuterRef(relation))))
    return model._default_manager.filter(condition) if condition else None


def _requires(model):
    if hasattr(model, "public_requires"):
        return model.public_requires
    # The table of a many-to-many relation: a link is public when both its ends are.
    if model._meta.auto_created:
        return [field.name for field in model._meta.fields if field.many_to_one]
    return ()


def is_public(obj):
    """`public_condition` for one record in memory: its required relations must be loaded."""
    if obj is None or getattr(obj, "state", PublicationState.PUBLISHED) != "published":
        return False
    for relation in getattr(obj, "public_requires", ()):
        related = getattr(obj, relation)
        if related is not None and not is_public(related):
            return False
    return True


def is_visible_to(obj, user):
    """Whether `user` may see `obj` where a page names it."""
    return obj is not None and (sees_drafts(user) or is_public(obj))


class PublicQuerySet(models.QuerySet):
    """The verbs for what the public may see; every model of the public site has them."""

    def public(self, known=()):
        """Rows the public may see (`public_condition`)."""
        return self.filter(public_condition(self.model, known=known))

    def visible_to(self, user):
        """Rows `user` may see: public rows, and drafts too for those who preview them."""
        return self.all() if sees_drafts(user) else self.public()


class PublicModel(models.Model):
    """A model whose rows the public site shows: `public_requires` names the relations
    (foreign keys of this model) each row needs public to make sense."""

    public_requires = ()

    objects = PublicQuerySet.as_manager()

    class Meta:
        abstract = True


class PublishableQuerySet(PublicQuerySet):
    def published(self):
        """Published rows, whatever they name; public() also asks that of what they need."""
        return self.filter(state=PublicationState.PUBLISHED)

    def first_published_between(self, since, until):
        """Rows first published after `since` and by `until`, as their history tells: what
        is new to the public then, not what was published before and only edited since."""
        published = self.model.history.model.objects.filter(
            id=OuterRef("pk"), state=PublicationState.PUBLISHED
        )
        return self.filter(
            Exists(published.filter(history_date__gt=since, history_date__lte=until)),
            ~Exists(published.filter(history_date__lte=since)),
        )


class Publishable(PublicModel):
    state = models.CharField(
        _("publication state"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()
    # Every change, by whom and when, can be compared and reverted in the admin; a deleted
    # record stays in its history and can be restored. Many-to-many fields a model lists in
    # `_history_m2m_fields` are kept with each version.
    history = _History(inherit=True, excluded_fields=_History.DERIVED)

    class Meta:
        abstract = True
        # "publish_<model>" lets publishers (cooperation.roles) put a record on the public site.
        default_permissions = ("add", "change", "delete", "view", "publish")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PublicationState.values),
                name="%(app_label)s_%(class)s_state_valid",
            ),
        ]

    @property
    def is_published(self):
        return self.state == PublicationState.PUBLISHED


class Slugged(models.Model):
    """A transliterated, unique slug made once from `slug_text()` and kept when names change."""

    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text=_("Part of the address. Made from the name when left empty; keep it stable."),
    )

    class Meta:
        abstract = True

    def slug_text(self):
        return str(self)

    def save(self, *args, **kwargs):
        if not self.slug:
            text = slugify(self.slug_text(), max_length=100, replacements=TRANSLITERATION)
            self.slug = self._unique_slug(text or "record")
        super().save(*args, **kwargs)

    def _unique_slug(self, base):
        others = type(self)._default_manager.exclude(pk=self.pk)
        candidate, n = base, 1
        while others.filter(slug=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class Searchable(models.Model):
    """A record found by the site's search: its search columns follow its fields on save.

    The model names what is searched in `search_fields`, its names (compared for
    misspellings) in `name_fields`, and related text in `search_related`
    (cooperation/search.py). On PostgreSQL both columns have GIN indexes (migration 0008).
    """

    search_document = SearchVectorField(null=True, editable=False)
    search_names = models.TextField(blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        search.index(type(self)._default_manager.filter(pk=self.pk))


def partial_date_property(date_field, precision_field):
    def getter(self):
        value = getattr(self, date_field)
        return PartialDate(value, getattr(self, precision_field)) if value else None

    return property(getter)


def _precision_field(verbose):
    return models.CharField(
        verbose,
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_(
            "How much of the date the source gives. For a month or a year, enter any day "
            "in it: only the month or the year is kept and shown."
        ),
    )


def _truncate_partial_dates(obj, pairs):
    for date_field, precision_field in pairs:
        value, precision = getattr(obj, date_field), getattr(obj, precision_field)
        setattr(obj, date_field, truncate(value, precision, end=date_field.startswith("end")))


def _end_after_start(model_name, start="start_date", end="end_date"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"cooperation_{model_name}_end_after_start",
    )


def _precision_valid(model_name, field):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": Precision.values}),
        name=f"cooperation_{model_name}_{field}_valid",
    )
