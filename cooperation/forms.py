"""Forms of the editors' admin that are more than a model's fields."""

import codecs
from pathlib import Path

import nh3
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .extraction import (
    CREATE,
    CREATES,
    IGNORE,
    LINK,
    MAX_TEXT_LENGTH,
    ORGANIZATION,
    PERSON,
    PLACE,
    split_legal_form,
)
from .models import (
    SOURCE_TAGS,
    Event,
    EventOrganization,
    Organization,
    Participation,
    Region,
    Source,
)

MAX_UPLOAD_SIZE = 2 * 1024 * 1024
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
# Whole elements, content and all, that are not part of an article's text.
HTML_DROPPED = {"head", "title", "script", "style", "noscript", "template", "nav", "footer"}


# UTF-32 first: its little-endian mark begins with UTF-16's.
BYTE_ORDER_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def decoded_upload(upload):
    """The text of an uploaded .txt or .html file, or a ValidationError saying what is wrong."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise ValidationError(
            _("Upload a .txt or .html file; “%(name)s” is neither."),
            code="file_type",
            params={"name": upload.name},
        )
    if upload.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Is it really one article?"),
            code="file_size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_SIZE)},
        )
    data = upload.read()
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="file_empty")
    # Notepad's "Unicode" is UTF-16 with a byte order mark, whose text is full of NUL bytes.
    for bom, encoding in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                data = data[len(bom) :].decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("The file is neither UTF-8 nor Windows-1251 text."), code="file_encoding"
                ) from None
            break
    if b"\x00" in data:
        raise ValidationError(
            _("This is not a text file (it contains binary data). Upload plain text or HTML."),
            code="file_binary",
        )
    # Russian texts come in UTF-8 or, from older Windows editors, in Windows-1251.
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            _("The file is neither UTF-8 nor Windows-1251 text."), code="file_encoding"
        )
    if suffix in HTML_SUFFIXES:
        text = nh3.clean(text, tags=SOURCE_TAGS, clean_content_tags=HTML_DROPPED).strip()
        if not text:
            raise ValidationError(_("The HTML file has no text."), code="file_empty")
    return text


class SourceAdminForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("or upload the text"),
        required=False,
        help_text=_(
            "A .txt file (UTF-8 or Windows-1251) or an .html page, up to 2 MB. Scripts, "
            "styles and all formatting but paragraphs and emphasis are removed from HTML. "
            "Replaces the text above."
        ),
    )

    class Meta:
        model = Source
        # The admin's fieldsets choose the fields shown; this form only adds the upload.
        fields = ["text"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        return decoded_upload(upload) if upload else ""

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(
                _("The text is %(length)d characters long; the limit is %(limit)d."),
                code="text_length",
                params={"length": len(text), "limit": MAX_TEXT_LENGTH},
            )
        return text

    def clean(self):
        cleaned = super().clean()
        uploaded, text = cleaned.get("upload"), cleaned.get("text") or ""
        if uploaded and text.strip() and "text" in self.changed_data:
            self.add_error(
                "upload",
                ValidationError(_("Paste the text or upload a file, not both."), code="both"),
            )
        elif uploaded:
            cleaned["text"] = uploaded
            self.instance.text = uploaded
        elif self.instance.pk is None and not text.strip() and "upload" not in self.errors:
            # A new source is added to take facts from it: without its text there are none.
            self.add_error(
                "text",
                ValidationError(
                    _("Paste the text of the article or upload it as a file."), code="no_text"
                ),
            )
        return cleaned


# --- the review of extracted mentions -----------------------------------------------------


# The field whose admin select finds records of a mention's type.
_SEARCHED_THROUGH = {
    PERSON: (Participation, "person"),
    ORGANIZATION: (EventOrganization, "organization"),
    PLACE: (Event, "region"),
}


class MentionForm(forms.Form):
    """One mention: link it to an existing record, create a draft from it, or ignore it."""

    key = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(label=_("action"), widget=forms.RadioSelect)
    record = forms.TypedChoiceField(label=_("existing record"), required=False, coerce=int)
    first_name = forms.CharField(label=_("first name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("last name"), required=False, max_length=100)
    name = forms.CharField(label=_("name"), required=False, max_length=300)
    legal_form = forms.CharField(label=_("legal form"), required=False, max_length=30)
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", "—"), *Organization.Kind.choices]
    )
    region_kind = forms.ChoiceField(
        label=_("kind of region"), required=False, choices=[("", "—"), *Region.Kind.choices]
    )
    country = forms.TypedChoiceField(label=_("country"), required=False, coerce=int)

    def __init__(
        self,
        *args,
        mention,
        candidates,
        countries,
        default_country=None,
        default_countries=None,
        **kwargs,
    ):
        self.mention, self.candidates = mention, candidates
        best = candidates[0] if candidates else None
        if best and best.score >= (0.9 if mention.type == PLACE else 0.6):
            action = LINK
        elif mention.type == PLACE:
            # Most places a text names without a region to match are towns, not regions.
            action = IGNORE
        else:
            action = CREATE
        legal_form, name = split_legal_form(mention.normal)
        legal_form = mention.legal_form or legal_form
        kwargs["initial"] = {
            "key": mention.key,
            "action": action,
            "record": best.record.pk if best else None,
            "first_name": mention.first_name,
            "last_name": mention.last_name,
            "name": name,
            "legal_form": legal_form,
            "kind": mention.kind or Organization.Kind.OTHER,
            "country": (default_countries or {}).get(mention.key, default_country),
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (LINK, _("link")),
            (CREATE, _("create a draft")),
            (IGNORE, _("ignore")),
        ]
        # Any record of the mention's type, found by name as the admin's own selects find
        # it, when the right one is not among the suggestions.
        model, field = _SEARCHED_THROUGH[mention.type]
        self.fields["other"] = forms.ModelChoiceField(
            label=_("or another, found by name"),
            required=False,
            queryset=CREATES[mention.type].objects.all(),
            widget=AutocompleteSelect(
                model._meta.get_field(field), admin.site, attrs={"data-width": "16em"}
            ),
        )
        self.fields["record"].choices = [("", "—")] + [
            (c.record.pk, f"{c.record} ({c.score:.0%})") for c in candidates
        ]
        self.fields["country"].choices = [("", "—"), *countries]
        unused = {
            PERSON: ["name", "legal_form", "kind", "region_kind", "country"],
            ORGANIZATION: ["first_name", "last_name", "region_kind"],
            PLACE: ["first_name", "last_name", "legal_form", "kind"],
        }[mention.type]
        for name in unused:
            del self.fields[name]
        if not candidates:
            del self.fields["record"]

    def clean_key(self):
        if self.cleaned_data["key"] != self.mention.key:
            raise ValidationError(
                _("The source's text changed since this page was shown; reload the page."),
                code="stale",
            )
        return self.cleaned_data["key"]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == LINK:
            records = {c.record.pk: c.record for c in self.candidates}
            record = cleaned.get("other") or records.get(cleaned.get("record"))
            if record is None:
                self.add_error(
                    "record" if self.candidates else "other", _("Choose the record to link.")
                )
            cleaned["value"] = record
        elif action == CREATE and self.mention.type == PERSON:
            for name in ("first_name", "last_name"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("A new person needs a first and a last name."))
            cleaned["value"] = {
                "first_name": cleaned.get("first_name", "").strip(),
                "last_name": cleaned.get("last_name", "").strip(),
                "patronymic": self.mention.patronymic,
            }
        elif action == CREATE and self.mention.type == PLACE:
            for name in ("name", "region_kind", "country"):
                if not cleaned.get(name):
                    self.add_error(name, _("A new region needs a name, a kind and a country."))
            cleaned["value"] = {
                "name": cleaned.get("name", "").strip(),
                "kind": cleaned.get("region_kind"),
                "country_id": cleaned.get("country"),
            }
        elif action == CREATE:
            for name in ("name", "kind", "country"):
                if not cleaned.get(name):
                    self.add_error(
                        name, _("A new organization needs a name, a kind and a country.")
                    )
            cleaned["value"] = {
                "name": cleaned.get("name", "").strip(),
                "legal_form": cleaned.get("legal_form", "").strip(),
                "kind": cleaned.get("kind"),
                "country_id": cleaned.get("country"),
            }
        return cleaned


class BaseMentionFormSet(forms.BaseFormSet):
    def __init__(
        self,
        *args,
        mentions,
        candidates,
        countries,
        default_country=None,
        default_countries=None,
        **kwargs,
    ):
        self.mentions, self.candidates = mentions, candidates
        self.countries, self.default_country = countries, default_country
        self.default_countries = default_countries or {}
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        # One form per mention, whatever a tampered management form says.
        return len(self.mentions)

    @property
    def media(self):
        # There is no empty form to add rows from: the text decides the rows.
        return self.forms[0].media if self.forms else forms.Media()

    def get_form_kwargs(self, index):
        mention = self.mentions[index]
        return {
            # Every row is answered, even one the editor left as suggested.
            "empty_permitted": False,
            "mention": mention,
            "candidates": self.candidates.get(mention.key, []),
            "countries": self.countries,
            "default_country": self.default_country,
            "default_countries": self.default_countries,
        }

    def choices(self):
        """(mention, action, record or new record's fields) for every valid form."""
        return [
            (form.mention, form.cleaned_data["action"], form.cleaned_data.get("value"))
            for form in self.forms
        ]


MentionFormSet = forms.formset_factory(MentionForm, formset=BaseMentionFormSet, extra=0)
