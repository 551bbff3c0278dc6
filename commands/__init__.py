"""The commands of `registro` (cli.py is the entry: the root group, the error handler, run()).

One module per command group, each a thin layer over the API (`registro`): parse the options,
call the API, print with a renderer of registro.validators.render, set the exit code.

    shared.py       the options shared by several commands, the console, the progress bar
    click_words.py  click's own words in Italian
    valida.py  mese.py  totali.py  esporta.py  archivio.py
    modello.py      modello, addin crea (the template and the add-in builders)
    catalogo.py     catalogo, regole
"""

from registro.commands.click_words import italian_click

# Before any command module declares its options: click names some types (file, directory, path)
# when an option is declared, so its words must be Italian by then.
italian_click()
