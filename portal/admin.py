"""The editors' admin site: its titles, and the pages that belong to no one model."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from cooperation.history import deleted_records


class AdminSite(admin.AdminSite):
    site_header = _("Interregional cooperation")
    site_title = _("Interregional cooperation")
    index_title = _("Editorial office")

    def get_urls(self):
        return [
            path("deleted/", self.admin_view(self.deleted_records_view), name="deleted_records"),
            *super().get_urls(),
        ]

    def deleted_records_view(self, request):
        """The latest deletions of every kind of record, each with a way to bring it back."""
        context = {
            **self.each_context(request),
            "title": _("Deleted records"),
            "rows": deleted_records(request, self),
        }
        return TemplateResponse(request, "admin/deleted_records.html", context)
