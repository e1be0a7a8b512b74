from importlib import import_module

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from . import page_cache, search


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
        import_module(f"{self.name}.api.views")
        import_module(f"{self.name}.statistics_views")
        # Results shown from a previous version are computed again once the page is sent.
        request_finished.connect(page_cache.recount)
        # SQLite's search compares a word with each word of the names in Python.
        connection_created.connect(_register_search_functions)


def _register_search_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "trigram_share", 2, search.trigram_share, deterministic=True
        )
