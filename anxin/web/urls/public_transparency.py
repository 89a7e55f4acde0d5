"""(being written)"""

app_name = "public_transparency"
urlpatterns: list = []
