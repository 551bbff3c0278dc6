"""UNO driver that runs headless LibreOffice Calc for the test harness.

This script is executed by the system Python that ships ``uno`` (on Debian:
``/usr/bin/python3`` with ``python3-uno``), never imported by the tests.
It reads one JSON request on stdin and writes one JSON answer on stdout.

Request::

    {
      "session_dir": "/tmp/registro-lo-xxxx",  # existing, private work dir
      "pipe_name": "registro_lo_<hex>",         # unique UNO pipe name
      "soffice": "/usr/bin/soffice",            # optional
      "timeout": 180,                           # watchdog for the whole run
      "connect_timeout": 60,                    # bound for connecting to soffice
      "jobs": [{"document": "/abs/path.xlsx", "ops": [{"op": "...", ...}]}]
    }

Answer: ``{"ok": true, "results": [[<one result per op>], ...]}`` or
``{"ok": false, "error": "...", "job": i, "op_index": j, "op": "...",
"traceback": "..."}``.

Operations (``sheet`` is a name or a 0-based index; cells are A1 strings)::

    {"op": "set", "sheet", "cell", "value": 1.5 | "text" | true | null}
    {"op": "set", "sheet", "cell", "formula": "=SUM($Data.A1:A3;2)"}  # UNO/Calc syntax
    {"op": "set", "sheet", "cell", "formula_xlsx": "=SUM(Data!A1:A3,2)"} # Excel syntax
    {"op": "calculate_all"}                                     -> null
    {"op": "get", "sheet", "range": "A2:K10"}
        -> [[{"value", "string", "error", "type", ("formula", "result")}]]
    {"op": "validation", "sheet", "cell"}
        -> {"Type", "Operator", "Formula1", "Formula2", "SourcePosition",
            "ShowList", "IgnoreBlankCells", "ShowErrorMessage", "ErrorTitle",
            "ErrorMessage", "ErrorAlertStyle", "ShowInputMessage", ...}
    {"op": "list_entries", "sheet", "cell"}
        -> {"formula", "entries", "values", "has_blank", "error", "truncated"}
    {"op": "is_valid", "sheet", "cell"}                         -> bool
    {"op": "invalid_cells", "sheet"}                            -> ["B4", ...]
    {"op": "sheet_names"}                                       -> [names]
    {"op": "sheet_info", ["sheet"]}
        -> {"name", "index", "visible", "protected", "charts"} (list if no sheet)
    {"op": "named_ranges"}                 -> [{"name", "content", "scope"}]
    {"op": "charts", ["sheet"]}                                 -> {sheet: count}
    {"op": "save_as", "path", ["filter"]}                       -> path
    {"op": "export_pdf", "path", ["sheets"], ["filter_data"]}   -> path
    {"op": "sleep", "seconds"}                                  -> null
    {"op": "look", "sheet", "range": "A1:K3"}
        -> [[{"string", "back_color" ("RRGGBB" or null), "comment", "links": [url], "bold", "wrap"}]]
    {"op": "sheet_layout", "sheet"}
        -> {"autofilter": "A1:K3" | null, "title_rows": "1:1" | null, "landscape", "pages_wide",
            "frozen": [columns, rows] | null, "column_widths": [1/100 mm per column of "columns"]}
    {"op": "follow_link", "sheet", "cell"}  -> "Registro.G3": where the cell's link takes the cursor

Every document is copied into the session dir before loading, so the
original file is never locked or modified.  soffice is started in its own
process group, its group id is written to ``<session_dir>/soffice.pgid`` (so
the caller can kill it if this script itself is killed), and the group is
always asked to quit and then killed before this script exits.
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import CellAddress

# The real stdout carries the JSON answer only; anything else goes to stderr.
_ANSWER_STREAM = sys.stdout
sys.stdout = sys.stderr

# com.sun.star.sheet.FormulaResult constants (FormulaResultType2 property).
_FORMULA_RESULT = {1: "VALUE", 2: "STRING", 4: "ERROR"}
# com.sun.star.sheet.CellFlags: VALUE | DATETIME | STRING | FORMULA.
_CONTENT_FLAGS = 1 | 2 | 4 | 16
# Upper bound of cells evaluated for one list validation source.
_MAX_LIST_CELLS = 20000
# com.sun.star.sheet.ReferenceFlags.SHEET_3D: print the sheet name.
_REF_SHEET_3D = 64
# com.sun.star.sheet.AddressConvention.XL_OOX: Excel formula syntax.
_CONV_XL_OOX = 3
# Calc's "Mark Invalid Data" stops after this many circles (SC_DET_MAXCIRCLE).
_MAX_CIRCLES = 1000
# Export filters by file extension for save_as when no filter is given.
_FILTERS_BY_EXT = {
    ".xlsx": "Calc Office Open XML",
    ".xls": "MS Excel 97",
    ".ods": "calc8",
    ".csv": "Text - txt - csv (StarCalc)",
    ".pdf": "calc_pdf_Export",
}


class DriverError(Exception):
    """Error with a message meant for the test author."""


class Session:
    """One soffice process plus the UNO desktop connected to it."""

    def __init__(self, request):
        """Store settings from the request; nothing is started yet."""
        self.session_dir = request["session_dir"]
        self.pipe_name = request["pipe_name"]
        self.soffice = request.get("soffice") or "soffice"
        self.connect_timeout = float(request.get("connect_timeout", 60))
        self.proc = None
        self.desktop = None
        self._lock = threading.Lock()

    def start(self):
        """Launch soffice headless with a private profile and connect to it."""
        profile = os.path.join(self.session_dir, "profile")
        os.makedirs(profile, exist_ok=True)
        log = open(os.path.join(self.session_dir, "soffice.log"), "wb")
        cmd = [
            self.soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
            "--accept=pipe,name=%s;urp;" % self.pipe_name,
        ]
        # soffice's temp files go into the session dir, removed by the caller.
        tmp = os.path.join(self.session_dir, "tmp")
        os.makedirs(tmp, exist_ok=True)
        env = dict(os.environ, TMPDIR=tmp)
        # Own process group, so the whole soffice -> oosplash -> soffice.bin
        # tree can be killed at once; never inherit our stdout (JSON channel).
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        log.close()
        with open(os.path.join(self.session_dir, "soffice.pgid"), "w") as fh:
            fh.write(str(self.proc.pid))
        self.desktop = self._connect()

    def _connect(self):
        """Resolve the remote component context, retrying until the bound."""
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe_name
        deadline = time.monotonic() + self.connect_timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DriverError(
                    "soffice exited with code %s before accepting connections: %s"
                    % (self.proc.returncode, self._log_tail())
                )
            try:
                ctx = resolver.resolve(url)
                return ctx.ServiceManager.createInstanceWithContext(
                    "com.sun.star.frame.Desktop", ctx
                )
            except Exception as exc:  # NoConnectException until soffice is up
                last_error = exc
                time.sleep(0.2)
        raise DriverError(
            "could not connect to soffice within %.0f s (%s); log: %s"
            % (self.connect_timeout, _uno_message(last_error), self._log_tail())
        )

    def _log_tail(self):
        """Return the last lines soffice printed, for error messages."""
        try:
            with open(os.path.join(self.session_dir, "soffice.log"), "rb") as fh:
                return fh.read()[-2000:].decode("utf-8", "replace").strip() or "(empty)"
        except OSError:
            return "(no log)"

    def shutdown(self, grace=5.0):
        """Ask soffice to quit (so it removes its pipe), then kill the group."""
        proc, desktop = self.proc, self.desktop
        if proc is not None and desktop is not None and proc.poll() is None:
            # terminate() may block or raise once the bridge goes away: run
            # it in a daemon thread and never wait longer than the grace time.
            worker = threading.Thread(target=_quietly, args=(desktop.terminate,), daemon=True)
            worker.start()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        """Kill the soffice process group; safe to call more than once."""
        with self._lock:
            proc, self.proc = self.proc, None
        if proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=3)
                # The wrapper may be gone while soffice.bin lingers: probe group.
                os.killpg(proc.pid, 0)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
        try:
            proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
        self._remove_pipes()

    def _remove_pipes(self):
        """Delete the pipe sockets a killed soffice leaves in /tmp."""
        profile_url = uno.systemPathToFileUrl(os.path.join(self.session_dir, "profile"))
        # soffice names its single-instance pipe after the MD5 of the UTF-16
        # profile URL, each byte in unpadded hex.
        digest = hashlib.md5(profile_url.encode("utf-16-le")).digest()
        ipc = "SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)
        for name in (self.pipe_name, ipc):
            for folder in ("/tmp", "/var/tmp"):
                try:
                    os.unlink(os.path.join(folder, "OSL_PIPE_%d_%s" % (os.getuid(), name)))
                except OSError:
                    pass

    def open(self, path, job_index):
        """Copy the document into the session dir and load it hidden."""
        if not os.path.isfile(path):
            raise DriverError("document not found: %s" % path)
        copy_dir = os.path.join(self.session_dir, "docs", str(job_index))
        os.makedirs(copy_dir, exist_ok=True)
        copy = os.path.join(copy_dir, os.path.basename(path))
        shutil.copyfile(path, copy)
        doc = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(copy),
            "_blank",
            0,
            _props(Hidden=True, MacroExecutionMode=0, UpdateDocMode=0, ReadOnly=False),
        )
        if doc is None or not hasattr(doc, "Sheets"):
            if doc is not None:
                _close(doc)
            raise DriverError("LibreOffice could not load %s as a spreadsheet" % path)
        return doc


def _props(**kwargs):
    """Build a tuple of PropertyValue from keyword arguments."""
    out = []
    for name, value in kwargs.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _close(doc):
    """Close a document without asking, ignoring errors."""
    try:
        doc.close(True)
    except Exception:
        try:
            doc.dispose()
        except Exception:
            pass


def _quietly(func):
    """Call func, ignoring any exception."""
    try:
        func()
    except Exception:
        pass


def _uno_message(exc):
    """Best human-readable text of a (UNO) exception."""
    if exc is None:
        return ""
    message = getattr(exc, "Message", None) or str(exc)
    return "%s: %s" % (type(exc).__name__, message)


def _enum_name(value):
    """Return the name of a UNO enum value (or the value itself)."""
    return getattr(value, "value", value)


def _sheet(doc, ref):
    """Look a sheet up by name or 0-based index."""
    sheets = doc.Sheets
    if isinstance(ref, int):
        if not 0 <= ref < sheets.Count:
            raise DriverError("no sheet with index %d" % ref)
        return sheets.getByIndex(ref)
    if not isinstance(ref, str) or not sheets.hasByName(ref):
        raise DriverError("no sheet named %r (sheets: %s)" % (ref, list(sheets.ElementNames)))
    return sheets.getByName(ref)


def _range(sheet, address):
    """Return the cell range for an A1 address like 'A5' or 'A2:K10'."""
    try:
        return sheet.getCellRangeByName(address)
    except Exception as exc:
        raise DriverError("bad cell address %r: %s" % (address, _uno_message(exc)))


def _cell(sheet, address):
    """Return the single cell for an A1 address."""
    rng = _range(sheet, address)
    addr = rng.RangeAddress
    if addr.StartColumn != addr.EndColumn or addr.StartRow != addr.EndRow:
        raise DriverError("expected a single cell, got %r" % address)
    return rng.getCellByPosition(0, 0)


def _a1(column, row):
    """Format 0-based column/row as an A1 address without '$'."""
    letters = ""
    column += 1
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return "%s%d" % (letters, row + 1)


def _cell_info(cell):
    """Describe one cell: value, display string, error code and type."""
    ctype = _enum_name(cell.Type)
    info = {
        "value": cell.getValue(),
        "string": cell.getString(),
        "error": cell.getError(),
        "type": ctype,
    }
    if ctype == "FORMULA":
        info["formula"] = cell.getFormula()
        info["result"] = _FORMULA_RESULT.get(cell.FormulaResultType2, "UNKNOWN")
    return info


# --------------------------------------------------------------------------
# Operations.  Each takes (doc, op dict) and returns a JSON-able result.
# --------------------------------------------------------------------------


def op_set(doc, op):
    """Set a cell to a number, a string, a formula or empty (value null)."""
    cell = _cell(_sheet(doc, op["sheet"]), op["cell"])
    if "formula" in op:
        # UNO API grammar: English names, ';' separators, $Sheet.A1 refs.
        cell.setFormula(op["formula"])
    elif "formula_xlsx" in op:
        # Excel/OOXML syntax (',' separators, Sheet!A1) as openpyxl writes it.
        parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
        parser.CompileEnglish = True
        parser.FormulaConvention = _CONV_XL_OOX
        cell.setTokens(parser.parseFormula(op["formula_xlsx"], cell.CellAddress))
    elif "value" not in op:
        raise DriverError("set needs 'value', 'formula' or 'formula_xlsx'")
    elif op["value"] is None:
        cell.clearContents(_CONTENT_FLAGS)
    elif isinstance(op["value"], bool):
        cell.setValue(1.0 if op["value"] else 0.0)
    elif isinstance(op["value"], (int, float)):
        cell.setValue(float(op["value"]))
    elif isinstance(op["value"], str):
        cell.setString(op["value"])
    else:
        raise DriverError("unsupported value type %r" % type(op["value"]).__name__)
    return None


def op_calculate_all(doc, op):
    """Recalculate every formula in the document."""
    doc.calculateAll()
    return None


def op_get(doc, op):
    """Return rows of cell info dicts for a range."""
    rng = _range(_sheet(doc, op["sheet"]), op["range"])
    addr = rng.RangeAddress
    rows = []
    for r in range(addr.EndRow - addr.StartRow + 1):
        rows.append(
            [
                _cell_info(rng.getCellByPosition(c, r))
                for c in range(addr.EndColumn - addr.StartColumn + 1)
            ]
        )
    return rows


def op_validation(doc, op):
    """Describe the validation of one cell with TableValidation property names."""
    sheet = _sheet(doc, op["sheet"])
    val = _cell(sheet, op["cell"]).getPropertyValue("Validation")
    src = val.getSourcePosition()
    return {
        "Type": _enum_name(val.Type),
        "Operator": _enum_name(val.getOperator()),
        "Formula1": val.getFormula1(),
        "Formula2": val.getFormula2(),
        "SourcePosition": _a1(src.Column, src.Row),
        "ShowList": int(val.ShowList),
        "IgnoreBlankCells": bool(val.IgnoreBlankCells),
        "ShowErrorMessage": bool(val.ShowErrorMessage),
        "ErrorTitle": val.ErrorTitle,
        "ErrorMessage": val.ErrorMessage,
        "ErrorAlertStyle": _enum_name(val.ErrorAlertStyle),
        "ShowInputMessage": bool(val.ShowInputMessage),
        "InputTitle": val.InputTitle,
        "InputMessage": val.InputMessage,
    }


def _separator_opcode(parser, where):
    """Find the opcode LibreOffice uses for the ';' argument separator."""
    tokens = parser.parseFormula('"a";"b"', where)
    return tokens[1].OpCode


def _literal_list(tokens, sep_opcode):
    """Return the constants of a literal list ("a";"b";1) or None."""
    items = []
    for i, tok in enumerate(tokens):
        if i % 2:
            if tok.OpCode != sep_opcode or tok.Data is not None:
                return None
        elif isinstance(tok.Data, (str, float)):
            items.append(tok.Data)
        else:
            return None
    return items if items and len(tokens) % 2 == 1 else None


def _number_text(value):
    """Render a float like Calc's General format does for plain numbers."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _with_sheet_names(tokens):
    """Copy tokens with every cell reference flagged 3D (sheet name printed)."""
    out = []
    for tok in tokens:
        data = tok.Data
        type_name = getattr(data, "typeName", "")
        if type_name == "com.sun.star.sheet.SingleReference":
            data.Flags |= _REF_SHEET_3D
            tok.Data = data
        elif type_name == "com.sun.star.sheet.ComplexReference":
            ref1 = data.Reference1
            ref1.Flags |= _REF_SHEET_3D
            data.Reference1 = ref1
            tok.Data = data
        out.append(tok)
    return tuple(out)


