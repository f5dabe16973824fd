from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pkop_portal import views, views_statistics

admin.site.site_header = _("PKOP Citizen Portal: staff")
admin.site.site_title = _("PKOP Citizen Portal")
admin.site.index_title = _("Appeals, reception, assistance and hotline")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("procedure/", views.procedure, name="procedure"),
    path("contacts/", views.contacts, name="contacts"),
    path("personal-data/", views.privacy, name="privacy"),
    path("statistics/", views_statistics.statistics, name="statistics"),
    path("appeals/", include("appeals.urls")),
    path("reception/", include("reception.urls")),
    path("", include("charity.urls")),
    path("hotline/", include("hotline.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "pkop_portal.views.bad_request"
handler500 = "pkop_portal.views.server_error"

# MEDIA is never served as such, not even with DEBUG: it holds applicants' documents and
# attachments. Files reach people only through views that check who asks (the staff admin's
# downloads) or what may be public (charity:social_project_photo).
