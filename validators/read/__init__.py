"""Reading registers: the register contract (columns, synonyms, header row), the Excel, ODS and CSV readers,
the file guards (size, zip bombs, encryption) and the Carichi reader. Output: raw string cells with row numbers.
"""