def op_list_entries(doc, op):
    """Evaluate a list validation's source like the Calc dropdown does."""
    sheet = _sheet(doc, op["sheet"])
    cell = _cell(sheet, op["cell"])
    val = cell.getPropertyValue("Validation")
    if _enum_name(val.Type) != "LIST":
        raise DriverError("cell %s has no list validation" % op["cell"])
    target = cell.CellAddress
    # Formula1 is relative to the validation's source position; the sheet of
    # SourcePosition is unreliable after xlsx import, so use the cell's sheet.
    src = val.getSourcePosition()
    src = CellAddress(target.Sheet, src.Column, src.Row)
    parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
    parser.CompileEnglish = True  # same grammar as getFormula1/setFormula
    tokens = parser.parseFormula(val.getFormula1(), src)
    # Printing at the target cell shifts relative references (A2 -> A5).
    result = {
        "formula": parser.printFormula(tokens, target),
        "entries": [],
        "values": [],
        "has_blank": False,
        "error": 0,
        "truncated": False,
    }
    literal = _literal_list(tokens, _separator_opcode(parser, src))
    if literal is not None:
        result["entries"] = [v if isinstance(v, str) else _number_text(v) for v in literal]
        result["values"] = list(literal)
        return result
    # With sheet names printed, the expression can be evaluated on a scratch
    # sheet without touching (or un-protecting) the document's own sheets.
    expression = parser.printFormula(_with_sheet_names(tokens), target)
    result.update(_evaluate_list(doc, expression))
    return result


