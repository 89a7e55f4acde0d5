"""Pages: the console's inbound mail (quarantine) list, one mail, release and discard."""

from django.urls import path

from anxin.web.views.console import mail as console_mail

app_name = "console_mail"
urlpatterns = [
    path("", console_mail.mail_list, name="list"),
    path("<int:mail_id>/", console_mail.mail_detail, name="detail"),
    path("<int:mail_id>/release/", console_mail.release, name="release"),
    path("<int:mail_id>/discard/", console_mail.discard, name="discard"),
]
