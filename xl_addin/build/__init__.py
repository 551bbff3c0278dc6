"""Builders that write files: the Excel template, the classic .xlam add-in, the xlwings Lite injection."""
