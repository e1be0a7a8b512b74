from importlib import import_module

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from . import page_cache


class CooperationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cooperation"
    verbose_name = _("Interregional cooperation")

    def ready(self):
        # A write to the portal's records (links between them included) makes what is kept
        # for visitors out of date; its history rows are not content of their own.
        from .models import Submission

        for model in self.get_models(include_auto_created=True):
            # What visitors send (alerts, error reports) is not content either.
            if not issubclass(model, (HistoricalChanges, Submission)):
                for signal in (post_save, post_delete, m2m_changed):
                    signal.connect(page_cache.record_written, sender=model)
        # The modules that read query parameters name them to the page cache on import:
        # before any page is kept under its query, not at the first request that uses them.
        import_module(f"{self.name}.listings")
        import_module(f"{self.name}.sitemaps")
        # Results shown from a previous version are computed again once the page is sent.
        request_finished.connect(page_cache.recount)
