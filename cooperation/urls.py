from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<slug:slug>/", views.region_detail, name="region-detail"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("delegations/<slug:slug>/", views.delegation_detail, name="delegation-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("industries/<slug:slug>/", views.industry_detail, name="industry-detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
]
