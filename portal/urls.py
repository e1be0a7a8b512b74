from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from cooperation.sitemaps import sitemaps
from portal.views import favicon, health, ready

# Russian at the root, English under /en/.
urlpatterns = [
    path("health/", health, name="health"),
    path("health/ready/", ready, name="ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
    # One sitemap for both languages (its entries carry hreflang alternates) and one
    # robots.txt, so both live at the root only.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    # The API answers the same in every language (names come in both), so it lives at the
    # root only.
    path("api/", include("cooperation.api.urls")),
    path("openapi.json", RedirectView.as_view(url="/api/schema/?format=json"), name="openapi"),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("", include("cooperation.urls")),
        prefix_default_language=False,
    ),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
