"""E-mail alerts: any public list, with its filters, followed by e-mail.

A visitor asks for one from a list's page and gives an address; nothing more is sent to it
until its owner follows the link in the confirmation e-mail (double opt-in, no account).
`manage.py send_alerts`, run by cron, then sends each confirmed alert a digest of the
records of its list that were first published since its last digest (the models' history
tells when: `first_published_between`). Every digest carries a link that unsubscribes at
once, also as the List-Unsubscribe header that mail programs offer as a button.

The links carry signed tokens (django.core.signing) that name the alert and its address, so
the database keeps no secrets and a link opens nothing else.
"""

import logging
import smtplib
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import mail, signing
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import page_cache
from .listings import LISTINGS
from .models import Subscription

logger = logging.getLogger(__name__)

CONFIRM_SALT = "cooperation.alerts.confirm"
UNSUBSCRIBE_SALT = "cooperation.alerts.unsubscribe"
# A confirmation link works this long; alerts not confirmed by then are deleted.
CONFIRM_DAYS = 7
# A digest lists this many records and links to the list for the rest.
DIGEST_ITEMS = 20
# Parameters of a list's address that do not choose its records.
NOT_FILTERS = {"page", "format", "sort"}
MAIL_ERRORS = (smtplib.SMTPException, OSError)


# --- what an alert follows ----------------------------------------------------------------


def filter_query(params):
    """The filters of a list's query string, canonical: two addresses of the same search
    name one alert."""
    return page_cache.canonical_query(params, lambda name: name not in NOT_FILTERS).urlencode()


def filterset_of(listing, query, queryset=None):
    queryset = listing.queryset() if queryset is None else queryset
    return listing.filterset(QueryDict(query), queryset=queryset)


def describe(filterset):
    """[(label, value)] of the filters a list's form accepted, as a person would say them."""
    described = []
    for name, field in filterset.form.fields.items():
        value = filterset.cleaned.get(name)
        if name == "sort" or value in (None, "", []) or (hasattr(value, "exists") and not value):
            continue
        labels = dict(getattr(field, "choices", None) or ())
        if isinstance(value, str):
            value = labels.get(value, value)
        elif hasattr(value, "__iter__"):
            value = ", ".join(str(labels.get(item, item)) for item in value)
        described.append((field.label, str(value)))
    return described


# --- tokens ---------------------------------------------------------------------------------


def _token(subscription, salt):
    return signing.dumps({"id": subscription.pk, "email": subscription.email}, salt=salt)