def _evaluate_list(doc, expression):
    """Evaluate a range/array expression on a temporary sheet, row by row."""
    sheets = doc.Sheets
    name = "__lo_driver_scratch__"
    sheets.insertNewByName(name, sheets.Count)
    try:
        scratch = sheets.getByName(name)
        # Step 1: size of the result (ROWS/COLUMNS also work on arrays).
        n_cell, m_cell = scratch.getCellByPosition(0, 0), scratch.getCellByPosition(1, 0)
        n_cell.setFormula("=ROWS(%s)" % expression)
        m_cell.setFormula("=COLUMNS(%s)" % expression)
        doc.calculate()
        error = n_cell.getError() or m_cell.getError()
        if error:
            # Same as Calc: an erroneous source offers no entries.
            return {"error": error}
        rows, cols = int(n_cell.getValue()), int(m_cell.getValue())
        if rows < 1 or cols < 1:
            return {}
        truncated = rows * cols > _MAX_LIST_CELLS
        formula = "=%s" % expression
        if truncated:
            # Huge sources are whole columns: look at their top part only.
            rows = max(1, _MAX_LIST_CELLS // cols)
            formula = "=OFFSET(%s;0;0;%d;%d)" % (expression, rows, cols)
        # Step 2: the values themselves, through one array formula.
        block = scratch.getCellRangeByPosition(0, 1, cols - 1, rows)
        block.setArrayFormula(formula)
        doc.calculate()
        entries, values, has_blank, error = [], [], False, 0
        # Row by row, like Calc fills the dropdown.
        for r in range(rows):
            for c in range(cols):
                item = block.getCellByPosition(c, r)
                kind = _FORMULA_RESULT.get(item.FormulaResultType2)
                text = item.getString()
                if kind == "ERROR" or item.getError():
                    error = error or item.getError()
                    entries.append(text)
                    values.append(None)
                elif text == "":
                    # Empty source cells come back as an empty display string.
                    has_blank = True
                else:
                    entries.append(text)
                    values.append(item.getValue() if kind == "VALUE" else text)
        return {
            "entries": entries,
            "values": values,
            "has_blank": has_blank,
            "error": error,
            "truncated": truncated,
        }
    finally:
        sheets.removeByName(name)


def _invalid_cells(sheet):
    """Mark invalid data (Detective) and return the circled cell addresses."""
    sheet.clearArrows()
    sheet.showInvalid()
    found = set()
    page = sheet.DrawPage
    for i in range(page.Count):
        shape = page.getByIndex(i)
        # Detective circles are ellipses on the internal layer, anchored to
        # the cell they mark.
        if shape.ShapeType != "com.sun.star.drawing.EllipseShape":
            continue
        if shape.LayerName != "intern" and shape.LayerID != 2:
            continue
        anchor = shape.Anchor
        if anchor is not None and hasattr(anchor, "CellAddress"):
            addr = anchor.CellAddress
            found.add((addr.Row, addr.Column))
    sheet.clearArrows()
    return [_a1(c, r) for r, c in sorted(found)]


def op_invalid_cells(doc, op):
    """List the cells of a sheet whose content fails their validation."""
    return _invalid_cells(_sheet(doc, op["sheet"]))


def op_is_valid(doc, op):
    """Tell whether one cell's current content passes its validation."""
    sheet = _sheet(doc, op["sheet"])
    addr = _cell(sheet, op["cell"]).CellAddress
    invalid = _invalid_cells(sheet)
    name = _a1(addr.Column, addr.Row)
    if name not in invalid and len(invalid) >= _MAX_CIRCLES:
        raise DriverError(
            "sheet %s has %d+ invalid cells (Calc's marking limit); cannot judge %s"
            % (sheet.Name, _MAX_CIRCLES, name)
        )
    return name not in invalid


def op_sheet_names(doc, op):
    """Return the sheet names in order."""
    return list(doc.Sheets.ElementNames)


def _sheet_info(sheet, index):
    """Describe visibility, protection and charts of one sheet."""
    return {
        "name": sheet.Name,
        "index": index,
        "visible": bool(sheet.IsVisible),
        "protected": bool(sheet.isProtected()),
        "charts": sheet.getCharts().Count,
    }


def op_sheet_info(doc, op):
    """Describe one sheet, or all sheets when 'sheet' is omitted."""
    sheets = doc.Sheets
    if "sheet" in op:
        sheet = _sheet(doc, op["sheet"])
        return _sheet_info(sheet, list(sheets.ElementNames).index(sheet.Name))
    return [_sheet_info(sheets.getByIndex(i), i) for i in range(sheets.Count)]


def op_named_ranges(doc, op):
    """List global and sheet-local defined names with their content."""
    out = []
    scopes = [(None, doc.NamedRanges)]
    for i in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(i)
        if sheet.PropertySetInfo.hasPropertyByName("NamedRanges"):
            scopes.append((sheet.Name, sheet.NamedRanges))
    for scope, names in scopes:
        for name in names.ElementNames:
            out.append({"name": name, "content": names.getByName(name).getContent(), "scope": scope})
    return out


def op_charts(doc, op):
    """Count charts per sheet (all sheets, or the given one)."""
    if "sheet" in op:
        sheet = _sheet(doc, op["sheet"])
        return {sheet.Name: sheet.getCharts().Count}
    sheets = doc.Sheets
    return {
        sheets.getByIndex(i).Name: sheets.getByIndex(i).getCharts().Count
        for i in range(sheets.Count)
    }


def _store(doc, path, filter_name, filter_data=None):
    """Store a copy of the document to path with the given filter."""
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    props = {"FilterName": filter_name, "Overwrite": True}
    if filter_data is not None:
        props["FilterData"] = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**filter_data))
    # storeToURL keeps the loaded temp copy as the document's location.
    uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(path), _props(**props)))
    if not os.path.isfile(path):
        raise DriverError("LibreOffice did not write %s" % path)
    return path


