"""Renderings of values computed upstream: annotated copies, totals workbook, README tables."""
