"""The README's generated sections match the code's registries."""

from registro.validators.render.readme import README, render


def test_le_sezioni_generate_del_readme_sono_aggiornate():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "README.md non aggiornato: eseguire 'python -m registro.validators.render.readme'"
    assert "`codice.sconosciuto`" in text and "| Codice fiscale | sì |" in text