def op_save_as(doc, op):
    """Save a copy with a filter (default chosen from the extension)."""
    path = op["path"]
    filter_name = op.get("filter") or _FILTERS_BY_EXT.get(os.path.splitext(path)[1].lower())
    if not filter_name:
        raise DriverError("no filter given and none known for %s" % path)
    return _store(doc, path, filter_name)


def op_export_pdf(doc, op):
    """Export a PDF, optionally of selected sheets only (others hidden meanwhile)."""
    sheets = doc.Sheets
    wanted = op.get("sheets")
    all_sheets = [sheets.getByIndex(i) for i in range(sheets.Count)]
    before = [bool(s.IsVisible) for s in all_sheets]
    if wanted:
        names = [_sheet(doc, ref).Name for ref in wanted]
    try:
        if wanted:
            # Show the wanted sheets first so Calc always keeps one visible.
            for sheet in all_sheets:
                if sheet.Name in names:
                    sheet.IsVisible = True
            for sheet in all_sheets:
                if sheet.Name not in names:
                    sheet.IsVisible = False
        return _store(doc, op["path"], "calc_pdf_Export", op.get("filter_data"))
    finally:
        if wanted:
            for sheet, visible in zip(all_sheets, before):
                if visible:
                    sheet.IsVisible = True
            for sheet, visible in zip(all_sheets, before):
                if not visible:
                    sheet.IsVisible = False


