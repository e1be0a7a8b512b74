"""Review before publishing, in the admin: draft → in review → published.

Editors change drafts and submit them for review; publishers (`publish_<model>`) publish,
return to draft, and are the only ones to change or delete a record in review or published,
or its parts (docs/decisions/0003-review-workflow.md). Every change of state is saved into
the record's history with who did it and why.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import bulk_update_with_history, get_m2m_reverse_field_name

from . import page_cache
from .admin_grammar import RussianNamesMixin
from .history import restore_parts
from .models import PublicationState, Publishable, Record

DRAFT, REVIEW, PUBLISHED = (
    PublicationState.DRAFT,
    PublicationState.REVIEW,
    PublicationState.PUBLISHED,
)


def may_publish(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('publish', opts)}")


def is_locked(request, obj):
    """Whether `obj` is beyond what this user may change: a non-draft, for a non-publisher."""
    if not isinstance(obj, Publishable) or may_publish(request, type(obj)):
        return False
    states = {obj.state}
    if hasattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME):
        # An old version being reverted to: the record as it stands counts too, so that
        # reverting to a draft version cannot take a published record off the site.
        states.update(type(obj)._default_manager.filter(pk=obj.pk).values_list("state", flat=True))
    return states != {DRAFT}


# --- changing state ---------------------------------------------------------------------------

# Which states a record may leave for each state, and what its history says of the move.
MOVES_FROM = {REVIEW: (DRAFT,), PUBLISHED: (DRAFT, REVIEW), DRAFT: (REVIEW, PUBLISHED)}
REASONS = {
    REVIEW: _("Submitted for review"),
    PUBLISHED: _("Published"),
    DRAFT: _("Returned to draft"),
}


def change_state(request, model, records, state):
    """Move `records` of `model` to `state`: the one rule behind the list actions, the change
    form's buttons and the review queue.

    Anyone who may change a draft submits it for review; only publishers publish or return
    to draft. A fact-bearing record is published only while it cites a published source, so
    that the public can see where a fact is taken from. Returns the records moved and the
    records left unpublished for want of such a source.
    """
    if state != REVIEW and not may_publish(request, model):
        raise PermissionDenied
    records = [record for record in records if record.state in MOVES_FROM[state]]
    uncited = []
    if state == PUBLISHED and issubclass(model, Record):
        cited = set(
            model._default_manager.filter(
                pk__in=[r.pk for r in records], citations__source__state=PUBLISHED
            ).values_list("pk", flat=True)
        )
        uncited = [r for r in records if r.pk not in cited]
        records = [r for r in records if r.pk in cited]
    if records:
        now = timezone.now()
        for record in records:
            record.state, record.updated_at = state, now
        bulk_update_with_history(
            records,
            model,
            ["state", "updated_at"],
            default_user=request.user,
            default_change_reason=str(REASONS[state]),
        )
        # A bulk update sends no signals: the public pages are told here.
        page_cache.content_changed()
    return records, uncited


def uncited_message(uncited):
    """What to tell a publisher of the records `change_state` left unpublished."""
    return ngettext(
        "%(count)d record cites no published source and is not published.",
        "%(count)d records cite no published source and are not published.",
        len(uncited),
    ) % {"count": len(uncited)}


def report_state_change(modeladmin, request, state, moved, uncited):
    """Tell the user what `change_state` did."""
    count = len(moved)
    if uncited:
        modeladmin.message_user(request, uncited_message(uncited), messages.WARNING)
    if state == REVIEW:
        text = ngettext(
            "%(count)d record submitted for review.",
            "%(count)d records submitted for review.",
            count,
        )
    elif state == PUBLISHED:
        text = ngettext("%(count)d record published.", "%(count)d records published.", count)
    else:
        text = ngettext(
            "%(count)d record returned to draft.", "%(count)d records returned to draft.", count
        )
    modeladmin.message_user(request, text % {"count": count}, messages.SUCCESS)


def _act(modeladmin, request, queryset, state):
    records = queryset.filter(state__in=MOVES_FROM[state])
    moved, uncited = change_state(request, queryset.model, records, state)
    report_state_change(modeladmin, request, state, moved, uncited)


def locked_notice(obj):
    """Why an editor sees `obj` read-only, who may change it and how to ask."""
    opts = type(obj)._meta
    codename = get_permission_codename("publish", opts)
    publishers = User.objects.with_perm(
        f"{opts.app_label}.{codename}",
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",  # where group permissions live
    )
    names = [u.get_full_name() or u.get_username() for u in publishers.order_by("username")[:5]]
    return {
        "state": obj.get_state_display(),
        "publishers": ", ".join(names),
    }


# --- actions ----------------------------------------------------------------------------------


@admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    _act(modeladmin, request, queryset, REVIEW)


@admin.action(description=_("Publish selected records"), permissions=["publish"])
def publish(modeladmin, request, queryset):
    _act(modeladmin, request, queryset, PUBLISHED)


@admin.action(
    description=_("Return selected records to draft (unpublish)"), permissions=["publish"]
)
def return_to_draft(modeladmin, request, queryset):
    _act(modeladmin, request, queryset, DRAFT)


# --- model admins -------------------------------------------------------------------------


class ChoiceLabels(HistoricalRecordContextHelper):
    """Differences between versions name choices as the form does ("in review", not "review")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(RussianNamesMixin, SimpleHistoryAdmin):
    """History, comparison and revert for every record; restoring brings back its parts."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ChoiceLabels(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history hides the Revert button from those who may not revert, but would
        # still save what they post.
        if request.method == "POST":
            history = self.model.history.model
            version = get_object_or_404(history, id=unquote(object_id), history_id=version_id)
            if self.revert_disabled(request, version.instance):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        restoring = change and not type(obj)._default_manager.filter(pk=obj.pk).exists()
        super().save_model(request, obj, form, change)
        if restoring:
            restore_parts(obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        version = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if version is None or not version._history_m2m_fields:
            return form
        # The form of an old version would show today's many-to-many links; show that
        # version's, so that reverting restores them too.
        initial = {
            field.name: list(
                getattr(version, field.name).values_list(
                    get_m2m_reverse_field_name(field), flat=True
                )
            )
            for field in version._history_m2m_fields
        }

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial.update(initial)

        return VersionForm


class ReviewAdmin(HistoryAdmin):
    """A publishable record: its state moves by the actions and, within limits, the form."""

    actions = [submit_for_review, publish, return_to_draft]

    def has_publish_permission(self, request):
        return may_publish(request, self.model)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_locked(request, obj)

    # The change form's buttons that save and move the record on in one submission.
    STATE_BUTTONS = {"_submit_for_review": REVIEW, "_publish": PUBLISHED}

    def state_buttons(self, request, obj):
        """The buttons this user is offered on the form of `obj` (None: a new record)."""
        state = obj.state if obj is not None else DRAFT
        if self.has_publish_permission(request):
            return [("_publish", _("Save and publish"))] if state != PUBLISHED else []
        return [("_submit_for_review", _("Save and submit for review"))] if state == DRAFT else []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["state_buttons"] = self.state_buttons(request, obj)
        if obj is not None and is_locked(request, obj):
            context["locked_notice"] = locked_notice(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _move_as_asked(self, request, obj):
        for name, state in self.STATE_BUTTONS.items():
            if name in request.POST:
                obj.refresh_from_db(fields=["state"])
                moved, uncited = change_state(request, self.model, [obj], state)
                report_state_change(self, request, state, moved, uncited)

    def response_add(self, request, obj, post_url_continue=None):
        self._move_as_asked(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._move_as_asked(request, obj)
        return super().response_change(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "state" and not self.has_publish_permission(request):
            kwargs["choices"] = [c for c in PublicationState.choices if c[0] != PUBLISHED]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if (
            isinstance(obj, Record)
            and obj.state == PUBLISHED
            and not obj.citations.filter(source__state=PUBLISHED).exists()
        ):
            # The same rule as the publish action, for a publisher choosing the state.
            obj.state = REVIEW
            obj.save(update_fields=["state"])
            self.message_user(
                request,
                _("“%(record)s” cites no published source and stays in review.") % {"record": obj},
                messages.WARNING,
            )


class PartAdmin(HistoryAdmin):
    """A part of a whole (a participant of an event): changed as freely as its whole."""

    owner_field = None  # the field that points at the whole

    def owner(self, obj):
        return getattr(obj, self.owner_field)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and is_locked(request, self.owner(obj))
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and is_locked(request, self.owner(obj))
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and is_locked(request, self.owner(obj)):
            context["locked_notice"] = locked_notice(self.owner(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        owner_field = self.owner_field

        class PartForm(form):
            def clean(self):
                cleaned_data = super().clean()
                if owner_field in self.fields and is_locked(request, cleaned_data.get(owner_field)):
                    raise ValidationError(
                        _("Only a publisher may change a record in review or published.")
                    )
                return cleaned_data

        return PartForm


# --- inlines --------------------------------------------------------------------------------


class PartInlineMixin:
    """An inline changes only with its whole; only publishers set or change the parts' state."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not is_locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_locked(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if issubclass(self.model, Publishable) and not may_publish(request, self.model):
            readonly.append("state")
        return readonly

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not issubclass(self.model, Publishable) or may_publish(request, self.model):
            return formset

        class PartFormSet(formset):
            def clean(self):
                super().clean()
                for form in self.forms:
                    part = form.instance
                    touched = form.has_changed() or self._should_delete_form(form)
                    if part.pk and part.state != DRAFT and touched:
                        raise ValidationError(
                            _("Only a publisher may change or delete “%(record)s” (%(state)s).")
                            % {"record": part, "state": part.get_state_display()}
                        )

        return PartFormSet


