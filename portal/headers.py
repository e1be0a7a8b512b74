"""Response headers that no installed middleware sets."""


def cross_origin_resource_policy(get_response):
    """Other sites may not embed the portal's pages and files in theirs (Spectre-class leaks);
    data is offered to them through the exports and feeds, which they fetch, not embed."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware
