"""(being written)"""

app_name = "manage_targets"
urlpatterns: list = []
