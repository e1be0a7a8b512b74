"""Review before publishing, in the admin: draft → in review → published.

Editors change drafts and submit them for review; publishers (`publish_<model>`) publish,
return to draft, and are the only ones to change or delete a record in review or published,
or its parts (docs/decisions/0003-review-workflow.md). Every change of state is saved into
the record's history with who did it and why.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
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


# --- actions ----------------------------------------------------------------------------------


def _set_state(modeladmin, request, records, state, reason):
    now = timezone.now()
    for record in records:
        record.state, record.updated_at = state, now
    bulk_update_with_history(
        records,
        modeladmin.model,
        ["state", "updated_at"],
        default_user=request.user,
        default_change_reason=str(reason),
    )
    # A bulk update sends no signals: the public pages are told here.
    page_cache.content_changed()
    return len(records)


@admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    count = _set_state(
        modeladmin, request, list(queryset.filter(state=DRAFT)), REVIEW, _("Submitted for review")
    )
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d record submitted for review.",
            "%(count)d records submitted for review.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Publish selected records"), permissions=["publish"])
def publish(modeladmin, request, queryset):
    to_publish = queryset.exclude(state=PUBLISHED)
    if issubclass(queryset.model, Record):
        # The public must be able to see the source a fact is taken from.
        cited = to_publish.filter(citations__source__state=PUBLISHED)
        uncited = to_publish.exclude(pk__in=cited.values("pk"))
        skipped = uncited.count()
        if skipped:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d record cites no published source and is not published.",
                    "%(count)d records cite no published source and are not published.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        to_publish = to_publish.exclude(pk__in=uncited.values("pk"))
    count = _set_state(modeladmin, request, list(to_publish), PUBLISHED, _("Published"))
    modeladmin.message_user(
        request,
        ngettext("%(count)d record published.", "%(count)d records published.", count)
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(
    description=_("Return selected records to draft (unpublish)"), permissions=["publish"]
)
def return_to_draft(modeladmin, request, queryset):
    count = _set_state(
        modeladmin,
        request,
        list(queryset.exclude(state=DRAFT)),
        DRAFT,
        _("Returned to draft"),
    )
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d record returned to draft.", "%(count)d records returned to draft.", count
        )
        % {"count": count},
        messages.SUCCESS,
    )


# --- model admins -------------------------------------------------------------------------


class ChoiceLabels(HistoricalRecordContextHelper):
    """Differences between versions name choices as the form does ("in review", not "review")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
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
