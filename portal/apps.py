from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the portal's own site (portal/admin.py) as `admin.site`."""

    default_site = "portal.admin.AdminSite"
