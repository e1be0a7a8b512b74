from django.urls import path, register_converter
from django.views.generic import TemplateView

from . import alerts, corrections, coverage, feeds, statistics_views, views

register_converter(statistics_views.CountryCode, "country")

app_name = "cooperation"

urlpatterns = [
    path("", views.home, name="home"),
    # Before the detail pages, whose <slug> would otherwise take "feed" and "calendar.ics".
    path("events/feed/", feeds.EventFeed(), name="event-feed"),
    path("events/calendar.ics", feeds.event_calendar, name="event-calendar"),
    path("agreements/feed/", feeds.AgreementFeed(), name="agreement-feed"),
    path("commitments/feed/", feeds.ProgressFeed(), name="commitment-feed"),
    path("search/", views.search, name="search"),
    path("map/", statistics_views.cooperation_map, name="map"),
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("open-data/", views.open_data_page, name="open-data"),
    path("open-data/<str:filename>", views.open_data_download, name="open-data-download"),
    path("regions/", views.object_list, {"key": "region"}, name="region-list"),
    path("regions/<slug:slug>/", views.region_detail, name="region-detail"),
    path(
        "regions/<slug:slug>/<country:code>/",
        statistics_views.region_country,
        name="region-country",
    ),
    path("regions/<slug:slug>/<slug:partner>/", views.region_pair, name="region-pair"),
    path("organizations/", views.object_list, {"key": "organization"}, name="organization-list"),
    path("people/", views.object_list, {"key": "person"}, name="person-list"),
    path("delegations/", views.object_list, {"key": "delegation"}, name="delegation-list"),
    path("events/", views.object_list, {"key": "event"}, name="event-list"),
    path("agreements/", views.object_list, {"key": "agreement"}, name="agreement-list"),
    path("commitments/", views.object_list, {"key": "commitment"}, name="commitment-list"),
    path("industries/", views.industry_list, name="industry-list"),
    path("sources/", views.object_list, {"key": "source"}, name="source-list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("delegations/<slug:slug>/", views.delegation_detail, name="delegation-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("industries/<slug:slug>/", views.industry_detail, name="industry-detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    # What the portal is, how complete and how accessible, and how to reach its editors.
    path("about/", TemplateView.as_view(template_name="cooperation/about.html"), name="about"),
    path("coverage/", coverage.coverage, name="coverage"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="cooperation/accessibility.html"),
        name="accessibility",
    ),
    path("contact/", views.contact, name="contact"),
    path("report/", corrections.report, name="report-error"),
    path("alerts/confirm/<str:token>/", alerts.confirm, name="alert-confirm"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe, name="alert-unsubscribe"),
    path("alerts/<slug:key>/", alerts.subscribe, name="alert-subscribe"),
]