def op_sleep(doc, op):
    """Wait a number of seconds (lets tests exercise the timeout watchdog)."""
    time.sleep(float(op.get("seconds", 1)))
    return None


def _colour(value):
    """A UNO colour (int, -1 = none) as RRGGBB, or None."""
    return None if value is None or value < 0 else "%06X" % (value & 0xFFFFFF)


def _links(cell):
    """The link targets of a cell: its Hyperlink property and the URL fields of its text."""
    links = [cell.Hyperlink] if getattr(cell, "Hyperlink", "") else []
    fields = cell.getTextFields().createEnumeration()
    while fields.hasMoreElements():
        field = fields.nextElement()
        info = field.getPropertySetInfo()
        if info.hasPropertyByName("URL") and field.URL and field.URL not in links:
            links.append(field.URL)
    return links


def op_look(doc, op):
    """What a reader sees of each cell of a range: text, fill, comment, links, bold, wrap."""
    rng = _range(_sheet(doc, op["sheet"]), op["range"])
    addr = rng.RangeAddress
    rows = []
    for r in range(addr.EndRow - addr.StartRow + 1):
        row = []
        for c in range(addr.EndColumn - addr.StartColumn + 1):
            cell = rng.getCellByPosition(c, r)
            links = _links(cell)
            comment = cell.getAnnotation().getString() if cell.getAnnotation() else ""
            row.append({
                "string": cell.getString(),
                "back_color": None if cell.IsCellBackgroundTransparent else _colour(cell.CellBackColor),
                "comment": comment,
                "links": links,
                "bold": cell.CharWeight >= 150,
                "wrap": bool(cell.IsTextWrapped),
            })
        rows.append(row)
    return rows


