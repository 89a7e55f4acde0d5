"""The credit API (mounted at /api/v1/ by config/api.py): the public credit of a shop (no
login), the shop's own credit, sanctions and appeals, and the platform's lists and decisions."""

from ninja import Router

from .credit import public_router
from .credit import router as credit_router

router = Router()
router.add_router("", public_router)
router.add_router("", credit_router)
