"""How the API limits clients and answers errors (named in settings.REST_FRAMEWORK; kept
apart from the views, which DRF's settings would otherwise import while loading them)."""

from django.utils.translation import gettext_lazy
from rest_framework import exceptions, throttling

from portal.limits import client_ip


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    """Requests per client, as the rest of the site counts clients (behind the proxies)."""

    def get_ident(self, request):
        return client_ip(request)


def handle_exception(exc, context):
    """Errors as JSON with a message: {"detail": ..., "errors": {parameter: [...]}}."""
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(gettext_lazy("A query parameter has a value that is not understood.")),
            "errors": response.data,
        }
    return response