def _range_text(doc, address):
    """A CellRangeAddress as 'A1:K3'."""
    return "%s:%s" % (_a1(address.StartColumn, address.StartRow), _a1(address.EndColumn, address.EndRow))


def op_sheet_layout(doc, op):
    """Autofilter, print titles, page orientation and scale, frozen panes, column widths of a sheet."""
    sheet = _sheet(doc, op["sheet"])
    index = sheet.RangeAddress.Sheet
    autofilter = None
    ranges = doc.getPropertyValue("UnnamedDatabaseRanges")
    if ranges.hasByTable(index):
        db = ranges.getByTable(index)
        if db.AutoFilter:
            autofilter = _range_text(doc, db.DataArea)
    for name in doc.DatabaseRanges.ElementNames:
        db = doc.DatabaseRanges.getByName(name)
        if db.DataArea.Sheet == index and db.AutoFilter and autofilter is None:
            autofilter = _range_text(doc, db.DataArea)
    title_rows = None
    if sheet.PrintTitleRows:
        t = sheet.TitleRows
        title_rows = "%d:%d" % (t.StartRow + 1, t.EndRow + 1)
    style = doc.StyleFamilies.getByName("PageStyles").getByName(sheet.PageStyle)
    frozen = None
    controller = doc.getCurrentController()
    if controller is not None:
        controller.setActiveSheet(sheet)
        if controller.hasFrozenPanes():
            frozen = [controller.getSplitColumn(), controller.getSplitRow()]
    columns = sheet.Columns
    count = int(op.get("columns", 0))
    return {
        "autofilter": autofilter,
        "title_rows": title_rows,
        "landscape": bool(style.IsLandscape),
        "pages_wide": style.ScaleToPagesX,
        "frozen": frozen,
        "column_widths": [columns.getByIndex(i).Width for i in range(count)],
    }