def _subscription(token, salt, max_age=None):
    """The alert a token names, or None when it is not valid, has expired or is gone."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return Subscription.objects.filter(pk=data.get("id"), email=data.get("email")).first()


def _absolute(path):
    return settings.SITE_URL + path


def unsubscribe_url(subscription):
    return _absolute(
        reverse("cooperation:alert-unsubscribe", args=[_token(subscription, UNSUBSCRIBE_SALT)])
    )


def _list_url(subscription):
    return _absolute(subscription.list_path())


# --- pages ----------------------------------------------------------------------------------


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def subscribe(request, key):
    """The form to follow a list with its filters; sending it e-mails the confirmation."""
    listing = LISTINGS.get(key)
    if listing is None:
        raise Http404
    query = filter_query(request.GET)
    filterset = filterset_of(listing, query)
    problems = [
        f"{filterset.form.fields[name].label}: {message}"
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    if len(query) > Subscription._meta.get_field("query").max_length:
        problems.append(_("The search is too long to be followed by e-mail."))
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    context = {
        "listing": listing,
        "query": query,
        "described": describe(filterset),
        "problems": problems,
        "form": form,
        "list_url": reverse(listing.url_name) + (f"?{query}" if query else ""),
    }
    if request.method == "POST" and form.is_valid() and not problems:
        subscription, _created = Subscription.objects.get_or_create(
            email=form.cleaned_data["email"],
            listing=listing.key,
            query=query,
            defaults={"language": translation.get_language()},
        )
        try:
            _send_confirmation(request, subscription, context["described"])
        except MAIL_ERRORS:
            logger.exception("Could not send the confirmation of alert %s", subscription.pk)
            context["mail_failed"] = True
            return render(request, "cooperation/alerts/subscribe.html", context, status=503)
        context["email"] = subscription.email
        return render(request, "cooperation/alerts/sent.html", context)
    return render(
        request, "cooperation/alerts/subscribe.html", context, status=400 if problems else 200
    )


def _send_confirmation(request, subscription, described):
    listing = LISTINGS[subscription.listing]
    token = _token(subscription, CONFIRM_SALT)
    context = {
        "listing": listing,
        "described": described,
        "confirm_url": request.build_absolute_uri(
            reverse("cooperation:alert-confirm", args=[token])
        ),
        "list_url": request.build_absolute_uri(subscription.list_path()),
        "days": CONFIRM_DAYS,
    }
    mail.send_mail(
        subject=str(_("Confirm your e-mail alert — Interregional cooperation")),
        message=render_to_string("cooperation/alerts/confirm_email.txt", context),
        from_email=None,
        recipient_list=[subscription.email],
    )


@never_cache
def confirm(request, token):
    """The link of the confirmation e-mail: the alert starts from now."""
    subscription = _subscription(token, CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 3600)
    if subscription is None:
        return render(request, "cooperation/alerts/link_invalid.html", status=404)
    if subscription.confirmed_at is None:
        now = timezone.now()
        subscription.confirmed_at = subscription.last_sent_at = now
        subscription.save(update_fields=["confirmed_at", "last_sent_at"])
    listing = LISTINGS[subscription.listing]
    return render(
        request,
        "cooperation/alerts/confirmed.html",
        {
            "listing": listing,
            "described": describe(filterset_of(listing, subscription.query)),
            "list_url": subscription.list_path(),
            "unsubscribe_path": reverse(
                "cooperation:alert-unsubscribe", args=[_token(subscription, UNSUBSCRIBE_SALT)]
            ),
        },
    )


@csrf_exempt  # mail programs post the one-click unsubscription (RFC 8058) with no cookie
@never_cache
def unsubscribe(request, token):
    """A digest's link asks to confirm with one button, since link checkers of mail
    services open links; a POST, also the mail program's one-click request, unsubscribes."""
    subscription = _subscription(token, UNSUBSCRIBE_SALT)
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return render(request, "cooperation/alerts/unsubscribed.html")
    if subscription is None:
        # Unsubscribed already, or a link that was never valid: either way nothing is sent.
        return render(request, "cooperation/alerts/unsubscribed.html")
    listing = LISTINGS[subscription.listing]
    return render(
        request,
        "cooperation/alerts/unsubscribe.html",
        {
            "listing": listing,
            "described": describe(filterset_of(listing, subscription.query)),
            "email": subscription.email,
        },
    )


# --- digests ---------------------------------------------------------------------------------


def new_records(subscription, until):
    """The records of the alert's list, with its filters, first published since its last
    digest and by `until`."""
    listing = LISTINGS[subscription.listing]
    new = listing.queryset().first_published_between(subscription.last_sent_at, until)
    return filterset_of(listing, subscription.query, new).qs


def digest_message(subscription, until, connection=None):
    """The digest e-mail of an alert, or None when nothing new was published."""
    with translation.override(subscription.language):
        records = new_records(subscription, until)
        shown = list(records[: DIGEST_ITEMS + 1])
        if not shown:
            return None
        count = len(shown) if len(shown) <= DIGEST_ITEMS else records.count()
        listing = LISTINGS[subscription.listing]
        unsubscribe = unsubscribe_url(subscription)
        context = {
            "listing": listing,
            "described": describe(filterset_of(listing, subscription.query)),
            "records": [(record, _absolute(record.get_absolute_url())) for record in shown],
            "count": count,
            "more": count > DIGEST_ITEMS,
            "list_url": _list_url(subscription),
            "unsubscribe_url": unsubscribe,
        }
        context["records"] = context["records"][:DIGEST_ITEMS]
        subject = ngettext(
            "%(list)s: %(count)d new — Interregional cooperation",
            "%(list)s: %(count)d new — Interregional cooperation",
            count,
        ) % {"list": listing.title, "count": count}
        body = render_to_string("cooperation/alerts/digest_email.txt", context)
    return mail.EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_digests(now=None):
    """Send every confirmed alert what is new for it; (digests sent, digests that failed).

    An alert whose digest could not be sent keeps its start, so that the next run sends
    what this one could not.
    """
    now = now or timezone.now()
    sent = failed = 0
    with mail.get_connection() as connection:
        for subscription in Subscription.objects.confirmed().order_by("pk").iterator():
            message = digest_message(subscription, now, connection)
            if message is None:
                continue
            try:
                message.send()
            except MAIL_ERRORS:
                logger.exception("Could not send the digest of alert %s", subscription.pk)
                failed += 1
                continue
            Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
            sent += 1
    return sent, failed


def forget_unconfirmed(now=None):
    """Delete the alerts whose confirmation link has expired; how many."""
    now = now or timezone.now()
    stale = Subscription.objects.unconfirmed().filter(
        created_at__lt=now - timedelta(days=CONFIRM_DAYS)
    )
    return stale.delete()[0]
