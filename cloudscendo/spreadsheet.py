"""CSV cells a spreadsheet shows as text, never runs as a formula (CSV injection).

OWASP's rule (https://owasp.org/www-community/attacks/CSV_Injection): a cell that begins
with =, +, -, @, a tab or a carriage return is prefixed with a single quote, which
Excel, LibreOffice and Google Sheets read as "this is text". The csv module then quotes
the cell, so separators and quotes inside it cannot open a new cell either.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """The value itself unless it is text a spreadsheet would run; numbers stay numbers (-3 is not a formula)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    # Python 3.11's csv writer quotes a cell holding the line terminator ("\n" here) but not a bare "\r",
    # which spreadsheets read as a new row: made "\n", the cell is quoted and stays one cell.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def row_safe(values):
    return [cell_safe(value) for value in values]
