"""From a source to records in the admin: extract what the text mentions, review, confirm.

After a source is added, the editor sees the people, organizations and places its text
mentions, each with the existing records it may be. Confirmed choices create drafts citing
the source, or cite the source on existing records. From the source, an event can then be
entered with the source, its people and organizations and the date it gives filled in.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .admin_review import is_locked
from .dates import Precision
from .extraction import (
    CREATE,
    DATE,
    LINK,
    ORGANIZATION,
    PERSON,
    PLACE,
    Mention,
    extract_mentions,
    match_mentions,
    mentions_confirm,
    plain_text,
    rank,
)
from .forms import MentionFormSet, SourceAdminForm
from .models import (
    Citation,
    Country,
    Event,
    EventOrganization,
    Organization,
    Participation,
    Person,
    Position,
    PublicationState,
    Region,
)


def _admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _has_perm(user, action, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


class SourceExtractionMixin:
    """For SourceAdmin: the paste/upload form, the review screen, an event from the source."""

    form = SourceAdminForm

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/extract/",
                view(self.extract_view),
                name="{}_{}_extract".format(*info),
            ),
            path(
                "<path:object_id>/event/",
                view(self.event_view),
                name="{}_{}_event".format(*info),
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        plain_save = not {"_continue", "_addanother", "_popup", "_saveasnew"} & set(request.POST)
        if plain_save and obj.text.strip():
            # Facts are what a source is added for: go straight on to what it mentions.
            return HttpResponseRedirect(_admin_url(self.model, "extract", quote(obj.pk)))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_add_event": self.admin_site.is_registered(Event)
            and _has_perm(request.user, "add", Event),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _source_or_404(self, request, object_id):
        source = self.get_object(request, unquote(object_id))
        if source is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        # Taking facts from a source leaves the source as it is (even a published one that
        # only publishers may change); what is created or linked needs its own permissions.
        if not self.has_view_permission(request, source):
            raise PermissionDenied
        return source, None

    def extract_view(self, request, object_id):
        source, redirect = self._source_or_404(request, object_id)
        if redirect:
            return redirect
        mentions = extract_mentions(plain_text(source.text))
        dates = [m for m in mentions if m.type == DATE]
        # Positions are for the screen that records posts; here people, bodies and places.
        rows = [m for m in mentions if m.type in (PERSON, ORGANIZATION, PLACE)]
        candidates = match_mentions(rows)
        countries = Country.objects.all()
        formset = MentionFormSet(
            request.POST if request.method == "POST" else None,
            mentions=rows,
            candidates=candidates,
            countries=[(c.pk, str(c)) for c in countries],
            default_country=_likely_country(rows, candidates),
            default_countries=_countries_named(rows, {c.code: c.pk for c in countries}),
        )
        if request.method == "POST" and formset.is_valid():
            choices = formset.choices()
            locked = _locked_links(request, source, choices)
            if locked:
                messages.error(
                    request,
                    _(
                        "This source is already public, and only a publisher may add it to "
                        "records in review or published: %(records)s. Ignore these mentions "
                        "or ask a publisher."
                    )
                    % {"records": ", ".join(str(record) for record in locked)},
                )
            else:
                missing = _missing_permissions(request.user, choices)
                if missing:
                    raise PermissionDenied
                created, linked = mentions_confirm(source=source, choices=choices)
                messages.success(
                    request,
                    _("%(created)s and %(linked)s, all citing this source.")
                    % {
                        "created": ngettext(
                            "%(count)d draft created", "%(count)d drafts created", len(created)
                        )
                        % {"count": len(created)},
                        "linked": ngettext(
                            "%(count)d existing record linked",
                            "%(count)d existing records linked",
                            len(linked),
                        )
                        % {"count": len(linked)},
                    },
                )
                return HttpResponseRedirect(_admin_url(self.model, "change", quote(source.pk)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("People, organizations and places in this source"),
            "subtitle": str(source),
            "opts": self.opts,
            "original": source,
            "formset": formset,
            "rows": list(zip(formset.forms, rows, strict=True)),
            "dates": dates,
            "has_text": bool(source.text.strip()),
            "media": self.media + formset.media,
        }
        return TemplateResponse(request, "admin/cooperation/source/extract.html", context)

    def event_view(self, request, object_id):
        """The Event add form with this source, its people and organizations and its date."""
        source, redirect = self._source_or_404(request, object_id)
        if redirect:
            return redirect
        if not _has_perm(request.user, "add", Event):
            raise PermissionDenied
        cited = Citation.objects.filter(source=source).order_by("id")
        params = {"source": source.pk}
        for name, model in (("participants", Person), ("participating", Organization)):
            ids = cited.filter(content_type=ContentType.objects.get_for_model(model))
            params[name] = ",".join(str(pk) for pk in ids.values_list("object_id", flat=True))
        dated = _first_date(source)
        if dated:
            params["start_date"], params["start_precision"] = dated
        return HttpResponseRedirect(_admin_url(Event, "add") + "?" + urlencode(params))


def _locked_links(request, source, choices):
    """Records a link would cite a public source on, beyond what this user may change.

    A draft source cites nothing publicly until a publisher publishes it, so linking is
    free then; a published one would change a reviewed record at once (decision 0003).
    """
    if source.state == PublicationState.DRAFT:
        return []
    return [
        value for _mention, action, value in choices if action == LINK and is_locked(request, value)
    ]


def _missing_permissions(user, choices):
    needed = set()
    for mention, action, value in choices:
        if action == CREATE:
            needed.add(("add", Person if mention.type == PERSON else Organization))
        elif action == LINK:
            needed.add(("change", type(value)))
    return [(action, model) for action, model in needed if not _has_perm(user, action, model)]


def _countries_named(mentions, country_pks):
    """{organization mention's key: country} where its own name tells the country.

    The legal form or kind of body may ("ТОО …", "Акимат …": Kazakhstan), or a region in
    the name ("Промышленный кластер Татарстана"): theirs is surer than any other guess.
    """
    organizations = [m for m in mentions if m.type == ORGANIZATION]
    regions = [
        (r, [r.name], [])
        for r in Region.objects.only("name", "capital", "country", "slug", "state")
    ]
    as_places = [Mention(type=PLACE, normal=m.normal, surfaces=[m.normal]) for m in organizations]
    named = rank(as_places, {PLACE: regions}, limit=1)
    countries = {}
    for mention, place in zip(organizations, as_places, strict=True):
        region = named[place.key]
        if mention.country in country_pks:
            countries[mention.key] = country_pks[mention.country]
        elif region and region[0].score >= 0.6:
            countries[mention.key] = region[0].record.country_id
    return countries


def _likely_country(mentions, candidates):
    """A new organization whose name tells no country most likely lies in the country of
    the first region mentioned."""
    for mention in mentions:
        if mention.type == PLACE and candidates.get(mention.key):
            return candidates[mention.key][0].record.country_id
    return None


def _first_date(source):
    """The first day or month the source's text gives, as (ISO date, precision)."""
    fallback_year = (source.published_on or dt.date.today()).year
    for mention in extract_mentions(plain_text(source.text)):
        if mention.type != DATE:
            continue
        year, month, day = mention.date
        try:
            date = dt.date(year or fallback_year, month, day or 1)
        except (TypeError, ValueError):
            continue
        return date.isoformat(), Precision.DAY if day else Precision.MONTH
    return None


def _posts_held(people):
    """{person: their post} for those of `people` who hold exactly one post not known to
    have ended."""
    posts = Position.objects.filter(person__in=people, end_date__isnull=True)
    held = {}
    for person, post in posts.values_list("person", "pk"):
        held[person] = None if person in held else post
    return {person: post for person, post in held.items() if post is not None}


class EventFromSourceMixin:
    """For EventAdmin: fill in the add form from `?source=…&participants=…&participating=…`."""

    def _prefill(self, request, obj):
        adding = obj is None or obj.pk is None  # the add view passes its unsaved event
        if not adding or request.method != "GET" or "source" not in request.GET:
            return {}
        cached = getattr(request, "_event_prefill", None)
        if cached is None:

            def ids(name):
                return [int(v) for v in request.GET.get(name, "").split(",") if v.isdigit()]

            people = ids("participants")
            held = _posts_held(people)
            cached = request._event_prefill = {
                Citation: [{"source": pk} for pk in ids("source")[:1]],
                # With the post each holds, the role and side follow when the event is saved.
                Participation: [{"person": pk, "position": held.get(pk)} for pk in people],
                EventOrganization: [{"organization": pk} for pk in ids("participating")],
            }
        return cached

    def get_inline_instances(self, request, obj=None):
        # Instances are made afresh for every call, so adjusting them affects this request only.
        inlines = super().get_inline_instances(request, obj)
        prefill = self._prefill(request, obj)
        for inline in inlines:
            rows = prefill.get(inline.model, [])
            inline.extra = max(inline.extra, len(rows) - (inline.min_num or 0))
        return inlines

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        rows = self._prefill(request, obj).get(inline.model)
        if rows:
            kwargs["initial"] = rows
        return kwargs
