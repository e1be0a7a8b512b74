from django.http import HttpResponse


def health(request):
    """For load balancers and uptime checks: the application answers; nothing else is asked.

    Also the baseline of the benchmark (`make bench`): the cost of a request through the
    whole middleware stack with no page behind it.
    """
    return HttpResponse("ok\n", content_type="text/plain")
