from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Interregional cooperation")
admin.site.site_title = _("Interregional cooperation")
admin.site.index_title = _("Editorial office")

# Russian at the root, English under /en/.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("", include("cooperation.urls")),
        prefix_default_language=False,
    ),
]
