"""Platform console pages at /console/: board, cases, tickets, knowledge base, mail, quality."""
