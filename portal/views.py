import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy
from django.views import defaults

# What the database raises when it cannot be reached (down, restarting, no free
# connection in the pool): the visitor is asked to come back soon, not told of an error.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def health(request):
    """Liveness, for load balancers and uptime checks: the application answers; nothing
    else is asked, so that a database outage does not get the servers restarted.

    Also the baseline of the benchmark (`make bench`): the cost of a request through the
    whole middleware stack with no page behind it.
    """
    return HttpResponse("ok\n", content_type="text/plain")


def ready(request):
    """Readiness: 200 when the database answers, else 503, so that a load balancer sends
    traffic elsewhere until it is back."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ready\n", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says."""
    return redirect(static("cooperation/favicon.svg"), permanent=True)


def _api(request):
    return request.path.startswith("/api/")


def not_found(request, exception):
    """The portal's 404 page; under /api/, JSON with a message, as the API's other errors."""
    if _api(request):
        detail = gettext_lazy(
            "There is nothing at this address. The API's records are under /api/v1/."
        )
        return JsonResponse(
            {"detail": str(detail)}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    """The portal's own page for an unexpected error, in the visitor's language; 503 with
    Retry-After when the database cannot be reached.

    Rendered from the request alone: the error may be that the database is unreachable.
    Django calls it while handling the exception, which sys.exc_info() names.
    """
    unreachable = isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE)
    if _api(request):
        detail = (
            gettext_lazy("The database is unreachable; try again in a minute.")
            if unreachable
            else gettext_lazy("The server failed to answer; the error has been logged.")
        )
        response = JsonResponse(
            {"detail": str(detail)},
            status=503 if unreachable else 500,
            json_dumps_params={"ensure_ascii": False},
        )
        if unreachable:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if unreachable:
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "500.html", status=500)
