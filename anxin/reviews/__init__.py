"""Verified-purchase reviews of order lines, after-sales service reviews of closed cases, appended reviews, merchant replies, moderation and fraud signals."""
