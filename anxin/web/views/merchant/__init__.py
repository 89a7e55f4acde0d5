"""Merchant workbench pages at /shop/: dashboard, queue, case pages, policy and addresses."""
