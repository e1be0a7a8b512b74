import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

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


def server_error(request):
    """The portal's own page for an unexpected error, in the visitor's language; 503 with
    Retry-After when the database cannot be reached.

    Rendered from the request alone: the error may be that the database is unreachable.
    Django calls it while handling the exception, which sys.exc_info() names.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "500.html", status=500)
