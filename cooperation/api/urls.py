"""/api/v1/ (the records), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served from
the portal's own static files)."""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers

from . import views

app_name = "api"

router = routers.DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("people", views.PersonViewSet, basename="person")
router.register("delegations", views.DelegationViewSet, basename="delegation")
router.register("events", views.EventViewSet, basename="event")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("sources", views.SourceViewSet, basename="source")
router.register("industries", views.IndustryViewSet, basename="industry")
router.register("topics", views.TopicViewSet, basename="topic")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", RedirectView.as_view(pattern_name="api:api-root"), name="home"),
]
