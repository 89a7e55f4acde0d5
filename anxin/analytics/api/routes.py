"""The analytics API (mounted at /api/v1/ by config/api.py): dashboard figures for the platform
and a shop, the desk's figures, service targets and the public transparency report."""

from ninja import Router

from .dashboards import router as dashboards_router
from .desk import router as desk_router
from .targets import router as targets_router
from .transparency import router as transparency_router

router = Router(tags=["analytics"])
router.add_router("", dashboards_router)
router.add_router("", desk_router)
router.add_router("", targets_router)
router.add_router("", transparency_router)
