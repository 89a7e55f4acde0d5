"""Pages: the anonymous contact form, "check your inbox", and the confirmation link."""

from django.urls import path

from anxin.web.views import contact

app_name = "contact"
urlpatterns = [
    path("", contact.form, name="form"),
    path("sent/", contact.sent, name="sent"),
    path("confirm/<str:token>/", contact.confirm, name="confirm"),
]
