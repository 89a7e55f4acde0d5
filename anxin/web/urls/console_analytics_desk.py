"""(being written)"""

app_name = "console_analytics_desk"
urlpatterns: list = []
