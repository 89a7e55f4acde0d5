"""The reviews API (mounted at /api/v1/ by config/api.py): writing and reading reviews, the public
lists (no login) and the moderation queue."""

from ninja import Router

from .moderation import router as moderation_router
from .public import router as public_router
from .reviews import router as reviews_router

router = Router()
router.add_router("", public_router)
router.add_router("", reviews_router)
router.add_router("", moderation_router)
