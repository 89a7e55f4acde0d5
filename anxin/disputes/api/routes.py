"""The disputes API, mounted once in config/api.py: disputes, the public review panel, the
merchant deposit."""

from ninja import Router

from .deposit import router as deposit_router
from .disputes import router as disputes_router
from .panels import router as panels_router

router = Router()
router.add_router("", disputes_router)
router.add_router("", panels_router)
router.add_router("", deposit_router)
