"""The quality inspector's workspace at /console/quality/ (namespace "console_quality")."""

from django.urls import path

from anxin.web.views.console.quality import alerts, notices, plans, tasks

app_name = "console_quality"
urlpatterns = [
    path("", alerts.home, name="home"),
    path("alerts/<str:number>/dismiss/", alerts.dismiss, name="dismiss"),
    path("tasks/", tasks.tasks, name="tasks"),
    path("tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<str:number>/", tasks.task, name="task"),
    path("tasks/<str:number>/take/", tasks.take, name="take"),
    path("tasks/<str:number>/inspect/", tasks.inspect, name="inspect"),
    path("tasks/<str:number>/cancel/", tasks.cancel, name="cancel"),
    path("reports/<str:public_id>", tasks.report, name="report"),
    path("plans/", plans.plans, name="plans"),
    path("plans/<int:pk>/", plans.plan, name="plan"),
    path("notices/", notices.notices, name="notices"),
    path("accuracy/", notices.accuracy, name="accuracy"),
]