# --- the review queue ---------------------------------------------------------------------


def _reviewed_models(site):
    return [m for m, ma in site._registry.items() if isinstance(ma, ReviewAdmin)]


def review_counts(site):
    """(model, number of its records in review) for each kind that has any."""
    counts = [(m, m._default_manager.filter(state=REVIEW).count()) for m in _reviewed_models(site)]
    return [(m, n) for m, n in counts if n]


def review_queue(site):
    """Everything in review, grouped by the source it cites: [(source or None, records)].

    A source in review heads its own group; a record citing several sources is listed under
    each; records that cite none (countries, topics) come last, under None.
    """
    from .models import Citation, Source

    groups, uncited = {}, []
    for model in _reviewed_models(site):
        in_review = list(model._default_manager.filter(state=REVIEW))
        if model is Source:
            for source in in_review:
                groups.setdefault(source, [])
            continue
        if not issubclass(model, Record):
            uncited.extend(in_review)
            continue
        by_pk = {r.pk: r for r in in_review}
        content_type = ContentType.objects.get_for_model(model)
        citations = Citation.objects.filter(
            content_type=content_type, object_id__in=list(by_pk)
        ).select_related("source")
        cited = set()
        for citation in citations:
            groups.setdefault(citation.source, []).append(by_pk[citation.object_id])
            cited.add(citation.object_id)
        uncited.extend(r for pk, r in by_pk.items() if pk not in cited)
    queue = sorted(groups.items(), key=lambda item: str(item[0]))
    if uncited:
        queue.append((None, uncited))
    return queue


