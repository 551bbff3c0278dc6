"""The add-in's sheets carry any text: as typed, a lone surrogate (which Excel's UTF-16 text may hold)
visible as U+FFFD, nothing longer than a cell (issues 21 and 24; the files: tests/render/test_testo_nei_file.py)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registro.validators.ooxml.text import MAX_CHARS
from registro.validators.read.register import COLUMNS
from registro.xl_addin.actions import esporta, totali, valida
from tests.render.test_testo_nei_file import ANY_TEXT, PEOPLE, TYPED, _rows
from tests.support.books import actions, make_book
from tests.support.registri import TODAY, riga


def _fixed_today(values, **kwargs):
    from registro import CheckOptions, check_values

    return check_values(values, options=CheckOptions(today=TODAY), **kwargs)


def _values(rows):
    return [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows]


def _written_texts(book) -> list[str]:
    out = []
    for action in actions(book):
        for row in action.get("values") or []:
            out += [v for v in row if isinstance(v, str)]
    return out


def test_il_componente_scrive_ogni_testo_come_digitato_e_un_surrogato_isolato_visibile(monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    book = make_book({"Registro": _values(_rows(TYPED))})
    counts = valida(book)
    assert counts["errori"] == len(TYPED)
    written = "\n".join(_written_texts(book))
    for t in TYPED:
        assert "ZZ" + ("\ufffd" if t == "\ud800" else t) + "9" in written, repr(t)
    json.dumps(actions(book), ensure_ascii=False).encode("utf-8")  # no surrogate left to send


def test_il_componente_taglia_un_testo_troppo_lungo_con_un_segno(monkeypatch):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    book = make_book({"Registro": _values([riga(note="x" * 40_000), riga(codice="ZZ", note="y" * 40_000)])})
    counts = valida(book)
    assert counts["avvisi"] == 2  # testo.troncato
    esporta(book)  # the JA sheet and the rejects hold the notes
    written = _written_texts(book)
    assert written and max(len(t) for t in written) <= MAX_CHARS
    assert any(t.endswith("…[troncato]") for t in written)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=3))
def test_i_fogli_del_componente_si_scrivono_con_qualsiasi_testo(monkeypatch, texts):
    monkeypatch.setattr("registro.xl_addin.actions.check_values", _fixed_today)
    rows = []
    for i, t in enumerate(texts):
        rows.append(riga(sede=f"S{t}", operatore=f"O{t}", note=t, cf=PEOPLE[i % len(PEOPLE)]))
        rows.append(riga(codice=f"ZZ{t}", modalita=f"M{t}", cf=PEOPLE[(i + 1) % len(PEOPLE)]))
    book = make_book({"Registro": _values(rows)})
    for action in (valida, totali, esporta):
        action(book)
    json.dumps(actions(book), ensure_ascii=False).encode("utf-8")
    assert all(len(t) <= MAX_CHARS for t in _written_texts(book))
