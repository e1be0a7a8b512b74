"""The editors' admin site: its titles, and the pages that belong to no one model."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation.admin_review import (
    changes_since_published,
    may_publish,
    publication_plan,
    publish_with_citing,
    review_counts,
    review_queue,
    uncited_message,
)
from cooperation.history import deleted_records
from cooperation.models import Agreement, Commitment, ErrorReport, Event, Source

# The editors' to-do list on the admin index: what the public site may be getting wrong.
AGREEMENT_ENDING_DAYS = 90
COMMITMENT_DUE_DAYS = 30
TODO_SHOWN = 20


def todo():
    """[(heading, changelist model name, [records])]: planned events whose date has passed,
    agreements whose validity ends soon, commitments due soon or overdue."""
    lists = [
        (
            _("Date passed, outcome not recorded"),
            "event",
            Event.objects.outcome_not_recorded().order_by("start_date"),
        ),
        (
            _("Agreements whose validity ends within 90 days"),
            "agreement",
            Agreement.objects.ending_within(AGREEMENT_ENDING_DAYS).order_by("valid_until"),
        ),
        (
            _("Commitments overdue"),
            "commitment",
            Commitment.objects.overdue().select_related("agreement").order_by("due_date"),
        ),
        (
            _("Commitments due within 30 days"),
            "commitment",
            Commitment.objects.due_within(COMMITMENT_DUE_DAYS)
            .select_related("agreement")
            .order_by("due_date"),
        ),
    ]
    return [
        (heading, [(obj, _change_url(obj)) for obj in records[:TODO_SHOWN]])
        for heading, _name, records in lists
    ]


def _change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _row(record):
    opts = record._meta
    return {
        "record": record,
        "kind": opts.verbose_name,
        "state": record.get_state_display(),
        "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
    }


class AdminSite(admin.AdminSite):
    site_header = _("Interregional cooperation")
    site_title = _("Interregional cooperation")
    index_title = _("Editorial office")

    def get_urls(self):
        return [
            path("deleted/", self.admin_view(self.deleted_records_view), name="deleted_records"),
            path("review/", self.admin_view(self.review_queue_view), name="review_queue"),
            path(
                "review/source/<int:source_id>/",
                self.admin_view(self.review_source_view),
                name="review_source",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        counts = review_counts(self)
        reports = None
        if request.user.has_perm("cooperation.view_errorreport"):
            reports = ErrorReport.objects.filter(state=ErrorReport.State.NEW).count()
        extra_context = {
            "new_error_reports": reports,
            "review_counts": [(m._meta.verbose_name_plural, n) for m, n in counts],
            "review_total": sum(n for _m, n in counts),
            "todo": todo(),
            **(extra_context or {}),
        }
        return super().index(request, extra_context)

    def deleted_records_view(self, request):
        """The latest deletions of every kind of record, each with a way to bring it back."""
        context = {
            **self.each_context(request),
            "title": _("Deleted records"),
            "rows": deleted_records(request, self),
        }
        return TemplateResponse(request, "admin/deleted_records.html", context)

    def review_queue_view(self, request):
        """Everything in review, grouped by the source it cites."""
        context = {
            **self.each_context(request),
            "title": _("Review queue"),
            "groups": [
                (source, [_row(record) for record in records])
                for source, records in review_queue(self)
            ],
            "may_publish": may_publish(request, Source),
        }
        return TemplateResponse(request, "admin/review_queue.html", context)

    def review_source_view(self, request, source_id):
        """A source and everything citing it in review: what publishing them all changes on
        the site, record by record, and one button to do it."""
        if not may_publish(request, Source):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=source_id)
        if request.method == "POST":
            with transaction.atomic():
                published, uncited = publish_with_citing(request, source)
            if uncited:
                messages.warning(request, uncited_message(uncited))
            messages.success(
                request,
                ngettext(
                    "%(count)d record published.", "%(count)d records published.", len(published)
                )
                % {"count": len(published)},
            )
            return redirect("admin:review_queue")
        rows = [
            {**_row(record), "changes": changes_since_published(record)}
            for record in publication_plan(source)
        ]
        context = {
            **self.each_context(request),
            "title": _("Publish “%(source)s” and everything citing it") % {"source": source},
            "source": source,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/review_source.html", context)
