"""Helpers for posting admin forms as a browser would: the page's own values, a few changed."""

from django import forms
from django.contrib.auth.models import Group, User


def user_in(group, username):
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _values(form, data):
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue  # an unticked box and an empty choice are not posted
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)


def form_data(response, **changes):
    """The data the admin form on `response` would post, with `changes` applied."""
    data = {}
    _values(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _values(formset.management_form, data)
        for form in formset.forms:
            _values(form, data)
    data.update(changes)
    return data
