"""From a source to records in the admin: extract what the text mentions, review, confirm.

After a source is added, the editor sees the people, organizations and places its text
mentions, each with the existing records it may be. Confirmed choices create drafts citing
the source, or cite the source on existing records. From the source, the story can then be
entered: the delegation (who travelled where, led by whom), its event (participants with
the posts they held, organizations) and the agreement (parties and signatories), each add
form filled in with what the source's records and text give, citing the source.
"""

import datetime as dt
import re
from functools import partial

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
from django.utils.translation import gettext_lazy, ngettext

from .admin_review import is_locked
from .dates import date_in_text, relative_dates
from .extraction import (
    CREATE,
    CREATES,
    DATE,
    LINK,
    ORGANIZATION,
    PERSON,
    PLACE,
    POSITION,
    Mention,
    extract_mentions,
    lemmas,
    match_mentions,
    mentions_confirm,
    plain_text,
    rank,
)
from .forms import MentionFormSet, SourceAdminForm
from .models import (
    Agreement,
    AgreementParty,
    Citation,
    Country,
    Delegation,
    Event,
    EventOrganization,
    Organization,
    Participation,
    Person,
    Position,
    PublicationState,
    Region,
)

# What may sign an agreement between regions on a region's behalf.
SIGNING_KINDS = (Organization.Kind.GOVERNMENT_BODY, Organization.Kind.LEGISLATURE)


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
            *(
                path(
                    f"<path:object_id>/{name}/",
                    view(partial(self.draft_view, model=model)),
                    name="{}_{}_{}".format(*info, name),
                )
                for name, (model, _label) in DRAFTS_FROM_SOURCE.items()
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
            "drafts_from_source": [
                (name, label)
                for name, (model, label) in DRAFTS_FROM_SOURCE.items()
                if self.admin_site.is_registered(model) and _has_perm(request.user, "add", model)
            ],
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
        # Positions are not rows: a post is recorded when its holder and what it is held in
        # are (mentions_confirm).
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
                created, linked = mentions_confirm(
                    source=source,
                    choices=choices,
                    positions=[m for m in mentions if m.type == POSITION],
                )
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

    def draft_view(self, request, object_id, model):
        """The add form of `model` filled in from this source (see _draft_params)."""
        source, redirect = self._source_or_404(request, object_id)
        if redirect:
            return redirect
        if not _has_perm(request.user, "add", model):
            raise PermissionDenied
        params = {"source": source.pk, **_draft_params(model, source)}
        return HttpResponseRedirect(_admin_url(model, "add") + "?" + urlencode(params))


# What can be drafted from a source: {URL name: (model, the source page's link to it)}.
DRAFTS_FROM_SOURCE = {
    "delegation": (Delegation, gettext_lazy("Add a delegation from this source")),
    "event": (Event, gettext_lazy("Add an event from this source")),
    "agreement": (Agreement, gettext_lazy("Add an agreement from this source")),
}


def _cited(source, model):
    """The records of `model` that cite `source`, in the order they were cited."""
    ids = (
        Citation.objects.filter(
            source=source, content_type=ContentType.objects.get_for_model(model)
        )
        .order_by("id")
        .values_list("object_id", flat=True)
    )
    by_id = model.objects.in_bulk(list(ids))
    return [by_id[pk] for pk in ids if pk in by_id]


def _ids(records):
    return ",".join(str(record.pk) for record in records)


def _draft_params(model, source):
    """The add form's query for a `model` record drafted from `source`: what its cited
    records and its text give. The editor corrects what the guess got wrong."""
    people = _cited(source, Person)
    organizations = _cited(source, Organization)
    params = {}
    dated = _first_date(source)
    if model is Event:
        params["participants"] = _ids(people)
        params["participating"] = _ids(organizations)
        # Drafted after the delegation, the event is one of its visit's events.
        delegations = _cited(source, Delegation)
        if delegations:
            params["delegation"] = delegations[0].pk
            if delegations[0].host_region_id:
                params["region"] = delegations[0].host_region_id
        if dated:
            params["start_date"], params["start_precision"] = dated
    elif model is Delegation:
        params.update(
            _delegation_params(
                people, organizations, _cited(source, Region), plain_text(source.text)
            )
        )
        if dated:
            params["start_date"], params["start_precision"] = dated
    elif model is Agreement:
        params["parties"] = ",".join(
            f"{party.pk}:{signatory.pk if signatory else ''}"
            for party, signatory in _parties(people, organizations)
        )
        # Drafted after the event, the agreement was signed there.
        events = _cited(source, Event)
        if events:
            params["signed_at"] = events[-1].pk
        if dated:
            params["signed_date"], params["signed_precision"] = dated
    return params


def _delegation_params(people, organizations, regions, text):
    """Who travelled where. The home region is the one the text names after "делегация"
    ("делегация Актюбинской области"), else that of the post the first person named holds;
    the host is the first other region the source cites. The head is the first person
    named who holds a post in the home region, members the others who do, organizations
    those of the home region."""
    posts = _current_posts(people)
    home_region = _travelling_region(text, regions)
    holders = [person for person in people if person.pk in posts]
    if home_region is None and holders:
        home_region = posts[holders[0].pk].place_region
    if home_region is None:
        return {}
    home = [p for p in holders if posts[p.pk].place_region_id == home_region.pk]
    params = {"home_region": home_region.pk, "home_country": home_region.country_id}
    if home:
        params["head"] = home[0].pk
        params["members"] = _ids(home[1:])
    host = next((region for region in regions if region.pk != home_region.pk), None)
    if host is not None:
        params["host_region"] = host.pk
        params["host_country"] = host.country_id
    params["organizations"] = _ids(o for o in organizations if o.region_id == home_region.pk)
    return {name: value for name, value in params.items() if value != ""}


_DELEGATION_OF = re.compile(r"(?i)делегаци\w*\s+(\w+(?:\s+\w+)?)")
# Words every region's name shares with others: they say nothing of which region it is.
_REGION_WORDS = {"область", "республика", "край", "округ", "автономный", "город"}


def _travelling_region(text, regions):
    """The cited region the text names right after "делегация", if any."""
    for match in _DELEGATION_OF.finditer(text):
        following = set(lemmas(match[1]))
        for region in regions:
            own = set(lemmas(region.name)) - _REGION_WORDS
            if own and own <= following:
                return region
    return None


def _parties(people, organizations):
    """[(party, signatory or None)]: the cited bodies that sign for a region, each with the
    cited person who holds a post there, or else who holds a post in its region."""
    posts = _current_posts(people)
    parties = []
    for organization in organizations:
        if organization.kind not in SIGNING_KINDS:
            continue
        holders = [p for p in people if p.pk in posts]
        signatory = next(
            (p for p in holders if posts[p.pk].organization_id == organization.pk),
            None,
        ) or next(
            (
                p
                for p in holders
                if organization.region_id and posts[p.pk].place_region_id == organization.region_id
            ),
            None,
        )
        parties.append((organization, signatory))
    return parties


def _current_posts(people):
    """{person id: the post they hold} for those of `people` who hold exactly one post not
    known to have ended."""
    posts = {}
    for post in Position.objects.filter(person__in=people, end_date__isnull=True):
        posts[post.person_id] = None if post.person_id in posts else post
    return {person: post for person, post in posts.items() if post is not None}


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
            needed.add(("add", CREATES[mention.type]))
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
    """The first day or month the source's text gives, as (ISO date, precision). A year the
    text leaves out, or names relative to the publication ("в ноябре прошлого года",
    "вчера"), is counted from the publication date."""
    published_on = source.published_on or dt.date.today()
    text = plain_text(source.text)
    found = relative_dates(text, published_on)
    for mention in extract_mentions(text):
        if mention.type != DATE:
            continue
        surface = mention.surfaces[0]
        at = text.find(surface, mention.start)
        following = text[at + len(surface) :] if at >= 0 else ""
        dated = date_in_text(*mention.date, following=following, published_on=published_on)
        if dated:
            found.append((mention.start, dated))
    if not found:
        return None
    date, precision = min(found, key=lambda item: item[0])[1]
    return date.isoformat(), precision


class FromSourceMixin:
    """For the admins of records drafted from a source: `?source=…` fills in a citation of
    it, and `rows_from_query` the admin's other inlines."""

    def rows_from_query(self, query):
        return {}

    def _prefill(self, request, obj):
        adding = obj is None or obj.pk is None  # the add view passes its unsaved event
        if not adding or request.method != "GET" or "source" not in request.GET:
            return {}
        cached = getattr(request, "_event_prefill", None)
        if cached is None:
            cached = request._event_prefill = {
                Citation: [{"source": pk} for pk in _query_ids(request.GET, "source")[:1]],
                **self.rows_from_query(request.GET),
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


def _query_ids(query, name):
    return [int(v) for v in query.get(name, "").split(",") if v.isdigit()]


class EventFromSourceMixin(FromSourceMixin):
    """For EventAdmin: `?participants=…&participating=…` fill in who took part."""

    def rows_from_query(self, query):
        people = _query_ids(query, "participants")
        posts = _current_posts(people)
        return {
            # With the post each holds, the role and side follow when the event is saved.
            Participation: [
                {"person": pk, "position": posts[pk].pk if pk in posts else None} for pk in people
            ],
            EventOrganization: [{"organization": pk} for pk in _query_ids(query, "participating")],
        }


class AgreementFromSourceMixin(FromSourceMixin):
    """For AgreementAdmin: `?parties=<organization>:<signatory>,…` fill in the parties."""

    def rows_from_query(self, query):
        rows = []
        for pair in query.get("parties", "").split(","):
            organization, _sep, signatory = pair.partition(":")
            if organization.isdigit():
                rows.append(
                    {
                        "organization": int(organization),
                        "signatory": int(signatory) if signatory.isdigit() else None,
                    }
                )
        posts = _current_posts([row["signatory"] for row in rows if row["signatory"]])
        for row in rows:
            if row["signatory"] in posts:
                row["signatory_title"] = posts[row["signatory"]].title
        return {AgreementParty: rows}
