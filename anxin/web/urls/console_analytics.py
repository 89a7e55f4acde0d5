"""(being written)"""

app_name = "console_analytics"
urlpatterns: list = []
