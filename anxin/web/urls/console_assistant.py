"""Assistant review in the console at /console/assistant/: figures, conversations (personal data
masked) and intent corrections."""

from django.urls import path

from anxin.web.views.console import assistant as views

app_name = "console_assistant"
urlpatterns = [
    path("", views.conversations, name="list"),
    path("<uuid:conversation_id>/", views.conversation, name="detail"),
    path("<uuid:conversation_id>/messages/<int:message_id>/intent/", views.correct, name="correct"),
]
