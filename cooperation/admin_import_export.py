"""Bulk import and export of records in the admin, as CSV or XLSX spreadsheets.

An editor uploads a file and first sees a dry run: what would be created, changed or left
as it is, and what is wrong with each row; nothing is saved until they confirm. The
confirmed import runs in one transaction, and a row that fails then (the data may have
changed since the dry run) rolls all of it back.
"""

from django.contrib import messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from .resources import column_labels


class ExportForm(SelectableFieldsExportForm):
    """Columns offered by what they hold, in the admin's words, and by their header."""

    def _get_field_label(self, resource, field_name):
        return column_labels(resource)[field_name]


class SpreadsheetImportExportMixin(ImportExportMixin):
    import_template_name = "admin/cooperation/import.html"
    export_form_class = ExportForm
    # Editors read what is wrong, not a traceback.
    import_error_display = ("message",)

    def get_import_context_data(self, **kwargs):
        resource = self.get_import_resource_classes(None)[0]
        return {**super().get_import_context_data(**kwargs), "columns": column_labels(resource)}

    def has_import_permission(self, request):
        # An import both adds and changes records.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: a row that does not validate undoes the rows before it too.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("Imported: %(new)d added, %(update)d changed, %(skip)d unchanged.")
            % {key: totals[key] for key in ("new", "update", "skip")},
        )

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        messages.error(
            request, _("Nothing was imported: the file has errors. Correct them and try again.")
        )
        form_class = self.get_import_form_class(request)
        form = form_class(self.get_import_formats(), self.get_import_resource_classes(request))
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "import_error_display": self.import_error_display,
        }
        return TemplateResponse(request, [self.import_template_name], context)
