"""The consumer's tickets at /my/tickets/."""

from django.urls import path

from anxin.web.views.consumer import tickets as views

app_name = "consumer_tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("<str:number>/", views.ticket_detail, name="ticket"),
    path("<str:number>/reply/", views.reply, name="reply"),
    path("<str:number>/resolution/<slug:answer>/", views.respond, name="respond"),
]
