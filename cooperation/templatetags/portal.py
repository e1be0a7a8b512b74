"""Small template helpers of the public site."""

from django import template
from django.conf import settings
from django.urls import translate_url

from cooperation.models import is_public, is_visible_to
from cooperation.models import localized as _localized

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ event|localized:"summary" }}`: the English form on the English site, if any."""
    return _localized(obj, field)


@register.simple_tag(takes_context=True)
def language_urls(context):
    """[(code, name, url)]: this very page (with its query) in every language."""
    request = context["request"]
    path = request.get_full_path()
    # Absolute, as search engines ask of hreflang alternates.
    return [
        (code, name, request.build_absolute_uri(translate_url(path, code)))
        for code, name in settings.LANGUAGES
    ]


@register.filter
def without_person(participations, person):
    """The participations of an event other than `person`'s own."""
    return [
        participation for participation in participations if participation.person_id != person.pk
    ]


@register.filter
def public(obj):
    """The related record if the public may see it, else None: `{{ event.region|public }}`."""
    return obj if is_public(obj) else None


@register.filter
def visible_to(obj, user):
    """The related record if `user` may see it (staff preview drafts), else None:
    `{% with parent=organization.parent|visible_to:user %}`."""
    return obj if is_visible_to(obj, user) else None


@register.filter
def web_link(url):
    """The address if it is a web page (http or https), else "": a stored `javascript:` or
    `data:` address must never become a link."""
    return url if url.split(":", 1)[0].lower() in ("http", "https") and ":" in url else ""


@register.filter
def shared_citations(statements):
    """The citations every one of `statements` has, when they all cite the very same
    sources (and [] otherwise): shown once under the group rather than under each."""
    statements = list(statements)
    sources = [sorted(c.source_id for c in s.citations.all()) for s in statements]
    if not statements or not sources[0] or any(other != sources[0] for other in sources):
        return []
    return list(statements[0].citations.all())