def op_follow_link(doc, op):
    """Follow the internal link of a cell the way a click does; returns where the cursor lands."""
    sheet = _sheet(doc, op["sheet"])
    cell = _cell(sheet, op["cell"])
    url = (_links(cell) or [None])[0]
    if not url or not url.startswith("#"):
        raise DriverError("cell %s has no internal link (%r)" % (op["cell"], url))
    controller = doc.getCurrentController()
    target = url[1:]
    # The same dispatch a click on the link runs: jump to the named position.
    ctx = uno.getComponentContext()
    smgr = ctx.ServiceManager
    helper = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    helper.executeDispatch(controller.getFrame(), ".uno:GoToCell", "", 0, _props(ToPoint=target))
    sel = controller.getSelection()
    addr = sel.getCellAddress() if hasattr(sel, "getCellAddress") else sel.RangeAddress
    sheet_name = doc.Sheets.getByIndex(addr.Sheet).Name
    column = getattr(addr, "Column", getattr(addr, "StartColumn", 0))
    row = getattr(addr, "Row", getattr(addr, "StartRow", 0))
    return "%s.%s" % (sheet_name, _a1(column, row))


OPS = {
    "set": op_set,
    "calculate_all": op_calculate_all,
    "get": op_get,
    "validation": op_validation,
    "list_entries": op_list_entries,
    "is_valid": op_is_valid,
    "invalid_cells": op_invalid_cells,
    "sheet_names": op_sheet_names,
    "sheet_info": op_sheet_info,
    "named_ranges": op_named_ranges,
    "charts": op_charts,
    "save_as": op_save_as,
    "export_pdf": op_export_pdf,
    "sleep": op_sleep,
    "look": op_look,
    "sheet_layout": op_sheet_layout,
    "follow_link": op_follow_link,
}


