"""What visitors send the portal: e-mail alerts they subscribe to, errors they report.

Neither is the portal's content: writing one changes no public page, so it does not replace
the content version of the kept pages (cooperation/apps.py), and neither has a publication
state or a history.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """Sent by a visitor rather than written by an editor."""

    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        abstract = True


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)


class Subscription(Submission):
    """New records of one public list, with its filters, sent to an address as a digest.

    The list is named by its key in cooperation.listings and its filters by the query
    string of its address, so any list a visitor can filter can be followed. Nothing is
    sent before the address's owner confirms it through the link e-mailed to it.
    """

    email = models.EmailField(_("e-mail address"))
    listing = models.CharField(_("list"), max_length=20)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The next digest lists what was first published after this moment: the confirmation,
    # then each digest sent.
    last_sent_at = models.DateTimeField(_("digest sent up to"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "listing", "query"], name="cooperation_subscription_unique"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(last_sent_at__isnull=False),
                name="cooperation_subscription_confirmed_has_start",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.list_path()}"

    def list_path(self):
        """The address of the list it follows, in no particular language."""
        path = reverse(f"cooperation:{self.listing}-list")
        return f"{path}?{self.query}" if self.query else path

    def get_absolute_url(self):
        return self.list_path()


class ReportState(models.TextChoices):
    NEW = "new", _("new")
    CHECKING = "checking", _("being checked")
    CORRECTED = "corrected", _("corrected")
    REJECTED = "rejected", _("no error found")


class ErrorReport(Submission):
    """A visitor's report of an error on a page, for editors to check and correct."""

    State = ReportState
    OPEN = (State.NEW, State.CHECKING)

    page = models.CharField(_("page"), max_length=500)
    # The record the page shows; empty for a page of no one record, or once it is deleted.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record number"), null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    message = models.TextField(_("what is wrong"), max_length=5000)
    email = models.EmailField(_("reporter's e-mail"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NEW, db_index=True
    )
    editor_notes = models.TextField(
        _("editors' notes"),
        blank=True,
        help_text=_("What was checked and changed; not shown to the reporter."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values),
                name="cooperation_errorreport_state_valid",
            ),
        ]

    def __str__(self):
        text = " ".join(self.message.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def get_absolute_url(self):
        return self.page
