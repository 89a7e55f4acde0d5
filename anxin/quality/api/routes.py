"""The quality API (mounted at /api/v1/ by config/api.py): alerts, tasks and inspections,
rectifications, sampling plans, the public notices, description accuracy and the monthly report."""

from ninja import Router

from .alerts import router as alerts_router
from .public import router as public_router
from .reports import router as reports_router
from .tasks import router as tasks_router

router = Router(tags=["quality"])
router.add_router("", alerts_router)
router.add_router("", tasks_router)
router.add_router("", reports_router)
router.add_router("", public_router)
