from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static


def health(request):
    """For load balancers and uptime checks: the application answers; nothing else is asked.

    Also the baseline of the benchmark (`make bench`): the cost of a request through the
    whole middleware stack with no page behind it.
    """
    return HttpResponse("ok\n", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says."""
    return redirect(static("cooperation/favicon.svg"), permanent=True)


def server_error(request):
    """The portal's own page for an unexpected error, in the visitor's language.

    Rendered from the request alone: the error may be that the database is unreachable.
    """
    return render(request, "500.html", status=500)
