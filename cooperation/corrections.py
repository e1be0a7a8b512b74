"""Errors reported by visitors: the form under every record page, and where it is stored.

A report is stored with the page it was sent from and the record the page shows, for the
editors' queue in the admin (ErrorReportAdmin). Without any service of another party, spam
is kept out by:

- a hidden field that people leave empty (hidden by the stylesheet) and robots fill in;
- a signed token, rendered into the form, with the page, the record and the time: a report
  sent sooner than MIN_FILL_SECONDS after the form was rendered, or with a form older than
  MAX_FORM_AGE, is shown again to be sent once more; a token not signed by the portal is
  refused. Record pages are kept for visitors (cooperation/page_cache.py) for minutes at
  most, so a kept page's form is at most that much older than it looks;
- the rate limit per client (portal/limits.py, RATE_LIMITS["report"]).

Record pages are kept whole for anonymous visitors, so the form cannot carry a CSRF token
(it would set a cookie on every page and keep it from being kept). The view is exempt from
Django's CSRF check, which protects what a session may do; a report needs no session. It
still refuses a post that the browser says another site sent (Sec-Fetch-Site: cross-site).
"""

import time

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import ErrorReport

SALT = "cooperation.corrections.report"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE = 2 * 24 * 3600


def report_token(page, record=None, now=None):
    """What the form says about where it was rendered, signed."""
    data = {"page": page, "at": int(now if now is not None else time.time())}
    if record is not None:
        opts = record._meta
        data["record"] = [opts.app_label, opts.model_name, record.pk]
    return signing.dumps(data, salt=SALT)


class ErrorReportForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong?"),
        help_text=_(
            "Say what is wrong on this page and, if you can, where the right fact is published."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        help_text=_("Only if you want an answer. Only the editors see it."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The field robots fill in; people never see it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, token_data=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.token_data = token_data or {}

    def clean(self):
        cleaned = super().clean()
        age = time.time() - self.token_data.get("at", 0)
        if age < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _(
                    "That was quicker than anyone can read the page. Please check your report "
                    "and send it again."
                ),
                code="too_quick",
            )
        if age > MAX_FORM_AGE:
            raise forms.ValidationError(
                _(
                    "The form had been open for more than two days. Please check your report "
                    "and send it again."
                ),
                code="too_old",
            )
        return cleaned

    @property
    def is_robot(self):
        return bool(self.data.get("website"))


def form_context(page, record=None):
    """What a page needs to show the form empty: every record page has it (base.html)."""
    return {"report_form": ErrorReportForm(), "report_token": report_token(page, record)}


def _content_type(token_data):
    app_label, model, pk = token_data.get("record") or (None, None, None)
    if model is None:
        return None, None
    try:
        return ContentType.objects.get_by_natural_key(app_label, model), pk
    except ContentType.DoesNotExist:
        return None, None


@csrf_exempt  # see the module's docstring
@require_POST
def report(request):
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponseForbidden("Reports are sent from the portal's own pages.\n")
    try:
        token_data = signing.loads(request.POST.get("token", ""), salt=SALT)
    except signing.BadSignature:
        return HttpResponseBadRequest("The form was not sent from one of the portal's pages.\n")
    page = token_data.get("page", "")
    form = ErrorReportForm(request.POST, token_data=token_data)
    context = {"page": page}
    if form.is_robot:
        # Told nothing that would help it try again otherwise; nothing is stored.
        return render(request, "cooperation/report_sent.html", context)
    if not form.is_valid():
        # Shown again with a new token: the time to check the report counts from now.
        context["report_form"] = form
        context["report_token"] = signing.dumps({**token_data, "at": int(time.time())}, salt=SALT)
        return render(request, "cooperation/report_error.html", context, status=400)
    content_type, object_id = _content_type(token_data)
    ErrorReport.objects.create(
        page=page[:500],
        content_type=content_type,
        object_id=object_id,
        message=form.cleaned_data["message"],
        email=form.cleaned_data["email"],
    )
    return render(request, "cooperation/report_sent.html", context)
