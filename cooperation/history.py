"""Deleted records: finding them again and bringing them back with their parts.

simple-history keeps every version of every record, the deletion included; the admin's
history pages revert a record to any version, a deleted one too. Deleting a record also
deletes its parts (participants, parties, aliases, facts, citations), each into its own
history, so restoring the record restores the parts deleted with it.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse

from .models import Citation

# Parts are deleted one by one within a single delete(); a part deleted this close to its
# owner went with it, one deleted on its own earlier stays deleted.
DELETED_TOGETHER = dt.timedelta(seconds=5)

DELETED = "-"


def _tracked(model):
    return hasattr(model, "history") and model._meta.app_label == "cooperation"


def _deletion(model, pk):
    # On a historical model `pk` is the version's; `id` is the record's.
    return model.history.filter(id=pk, history_type=DELETED).order_by("-history_date").first()


def _parts(model):
    """(part model, field pointing at the owner) for the parts deleted with a `model`."""
    for relation in model._meta.related_objects:
        if relation.one_to_many and relation.on_delete is models.CASCADE:
            if _tracked(relation.related_model):
                yield relation.related_model, relation.field.attname


@transaction.atomic
def restore_parts(obj):
    """Restore the parts deleted together with `obj`, which has just been restored."""
    deletion = _deletion(type(obj), obj.pk)
    if deletion is None:
        return
    window = (deletion.history_date - DELETED_TOGETHER, deletion.history_date + DELETED_TOGETHER)
    content_type = ContentType.objects.get_for_model(obj)
    candidates = [(part, {owner_field: obj.pk}) for part, owner_field in _parts(type(obj))]
    if hasattr(obj, "citations"):
        candidates.append((Citation, {"content_type_id": content_type.pk, "object_id": obj.pk}))
    for part, lookup in candidates:
        versions = part.history.filter(
            **lookup, history_type=DELETED, history_date__range=window
        ).exclude(id__in=part._default_manager.values("pk"))
        for version in versions:
            child = version.instance
            child.save()
            restore_parts(child)


def _missing_owner(instance, cache):
    """Whether a record points at a record that no longer exists (it comes back with it)."""
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        value = getattr(instance, field.attname)
        if value is None or field.related_model._meta.app_label != "cooperation":
            continue
        key = (field.related_model, value)
        if key not in cache:
            cache[key] = field.related_model._default_manager.filter(pk=value).exists()
        if not cache[key]:
            return True
    content_object_id = getattr(instance, "object_id", None)
    if content_object_id is not None:
        model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
        return not model._default_manager.filter(pk=content_object_id).exists()
    return False


def deleted_records(request, site, *, limit=100):
    """The latest deletions the user may see on the admin `site`, newest first, each with its
    history page."""
    rows, cache = [], {}
    for model, model_admin in site._registry.items():
        if not _tracked(model) or not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        versions = (
            model.history.filter(history_type=DELETED)
            .exclude(id__in=model._default_manager.values("pk"))
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
        seen = set()
        for version in versions:
            if version.id in seen:  # deleted, restored and deleted again
                continue
            seen.add(version.id)
            if _missing_owner(version.instance, cache):
                continue
            # The deletion's own version has lost its many-to-many links; the one before
            # it is what the record looked like.
            last = version.prev_record or version
            url_name = f"admin:{opts.app_label}_{opts.model_name}"
            rows.append(
                {
                    "model": model,
                    "kind": opts.verbose_name,
                    "name": str(version.instance),
                    "deleted_at": version.history_date,
                    "deleted_by": version.history_user,
                    "history_url": reverse(f"{url_name}_history", args=[version.id]),
                    "restore_url": reverse(
                        f"{url_name}_simple_history", args=[version.id, last.history_id]
                    ),
                }
            )
    rows.sort(key=lambda row: row["deleted_at"], reverse=True)
    return rows[:limit]
