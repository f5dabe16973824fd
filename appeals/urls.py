from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/finished/", views.track_finished, name="track_finished"),
    path("code/", views.lost_code, name="lost_code"),
    path("track/<str:number>/", views.detail, name="detail"),
    path("track/<str:number>/add/", views.add_information, name="add_information"),
    path("track/<str:number>/rate/", views.rate, name="rate"),
]
