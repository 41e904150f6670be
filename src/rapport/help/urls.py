from django.urls import path

from rapport.help import views

app_name = "help"
urlpatterns = [
    path("", views.start, name="start"),
    path("img/<str:language>/<str:name>.png", views.picture, name="picture"),
    path("<str:language>/", views.index, name="index"),
    path("<str:language>/<str:slug>/", views.page, name="page"),
]
