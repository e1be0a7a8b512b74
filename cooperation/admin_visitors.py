"""What visitors send, in the editors' admin: the queue of error reports, and the e-mail
alerts (for superusers only: no editor needs subscribers' addresses, cooperation/roles.py)."""

from django.contrib import admin, messages
from django.db.models import Case, When
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ErrorReport, Subscription

State = ErrorReport.State


def _move_to(state, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = queryset.exclude(state=state).update(state=state)
        modeladmin.message_user(
            request,
            ngettext("%(count)d report moved.", "%(count)d reports moved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{state}"
    return action


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """The corrections queue: new reports first, each with the page and the record it is
    about; an editor checks it, corrects the record (through the review workflow) and
    closes the report as corrected or as no error."""

    list_display = ["created_at", "state", "__str__", "record_link", "page_link", "email"]
    list_display_links = ["created_at", "__str__"]
    list_filter = ["state", "content_type"]
    search_fields = ["message", "page", "email", "editor_notes"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"
    fields = ["page_link", "record_link", "message", "email", "created_at", "state", "editor_notes"]
    readonly_fields = ["page_link", "record_link", "message", "email", "created_at"]
    actions = [
        _move_to(State.CHECKING, _("Mark as being checked")),
        _move_to(State.CORRECTED, _("Mark as corrected")),
        _move_to(State.REJECTED, _("Mark as no error found")),
    ]

    def get_ordering(self, request):
        # The open reports first, so that the list is the editors' queue.
        return [Case(When(state__in=ErrorReport.OPEN, then=0), default=1), "-created_at"]

    def get_queryset(self, request):
        # The records reported on, fetched together for each kind (a generic key).
        return super().get_queryset(request).prefetch_related("record")

    def has_add_permission(self, request):
        return False  # reports come from the public pages

    @admin.display(description=_("page"), ordering="page")
    def page_link(self, report):
        return format_html('<a href="{}">{}</a>', report.page, report.page)

    @admin.display(description=_("record"))
    def record_link(self, report):
        record = report.record
        if record is None:
            return "—"
        opts = record._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        except NoReverseMatch:
            url = record.get_absolute_url()
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">({})</span>', url, record, opts.verbose_name
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "listing", "query", "language", "confirmed_at", "last_sent_at"]
    list_filter = ["listing", "language", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "query"]
    readonly_fields = ["email", "listing", "query", "language", "created_at", "confirmed_at"]
    fields = [*readonly_fields, "last_sent_at"]

    def has_add_permission(self, request):
        return False  # only the address's owner subscribes, from a list's page
