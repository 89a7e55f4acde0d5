"""Administration pages at /manage/: policies, calendar, reasons, merchants, desk, users."""
