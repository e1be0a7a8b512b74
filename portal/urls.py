from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Межрегиональное сотрудничество"
admin.site.site_title = "Межрегиональное сотрудничество"
admin.site.index_title = "Редакция"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cooperation.urls")),
]
