from django.urls import path

from charity import views, views_info

app_name = "charity"

urlpatterns = [
    path("charity/", views_info.info, name="info"),
    path("charity/apply/", views.apply, name="apply"),
    path("charity/receipt/", views.receipt, name="receipt"),
    path("charity/track/", views.track, name="track"),
    path("charity/track/finished/", views.track_finished, name="track_finished"),
    path("charity/code/", views.lost_code, name="lost_code"),
    path("charity/track/<str:number>/", views.detail, name="detail"),
    path("charity/track/<str:number>/documents/", views.add_documents, name="add_documents"),
    path("charity/track/<str:number>/message/", views.message, name="message"),
    path("charity/track/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("charity/report/<int:year>/", views_info.report, name="report"),
    path("social-projects/", views_info.social_projects, name="social_projects"),
    path(
        "social-projects/photos/<int:pk>/",
        views_info.social_project_photo,
        name="social_project_photo",
    ),
]
