"""The .xlsx package format, below the readers and the renderers.

Everything that knows how an Office Open XML workbook is laid out lives here: the parts and their
relationships (parts.py), zip reading and writing (zipfiles.py), the text a cell holds (text.py),
A1 references (refs.py), the first rows and shared strings read without a full parse
(sheet_read.py), the streamed rewrite of a worksheet (sheet_plan.py, sheet_stream.py,
sheet_rows.py), styles and comments spliced into an existing package (styles.py, comments.py),
the tables written with openpyxl (tables.py) and the bulk row writer (table_rows.py).
Nothing here imports the stages above (read, check, render ...).
"""
