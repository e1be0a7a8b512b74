from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cooperation"
    verbose_name = _("Interregional cooperation")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .page_cache import content_changed

        # Any write to the portal's records (links between them included) makes the pages
        # kept for visitors out of date.
        for model in self.get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(content_changed, sender=model, weak=False)
