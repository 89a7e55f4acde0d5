"""The quality API (mounted at /api/v1/ by config/api.py)."""

from ninja import Router

router = Router(tags=["quality"])