class _Progress:
    """Where the driver currently is, for error and timeout reports."""

    job = None
    op_index = None
    op = None


_ANSWER_LOCK = threading.Lock()
_ANSWERED = []


def _answer(payload):
    """Write the JSON answer exactly once (main thread or watchdog); True if written."""
    with _ANSWER_LOCK:
        if _ANSWERED:
            return False
        _ANSWERED.append(True)
        _ANSWER_STREAM.write(json.dumps(payload))
        _ANSWER_STREAM.flush()
        return True


def _failure(message, progress, tb=""):
    """Build the error answer for the current position."""
    return {
        "ok": False,
        "error": message,
        "job": progress.job,
        "op_index": progress.op_index,
        "op": progress.op,
        "traceback": tb,
    }


def main():
    """Run the request from stdin and print the answer; exit code 0/1."""
    progress = _Progress()
    try:
        request = json.load(sys.stdin)
    except ValueError as exc:
        _answer({"ok": False, "error": "bad JSON request: %s" % exc})
        return 1
    session = Session(request)

    def on_timeout():
        """Watchdog: report where the run got stuck, kill soffice and exit."""
        if _answer(_failure("timed out after %s s" % request.get("timeout"), progress)):
            session.kill()
            sys.stderr.flush()
            os._exit(3)

    def on_signal(signum, frame):
        """Kill soffice when the caller terminates us."""
        session.kill()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    watchdog = threading.Timer(float(request.get("timeout", 180)), on_timeout)
    watchdog.daemon = True
    watchdog.start()
    payload = None
    try:
        session.start()
        results = []
        for job_index, job in enumerate(request.get("jobs", [])):
            progress.job, progress.op_index, progress.op = job_index, None, "load"
            doc = session.open(job["document"], job_index)
            try:
                job_results = []
                for op_index, op in enumerate(job.get("ops", [])):
                    progress.op_index, progress.op = op_index, op.get("op")
                    handler = OPS.get(op.get("op"))
                    if handler is None:
                        raise DriverError("unknown op %r (known: %s)" % (op.get("op"), sorted(OPS)))
                    job_results.append(handler(doc, op))
                results.append(job_results)
            finally:
                # Progress keeps pointing at the failing op, if any.
                _close(doc)
        payload = {"ok": True, "results": results}
    except DriverError as exc:
        payload = _failure(str(exc), progress)
    except KeyError as exc:
        payload = _failure("missing field %s" % exc, progress, traceback.format_exc())
    except Exception as exc:
        payload = _failure(_uno_message(exc), progress, traceback.format_exc())
    finally:
        watchdog.cancel()
        session.shutdown()
    if not _answer(payload):
        return 3
    return 0 if payload["ok"] else 1


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    # Skip interpreter teardown: the UNO bridge to a killed soffice can block.
    os._exit(code)
