"""The service desk in the console at /console/tickets/: queue, one ticket, phone calls,
revisits and agent performance."""

from django.urls import path

from anxin.web.views.console import performance as console_performance
from anxin.web.views.console import tickets as console_tickets

app_name = "console_tickets"
urlpatterns = [
    path("", console_tickets.queue, name="queue"),
    path("availability/", console_tickets.availability, name="availability"),
    path("phone/", console_tickets.phone, name="phone"),
    path("revisits/", console_performance.revisits, name="revisits"),
    path("revisits/<int:pk>/done/", console_performance.revisit_done, name="revisit_done"),
    path("performance/", console_performance.performance, name="performance"),
    path("<str:number>/", console_tickets.ticket_detail, name="ticket"),
    path("<str:number>/reply/", console_tickets.reply, name="reply"),
    path("<str:number>/canned/", console_tickets.canned, name="canned"),
    path("<str:number>/act/<slug:action>/", console_tickets.act, name="act"),
    path("<str:number>/route/<slug:what>/", console_tickets.route, name="route"),
]
