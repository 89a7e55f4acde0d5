"""The REST API under /api/v1/: one NinjaAPI composed of each app's router."""

from ninja import NinjaAPI

from anxin.analytics.api.routes import router as analytics_router
from anxin.assistant.api.routes import router as assistant_router
from anxin.cases.api.addresses import router as addresses_router
from anxin.cases.api.cases import router as cases_router
from anxin.cases.api.messages import router as case_messages_router
from anxin.cases.api.webhooks import router as webhooks_router
from anxin.catalog.api.orders import router as orders_router
from anxin.core.api.errors import install_error_handlers
from anxin.credit.api.routes import router as credit_router
from anxin.disputes.api.routes import router as disputes_router
from anxin.feedback.api.routes import router as feedback_router
from anxin.knowledge.api.routes import router as knowledge_router
from anxin.notifications.api.routes import router as notifications_router
from anxin.quality.api.routes import router as quality_router
from anxin.reviews.api.routes import router as reviews_router
from anxin.tickets.api.mail import router as mail_router
from anxin.tickets.api.tickets import router as tickets_router

api = NinjaAPI(
    title="Anxin API",
    version="1",
    description=(
        "After-sales service platform. Errors have one shape: "
        '{"error": {"code": "...", "message": "<localized>", "fields": {"path": "message"}}}. '
        "Send Accept-Language: zh-Hans or en."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", orders_router)
api.add_router("", cases_router)
api.add_router("", case_messages_router)
api.add_router("", addresses_router)
api.add_router("", notifications_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("", tickets_router)
api.add_router("/webhooks", mail_router)
api.add_router("", knowledge_router)
api.add_router("", feedback_router)
api.add_router("", assistant_router)
api.add_router("", disputes_router)
api.add_router("", reviews_router)
api.add_router("", quality_router)
api.add_router("", analytics_router)
api.add_router("", credit_router)
