"""Consumer portal pages at /my/: overview, orders, requests, tickets and feedback."""
