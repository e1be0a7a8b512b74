"""The admin's titles, buttons and messages that name a kind of record, in correct Russian.

Django builds "Добавить %s" and "%(name)s “%(obj)s” был успешно добавлен" from the model's
verbose name, which Russian has to decline ("Добавить делегацию") and agree with the noun's
gender ("Делегация … была добавлена"; a message that begins with the name is given a capital
letter). Each kind's accusative and gender are translations
of its English name: English reads as Django's texts always did.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext, pgettext_lazy

# model name: (accusative, grammatical gender: "masculine", "feminine" or "neuter").
NOUNS = {
    "country": (pgettext_lazy("accusative", "country"), pgettext_lazy("gender", "country")),
    "industry": (pgettext_lazy("accusative", "industry"), pgettext_lazy("gender", "industry")),
    "topic": (pgettext_lazy("accusative", "topic"), pgettext_lazy("gender", "topic")),
    "region": (pgettext_lazy("accusative", "region"), pgettext_lazy("gender", "region")),
    "regionfact": (
        pgettext_lazy("accusative", "region fact"),
        pgettext_lazy("gender", "region fact"),
    ),
    "source": (pgettext_lazy("accusative", "source"), pgettext_lazy("gender", "source")),
    "citation": (pgettext_lazy("accusative", "citation"), pgettext_lazy("gender", "citation")),
    "organization": (
        pgettext_lazy("accusative", "organization"),
        pgettext_lazy("gender", "organization"),
    ),
    "person": (pgettext_lazy("accusative", "person"), pgettext_lazy("gender", "person")),
    "position": (pgettext_lazy("accusative", "position"), pgettext_lazy("gender", "position")),
    "delegation": (
        pgettext_lazy("accusative", "delegation"),
        pgettext_lazy("gender", "delegation"),
    ),
    "event": (pgettext_lazy("accusative", "event"), pgettext_lazy("gender", "event")),
    "participation": (
        pgettext_lazy("accusative", "participant"),
        pgettext_lazy("gender", "participant"),
    ),
    "invitation": (
        pgettext_lazy("accusative", "invitation"),
        pgettext_lazy("gender", "invitation"),
    ),
    "agreement": (pgettext_lazy("accusative", "agreement"), pgettext_lazy("gender", "agreement")),
    "statement": (pgettext_lazy("accusative", "statement"), pgettext_lazy("gender", "statement")),
    "partnership": (
        pgettext_lazy("accusative", "work with a partner"),
        pgettext_lazy("gender", "work with a partner"),
    ),
    "organizationalias": (pgettext_lazy("accusative", "alias"), pgettext_lazy("gender", "alias")),
    "eventorganization": (
        pgettext_lazy("accusative", "participating organization"),
        pgettext_lazy("gender", "participating organization"),
    ),
    "agreementparty": (pgettext_lazy("accusative", "party"), pgettext_lazy("gender", "party")),
    "commitment": (
        pgettext_lazy("accusative", "commitment"),
        pgettext_lazy("gender", "commitment"),
    ),
    "progressupdate": (
        pgettext_lazy("accusative", "progress update"),
        pgettext_lazy("gender", "progress update"),
    ),
    "errorreport": (
        pgettext_lazy("accusative", "error report"),
        pgettext_lazy("gender", "error report"),
    ),
    "subscription": (
        pgettext_lazy("accusative", "e-mail alert"),
        pgettext_lazy("gender", "e-mail alert"),
    ),
}
GENDERS = ("masculine", "feminine", "neuter")


def _added(gender):
    return {
        "masculine": pgettext("masculine", "The {name} “{obj}” was added successfully."),
        "feminine": pgettext("feminine", "The {name} “{obj}” was added successfully."),
        "neuter": pgettext("neuter", "The {name} “{obj}” was added successfully."),
    }[gender]


def _changed(gender):
    return {
        "masculine": pgettext("masculine", "The {name} “{obj}” was changed successfully."),
        "feminine": pgettext("feminine", "The {name} “{obj}” was changed successfully."),
        "neuter": pgettext("neuter", "The {name} “{obj}” was changed successfully."),
    }[gender]


def _deleted(gender):
    return {
        "masculine": pgettext("masculine", "The {name} “{obj}” was deleted successfully."),
        "feminine": pgettext("feminine", "The {name} “{obj}” was deleted successfully."),
        "neuter": pgettext("neuter", "The {name} “{obj}” was deleted successfully."),
    }[gender]


def _another(gender):
    return {
        "masculine": pgettext("masculine", "You may add another {name} below."),
        "feminine": pgettext("feminine", "You may add another {name} below."),
        "neuter": pgettext("neuter", "You may add another {name} below."),
    }[gender]


class RussianNamesMixin:
    """For a ModelAdmin: titles, the add button and success messages declined and agreed."""

    def noun(self):
        """(nominative, accusative, gender) of this admin's kind of record."""
        opts = self.model._meta
        accusative, gender = NOUNS.get(opts.model_name, (opts.verbose_name, "masculine"))
        gender = str(gender)
        return opts.verbose_name, str(accusative), gender if gender in GENDERS else "masculine"

    def changelist_view(self, request, extra_context=None):
        _name, accusative, _gender = self.noun()
        title = (
            gettext("Select %s to change")
            if self.has_change_permission(request)
            else gettext("Select %s to view")
        )
        extra_context = {
            "title": title % accusative,
            "add_noun": accusative,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        _name, accusative, _gender = self.noun()
        if add:
            context["title"] = gettext("Add %s") % accusative
        elif self.has_change_permission(request, obj):
            context["title"] = gettext("Change %s") % accusative
        else:
            context["title"] = gettext("View %s") % accusative
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Django's own texts are replaced as they are said, within these three responses.

    def response_add(self, request, obj, post_url_continue=None):
        request._declined_message = (_added, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request._declined_message = (_changed, obj)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request._declined_message = (_deleted, obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        said = getattr(request, "_declined_message", None)
        if said is not None and level == messages.SUCCESS:
            del request._declined_message
            # Built by format_html: still safe with its first letter raised.
            message = mark_safe(capfirst(self._declined(request, *said)))
        return super().message_user(request, message, level, *args, **kwargs)

    def _declined(self, request, text, obj):
        name, accusative, gender = self.noun()
        if text is _deleted:
            return format_html(text(gender), name=name, obj=obj)
        opts = self.model._meta
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        shown = format_html('<a href="{}">{}</a>', url, obj)
        message = format_html(text(gender), name=name, obj=shown)
        if "_continue" in request.POST or "_saveasnew" in request.POST:
            return format_html("{} {}", message, gettext("You may edit it again below."))
        if "_addanother" in request.POST:
            another = format_html(_another(gender), name=accusative)
            return format_html("{} {}", message, another)
        return message
