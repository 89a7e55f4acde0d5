"""The fixed intent set (names are part of the API and of the training data folder)."""

INTENTS: tuple[str, ...] = (
    "greeting",
    "thanks_bye",
    "order_status",
    "refund_request",
    "return_request",
    "exchange_request",
    "repair_request",
    "refund_status",
    "case_status",
    "policy_question",
    "complaint",
    "human_agent",
    "cancel_order",
    "change_address",
    "invoice",
    "payment_issue",
    "product_question",
    "account",
    "out_of_scope",
)
OUT_OF_SCOPE = "out_of_scope"
LANGUAGES: tuple[str, ...] = ("zh-Hans", "en")
