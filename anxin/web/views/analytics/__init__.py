"""The analytics pages: the platform's dashboard (/console/analytics/), a shop's own
(/shop/analytics/), the cases behind any number and the CSV/XLSX exports of every table.

The figures come from ``anxin.analytics.queries`` and ``anxin.analytics.hotspots``; this package
only arranges them: ``tables`` turns them into tables (shown under every chart and exported),
``charts`` into ECharts options, ``filters`` reads the filter bar.
"""
