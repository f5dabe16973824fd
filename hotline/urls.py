from django.urls import path

from hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.policy, name="policy"),
    path("report/", views.report, name="report"),
    path("receipt/", views.receipt, name="receipt"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/message/", views.follow_up_message, name="follow_up_message"),
]
