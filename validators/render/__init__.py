"""Renderings of values computed upstream: annotated copies, totals workbook, tables of the user guide."""
