"""The rule registry: stable ids, severities, titles and the Italian templates of every message.

Pure data at the base of the package (read/, check/, export/ and render/ all read it; it imports
nothing). One registry feeds the validator, the --escludi filter, the guide's rule table
(docs/guida/regole.md) and the tests. Ids are never reused or renamed. A problem carries the named
values of its rule's templates; validators/messages.py renders them, for every place a user reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

ERRORE, AVVISO = "errore", "avviso"


@dataclass(frozen=True)
class Rule:
    """One check, with what the user reads when it fails.

    Templates are str.format text with plain named fields: `riga`, `colonna` and `valore` (the
    problem's row, column and cell) and the rule's own, filled from the problem's `fields`.
    The terminal and the report files (.json, .csv) read `message` and `hint`; where people read
    it in Excel (the .xlsx report, the annotated copy, the rejects, the add-in) there is no command
    line, so `excel_message` / `excel_hint`, when given, say it without naming a command or option.
    """

    id: str
    severity: str
    column: str | None  # register column the rule names; None for file-level rules
    title: str
    description: str  # when the rule fires, for the docs' rule table and `registro regole`
    message: str  # the problem (a file-level rule's whole message: its hint is shown in the docs only)
    hint: str  # what to do
    source: str | None = None  # sentence of the regional table behind the rule, if any
    file_level: bool = False
    excel_message: str | None = None  # `message` as read in Excel, if it names the command line
    excel_hint: str | None = None  # `hint` as read in Excel, if it names the command line


RULES: tuple[Rule, ...] = (
    # -- file level: the file cannot be used (exit 2) ------------------------------------------------
    Rule("file.illeggibile", ERRORE, None, "File illeggibile",
         "il file è vuoto, danneggiato, protetto da password o non è un foglio di calcolo",
         "il file non si può leggere: {motivo}.",
         "Aprirlo in Excel e salvarlo di nuovo come .xlsx (o .csv) senza password.", file_level=True),
    Rule("foglio.mancante", ERRORE, None, "Foglio mancante",
         "il file non ha il foglio Registro (né un unico foglio, né quello indicato con --foglio)",
         "manca il foglio '{foglio}' (fogli presenti: {fogli}){dettaglio}.",
         "Rinominare il foglio del registro in 'Registro' oppure indicare --foglio NOME.", file_level=True,
         excel_hint="Rinominare il foglio del registro in 'Registro'."),
    Rule("colonne.mancanti", ERRORE, None, "Colonne obbligatorie mancanti",
         "nelle prime 20 righe non c'è una riga con tutte le intestazioni obbligatorie",
         "mancano le colonne {mancanti}{dove}.",
         "Usare le intestazioni del modello (registro modello) nella riga di intestazione.", file_level=True,
         excel_hint="Usare le intestazioni del modello registro.xlsx nella riga di intestazione."),
    Rule("colonne.doppie", ERRORE, None, "Colonne doppie",
         "due colonne dell'intestazione indicano lo stesso campo con lo stesso nome",
         "le colonne {colonne} della riga di intestazione {riga_intestazione} indicano entrambe '{campo}'.",
         "Rinominare o togliere una delle due, lasciando l'intestazione del modello a quella da controllare.",
         file_level=True),
    Rule("intestazione.unita", ERRORE, None, "Intestazione unita alle righe",
         "una cella unita comprende l'intestazione e righe del registro sotto di essa",
         "la cella {cella} ('{intestazione}') è unita alle righe {righe}: l'intestazione e i dati si confondono.",
         "Separare le celle (Excel: Home > Unisci e allinea al centro > Dividi celle) e scrivere il valore in ogni riga.",
         file_level=True),
    # -- single fields ----------------------------------------------------------------------------------
    Rule("campo.obbligatorio", ERRORE, "(varie)", "Campo obbligatorio vuoto",
         "Data, Sede, Operatore, Tipo utente, Codice fiscale, Codice servizio o Modalità vuoti",
         "campo obbligatorio vuoto (o con un errore di formula come #N/D).",
         "Compilare Data, Sede, Operatore, Tipo utente, Codice fiscale, Codice servizio e Modalità."),
    Rule("data.non_valida", ERRORE, "Data", "Data non valida",
         "non è una data, è una data impossibile (31/02) o è successiva a oggi",
         "'{valore}' non è una data valida{dettaglio}.",
         "Scrivere la data come gg/mm/aaaa (ad es. 03/10/2026), non successiva a oggi."),
    Rule("data.fuori_periodo", ERRORE, "Data", "Data fuori dal mese",
         "la data è fuori dal mese indicato con --mese",
         "la data {data} è fuori dal mese {mese} indicato con --mese.",
         "Correggere la data o spostare la riga nel registro del mese giusto.",
         excel_message="la data {data} è fuori dal mese {mese} controllato."),
    Rule("data.fuori_catalogo", ERRORE, "Data", "Data fuori dalla validità del catalogo",
         "la data è fuori dal periodo di validità del catalogo",
         "la data {data} è fuori dal periodo di validità del catalogo {versione} ({validita}).",
         "Verificare la data o usare il catalogo in vigore a quella data (--catalogo).",
         excel_hint="Verificare la data o usare il catalogo in vigore a quella data."),
    Rule("codice.sconosciuto", ERRORE, "Codice servizio", "Codice servizio sconosciuto",
         "il codice non è nel catalogo (con i codici più simili come suggerimento)",
         "'{valore}' non esiste nel catalogo.{suggerimento}",
         "Scegliere il codice dal menu a tendina del modello o da 'registro catalogo'.",
         excel_hint="Scegliere il codice dal menu a tendina del modello o dal foglio Catalogo."),
    Rule("codice.non_registrabile", ERRORE, "Codice servizio", "Codice non registrabile",
         "F e M (aggregati) e N (nessuna registrazione)",
         "{codice} non si registra in JA: {motivo}",
         "Registrare il servizio specifico erogato (ad es. F1.2, M3.1), non la voce aggregata."),
    Rule("codice.automatico", AVVISO, "Codice servizio", "Registrazione automatica di JA",
         "O.2: JA lo registra da sé replicando F1.15 (\"F.15\" nella tabella)",
         "{codice} ({nome}) è registrato automaticamente da JA, che replica {replica}: non va inserito a mano.",
         "Registrare {replica}; JA aggiungerà {codice} da sé.",
         source="O.2 - Registrazione automatica effettuata da JA che replica la registrazione di cui al LEP F.15"),
    Rule("programma.sconosciuto", ERRORE, "Programma", "Programma sconosciuto",
         "il programma non è tra quelli del catalogo",
         "'{valore}' non è un programma del catalogo ({programmi}).",
         "Scegliere il programma dal menu a tendina; lasciare vuoto per Ordinario."),
    Rule("programma.non_ammesso", ERRORE, "Programma", "Programma non ammesso per il servizio",
         "il servizio è riservato ad altri programmi (ad es. un servizio solo GG con programma Ordinario), "
         "o un'azienda ha il programma di una persona (ad es. GG o ADI)",
         "il servizio {codice} è riservato a {ammessi}, ma la riga indica {programma}. {motivo}",
         "Correggere il programma o il codice del servizio (sulle righe di un'azienda lasciare vuoto Programma)."),
    Rule("programma.non_attivo", ERRORE, "Programma", "Programma non attivo alla data",
         "il programma non è in vigore alla data della riga (periodi nel catalogo)",
         "il programma {programma} non è attivo il {data} ({validita}).",
         "Verificare la data o il programma; i periodi dei programmi sono nel catalogo."),
    Rule("utente.tipo_non_valido", ERRORE, "Tipo utente", "Tipo utente non valido",
         "Tipo utente non è né Persona né Azienda",
         "'{valore}' non è un tipo utente valido.",
         "Scrivere Persona oppure Azienda."),
    Rule("utente.destinatario_errato", ERRORE, "Codice servizio", "Servizio per il destinatario sbagliato",
         "un servizio per le aziende registrato per una persona, o viceversa",
         "il servizio {codice} ({nome}) è rivolto {destinatario}, ma la riga è per {tipo}.",
         "Correggere il codice del servizio o il tipo utente (P, Q, R, S sono servizi alle imprese)."),
    Rule("cf.non_valido", ERRORE, "Codice fiscale", "Codice fiscale non valido",
         "persona: non è un codice fiscale valido di 16 caratteri (carattere di controllo, data con giorno 01–31 o 41–71, luogo di nascita A–M o Z) né un codice provvisorio di 11 cifre con matricola diversa da zero; azienda: né partita IVA di 11 cifre (anche con prefisso IT) né codice fiscale di 16 caratteri validi; un carattere non ammesso o invisibile è indicato con la sua posizione",
         "codice fiscale non valido per {tipo}: {dettaglio}.",
         "Ricopiare il codice dal documento: 16 caratteri per le persone, 11 cifre (partita IVA) o 16 caratteri per le aziende."),
    Rule("cf.provvisorio", AVVISO, "Codice fiscale", "Codice fiscale provvisorio",
         "persona con codice numerico provvisorio di 11 cifre",
         "codice fiscale numerico provvisorio (11 cifre) per una persona.",
         "Sostituirlo con il codice fiscale definitivo appena disponibile."),
    Rule("modalita.non_valida", ERRORE, "Modalità", "Modalità non valida",
         "la modalità non è In presenza o A distanza (o un sinonimo)",
         "'{valore}' non è una modalità di erogazione valida ({modalita}).",
         "Scegliere la modalità dal menu a tendina.",
         source="La registrazione delle attività [...] deve essere effettuata anche se il servizio viene erogato in modalità agile (on line)"),
    Rule("durata.non_valida", ERRORE, "Durata (min)", "Durata non valida",
         "la durata non è un numero intero positivo di minuti",
         "'{valore}' non è un numero intero positivo di minuti.",
         "Scrivere la durata in minuti interi (ad es. 45) o lasciare vuoto per usare la durata standard."),
    Rule("durata.fuori_intervallo", AVVISO, "Durata (min)", "Durata fuori dall'intervallo standard",
         "la durata è fuori dall'intervallo [minimo, massimo] standard del servizio",
         "{minuti} minuti sono fuori dall'intervallo standard di {codice} ({intervallo} minuti).",
         "Verificare la durata registrata."),
    Rule("testo.troncato", AVVISO, "(varie)", "Testo troppo lungo per una cella",
         "una cella del registro ha più dei 32.767 caratteri che una cella di Excel può contenere",
         "il testo ha {caratteri} caratteri, più dei 32.767 di una cella di Excel: nei file prodotti è tagliato e termina con «{segno}».",
         "Accorciare il testo della cella (una nota lunga va in un documento a parte)."),
    Rule("sequenza.ordine_invertito", ERRORE, "Codice servizio", "Prerequisito registrato dopo",
         "il prerequisito esiste per la stessa persona ma solo con una data successiva (gravità dal catalogo: B.1 ← A.1, A.2 o A.3 è solo un avviso)",
         "{codice} del {data} precede {prerequisito} ({nome_prerequisito}), registrato per la stessa persona solo il {data_prerequisito}. Tabella regionale: «{fonte}».",
         "{prerequisito} va registrato prima di {codice} o nello stesso giorno: correggere le date."),
    Rule("sequenza.prerequisito_assente", AVVISO, "Codice servizio", "Prerequisito non trovato",
         "per la stessa persona non c'è il prerequisito (né una sua alternativa: B.1 ← A.1, A.2 o A.3) nei file "
         "e nello storico indicati",
         "per la stessa persona non risulta {prerequisito} ({nome_prerequisito}), che precede {codice}, né nei file né nello storico indicati.",
         "Verificare la registrazione di {prerequisito}, o indicare i mesi precedenti con --storico o con --archivio.",
         excel_hint="Verificare la registrazione di {prerequisito} anche nei registri dei mesi precedenti."),
    Rule("sequenza.passaggio_mancante", AVVISO, "Codice servizio", "Servizio che accompagna non registrato",
         "per la stessa persona manca, nello stesso giorno, un servizio che la tabella fa registrare insieme "
         "(accompagnato_da nel catalogo: B.1 con B.2; B.1 di una riga GG anche con B.3)",
         "per la stessa persona non risulta {mancanti} nello stesso giorno di {codice} ({data}). Tabella regionale: «{fonte}».",
         "Registrare {codici} del {data} per la stessa persona, se erogato.",
         source="La registrazione del passaggio B.2 va attivata [...] per l'utente che stia definendo tutti i passaggi "
                "per l'acquisizione dello stato di disoccupazione e che nella stessa giornata abbia già ricevuto i "
                "servizi preliminari; Per gli utenti in GG, la registrazione di questo passaggio (B.3 - GG Attivazione "
                "Profiling) si aggiunge alla DID"),
    Rule("sequenza.ripetuto", AVVISO, "Codice servizio", "Servizio ripetuto senza nuova DID",
         "un secondo D.1 (o M3.1) per la stessa persona senza una nuova B.1 (DID) dopo il precedente "
         "(ripetizione nel catalogo)",
         "{codice} del {data} ripete quello del {data_precedente} della stessa persona senza una nuova {dopo} "
         "({nome_dopo}) in mezzo. Tabella regionale: «{fonte}».",
         "Registrare {altrimenti} per l'aggiornamento del PSP; un nuovo {codice} solo dopo una nuova {dopo}.",
         source="La registrazione del passaggio D2 avverrà in momenti successivi, ogni volta che si renda necessaria "
                "una rimodulazione degli impegni o un semplice aggiornemtno dei dati; La registrazione del passaggio "
                "M3.2 si utilizzerà nel caso in cui il PSP venga interessato da una modifica sostanziale"),
    Rule("sequenza.stesso_giorno", AVVISO, "Codice servizio", "Servizio successivo nello stesso giorno",
         "D.2 nello stesso giorno del D.1 della stessa persona, M3.3 nello stesso giorno di M3.1 "
         "(non_stesso_giorno nel catalogo)",
         "{codice} del {data} è nello stesso giorno di {altro} ({nome_altro}) della stessa persona. "
         "Tabella regionale: «{fonte}».",
         "Se è lo stesso incontro basta {altro}: eliminare la riga di {codice}; altrimenti correggere la data.",
         source="La registrazione del passaggio D2 avverrà in momenti successivi; La codifica M3.3 avverrà in "
                "momenti successivi"),
    Rule("riga.duplicata", AVVISO, "Codice servizio", "Riga duplicata",
         "stessi codice fiscale, codice servizio, data e operatore più di una volta",
         "stessi codice fiscale, servizio {codice}, data {data} e operatore della riga {prima_riga}{altro_file}.",
         "Eliminare il doppione se è un errore di inserimento."),
    Rule("operatore.giornata_eccessiva", AVVISO, "Operatore", "Giornata dell'operatore oltre l'orario",
         "i minuti di un operatore in un giorno superano la giornata lavorativa (predefinita 432 minuti)",
         "{operatore} il {data} ha {minuti} minuti di servizi ({ore}), oltre la giornata di {limite} minuti.",
         "Verificare date e durate dei servizi di quel giorno (righe {righe})."),
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rule(rule_id: str) -> Rule:
    """The rule with that id (KeyError for an unknown id)."""
    return BY_ID[rule_id]
