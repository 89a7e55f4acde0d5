"""Tickets about the merchant's orders at /shop/tickets/."""

from django.urls import path

from anxin.web.views.merchant import tickets as views

app_name = "merchant_tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("<str:number>/", views.ticket_detail, name="ticket"),
    path("<str:number>/reply/", views.reply, name="reply"),
]
