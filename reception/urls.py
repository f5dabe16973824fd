from django.urls import path

from reception import views

app_name = "reception"

urlpatterns = [
    path("", views.managers, name="book"),
    path("manager/<int:manager_id>/", views.manager_slots, name="manager"),
    path("slot/<int:slot_id>/book/", views.book, name="slot_book"),
    path("booking/<str:number>/", views.confirmation, name="confirmation"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:token>/move/", views.reschedule, name="reschedule"),
    path("manage/<str:token>/invitation.ics", views.invitation, name="invitation"),
]
