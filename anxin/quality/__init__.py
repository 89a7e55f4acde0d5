"""Product quality: description accuracy, control charts and quality alerts, inspection tasks, sampling plans, delisting, penalties, public notices, rectification and the monthly quality report."""