def _needs(record):
    """The records that must be public for `record` and its parts to show in full: what its
    model's `public_requires` names, and what its parts' (an event's participants) name."""
    for name in record.public_requires:
        yield getattr(record, name)
    for relation in record._meta.related_objects:
        part = relation.related_model
        requires = getattr(part, "public_requires", ())
        if (
            relation.one_to_many
            and not issubclass(part, Publishable)
            and (relation.field.name in requires)
        ):
            for row in getattr(record, relation.get_accessor_name()).all():
                for name in requires:
                    if name != relation.field.name:
                        yield getattr(row, name)


def publication_plan(source):
    """What "publish this source and everything citing it" publishes, in order: the source,
    the records in review citing it, and what those need to be public that is not yet."""
    from .models import Citation

    plan = [source] if source.state != PUBLISHED else []
    for citation in Citation.objects.filter(source=source).with_records():
        record = citation.content_object
        if record is not None and record.state == REVIEW and record not in plan:
            plan.append(record)
    queue = list(plan)
    while queue:
        for needed in _needs(queue.pop(0)):
            if (
                isinstance(needed, Publishable)
                and needed.state != PUBLISHED
                and (needed not in plan)
            ):
                plan.append(needed)
                queue.append(needed)
    return plan


def changes_since_published(record):
    """The changes (field, old, new) against the last published version; None if never published."""
    versions = record.history.order_by("-history_date", "-history_id")
    last = versions.filter(state=PUBLISHED).first()
    if last is None:
        return None
    delta = versions.first().diff_against(
        last, excluded_fields=["state", "updated_at"], foreign_keys_are_objs=True
    )
    helper = ChoiceLabels(type(record), last)
    return [helper.format_delta_change(change) for change in delta.changes]


def publish_with_citing(request, source):
    """Publish `source` and everything `publication_plan` names, source first, by the one rule
    of `change_state`. Returns (published, left unpublished)."""
    by_model = {}
    for record in publication_plan(source):
        by_model.setdefault(type(record), []).append(record)
    published, uncited = [], []
    for model, records in by_model.items():
        moved, skipped = change_state(request, model, records, PUBLISHED)
        published += moved
        uncited += skipped
    return published, uncited
