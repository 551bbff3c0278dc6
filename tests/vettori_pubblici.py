"""Public test vectors for codici fiscali and partite IVA, copied from the test suites of other
projects (repository, path and commit read are named for each group), with the verdict of that
suite and ours. tests/test_vettori_pubblici.py runs ours.

Where ours differs from theirs, `why` says why; those differences are deliberate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vectors:
    source: str  # repository@commit read
    path: str  # file of that repository
    user_type: str  # persona | azienda: how a register row would carry the code
    theirs: bool  # valid for that suite
    ours: str  # ok | provvisorio | non_valido
    codes: tuple[str, ...]
    why: str = ""


# Sources: repository@commit read.
PYTHON_STDNUM = "arthurdejong/python-stdnum@006192e59be8ed6e08fd680256868a6c31eb2ba9"
PYTHON_CODICEFISCALE = "fabiocaccamo/python-codicefiscale@489b6b89c10b834bd4985b7f144bb9fc9f8b2ff2"
DAVIDEPASTORE = "DavidePastore/codice-fiscale@a2835dd43583ad82df496f46073f09dd86a64720"
VALIDATOR_JS = "validatorjs/validator.js@cdb7dafc281d14125b924969bf3ee5bc482ec169"
JSVAT = "se-panfilov/jsvat@65108f835f0372c030f3a83cb0c75363ac045b0a"
CODICEFISCALEJS = "lucavandro/CodiceFiscaleJS@1882747216330b1fd65769239c8c71aff59da13c"
STDNUM_JS = "koblas/stdnum-js@7238bba4dffe5f823721e23fd5e05c6edc4b6fc5"

VECTORS: tuple[Vectors, ...] = (
    Vectors(PYTHON_STDNUM, "tests/test_it_codicefiscale.doctest", "persona", True, "ok", (
        "MRTNTN23M02D969P", "RCCMNL83S18D969H", "MRSMSR81D60Z611H", "CNTCHR83T41D969D",
        "FOXDRA26C24H872Y", "MAILCU91A25F839D", "RSSMRA45C12F205C", "RSSMRA45C12F20RX",
        "RSSMRA45C12F2L5N", "RSSMRA45C12F2LRI", "RSSMRAQRCMNFNLRG", "RCDLSN84S16D969Z",
    )),
    Vectors(PYTHON_STDNUM, "tests/test_it_codicefiscale.doctest", "persona", False, "non_valido", (
        "CSTNGL22I10D086I", "FOXDRA26C24H872A", "CNTCHR83T32D969H",
    )),
    Vectors(PYTHON_STDNUM, "tests/test_it_codicefiscale.doctest", "persona", True, "provvisorio", (
        "00743110157",
    ),
        "stdnum takes it as a company's number; for a person an 11-digit number is a temporary "
        "code: accepted with the avviso cf.provvisorio"),
    Vectors(PYTHON_STDNUM, "tests/test_it_codicefiscale.doctest (calc_check_digit)", "persona", True, "ok", (
        "MRTNTN23M02D969P", "MRSMSR81D60Z611H", "RCDLSN84S16D969Z", "CNTCHR83T41D969D",
        "BNCSFN85T58G702W", "RCCMNL83S18D969H", "FOXDRA26C24H872Y", "MAILCU91A25F839D",
    )),
    Vectors(PYTHON_STDNUM, "stdnum/it/codicefiscale.py (doctest)", "persona", True, "ok", (
        "RCCMNL83S18D969H",
    )),
    Vectors(PYTHON_STDNUM, "stdnum/it/codicefiscale.py (doctest)", "persona", False, "non_valido", (
        "RCCMNL83S18D969",
    )),
    Vectors(PYTHON_STDNUM, "stdnum/it/codicefiscale.py (doctest)", "azienda", True, "ok", (
        "00743110157",
    )),
    Vectors(PYTHON_STDNUM, "stdnum/it/codicefiscale.py (doctest)", "azienda", False, "non_valido", (
        "00743110158",
    )),
    Vectors(PYTHON_STDNUM, "stdnum/it/iva.py (doctest)", "azienda", True, "ok", (
        "IT 00743110157",
    )),
    Vectors(PYTHON_STDNUM, "stdnum/it/iva.py (doctest)", "azienda", False, "non_valido", (
        "00743110158",
    )),
    Vectors(PYTHON_STDNUM, "tests/test_eu_vat.doctest", "azienda", True, "ok", (
        "IT - 01404480202", "IT 0 0 6 1 8 2 8 0 4 9 9", "IT 00 595 000 217", "IT 00118439991",
        "IT 00193180932", "IT 00520800319", "IT 00571320076", "IT 00687120980", "IT 01189820689",
        "IT 01413270396", "IT 01465210449", "IT 01501180333", "IT 01606120226", "IT 01687870137",
        "IT 01720020344", "IT 01822890388", "IT 02100550264", "IT 02109480976", "IT 02153481201",
        "IT 02359210354", "IT 02408660211", "IT 02829410980", "IT 03274440241", "IT 03367280363",
        "IT 04894530635", "IT 05366960010", "IT 05460820961", "IT 05617370969", "IT 06075960010",
        "IT 06729900966", "IT 06863340961", "IT 09596821000", "IT 12920760159", "IT-01626160210",
        "IT-03700020104", "IT-03827740402", "IT-09159800011", "IT00743110157", "IT02087050155",
        "IT: 02331250163",
    )),
    Vectors(PYTHON_STDNUM, "tests/test_eu_vat.doctest", "azienda", False, "non_valido", (
        "IT 00687129980", "IT IT 06863340961",
    )),
    Vectors(PYTHON_CODICEFISCALE, "tests/test_checks.py", "persona", True, "ok", (
        "CCCFBA85D03L219P", "CCC FBA 85 D03 L219 P", "CCC-FBA-85-D03-L219-P", "CCCFBA85D03L21VE",
        "CCCFBA85D03L2MVP", "CCCFBA85D03LNMVE", "CCCFBA85D0PLNMVA", "CCCFBA85DLPLNMVL",
        "CCCFBA8RDLPLNMVX", "CCCFBAURDLPLNMVU",
    )),
    Vectors(PYTHON_CODICEFISCALE, "tests/test_checks.py", "persona", False, "non_valido", (
        "CCCFBA85D03L219PP", "CCCFBA85D03L219B", "CCCFBA85D03L219", "CCCFBA85D00L219",
        "CCCFBA85D99L219",
    )),
    Vectors(PYTHON_CODICEFISCALE, "tests/test_decode.py", "persona", True, "ok", (
        "THDSDA95P08Z330H", "BLSLGS84C22Z145O", "BRNGNN71B26L219T", "CCCFBA85D03L219P",
        "GMBLSN84A05G674H", "MRTMRA83T56A269B", "PNLMHL79R27I158P", "QTRDRA71P13G388J",
        "TKKYKU87B68L219F", "RSSMRA68A01H501Y", "RSSMRA50B17A558W", "CCCFBA85D03L21VE",
        "CCCFBA85D03L2MVP", "CCCFBA85D03LNMVE", "CCCFBA85D0PLNMVA", "CCCFBA85DLPLNMVL",
        "CCCFBA8RDLPLNMVX", "CCCFBAURDLPLNMVU", "CCCFBA85D03L2M9A", "CCCFBA85D03LN19E",
        "CCCFBA85D0PL219L", "CCCFBA85DL3L219A", "CCCFBA8RD03L219B", "CCCFBAU5D03L219M",
        "CCCFBA85D03LN1VT", "CCCFBA85D0PL21VA", "CCCFBA85DL3L21VP", "CCCFBA8RD03L21VQ",
        "CCCFBAU5D03L21VB", "CCCFBA85D03LNM9P", "CCCFBA85D0PL2M9W", "CCCFBA85DL3L2M9L",
        "CCCFBA8RD03L2M9M", "CCCFBAU5D03L2M9X", "CCCFBA85D0PLN19A", "CCCFBA85DL3LN19P",
        "CCCFBA8RD03LN19Q", "CCCFBAU5D03LN19B", "CCCFBA85DLPL219W", "CCCFBA8RD0PL219X",
        "CCCFBAU5D0PL219I", "CCCFBA8RDL3L219M", "CCCFBAU5DL3L219X", "CCCFBAURD03L219Y",
        "CCCFBA85D0PL2MVL", "CCCFBA85DL3L2MVA", "CCCFBA8RD03L2MVB", "CCCFBAU5D03L2MVM",
        "CCCFBA85D0PLN1VP", "CCCFBA85DL3LN1VE", "CCCFBA8RD03LN1VF", "CCCFBAU5D03LN1VQ",
        "CCCFBA85DLPL21VL", "CCCFBA8RD0PL21VM", "CCCFBAU5D0PL21VX", "CCCFBA8RDL3L21VB",
        "CCCFBAU5DL3L21VM", "CCCFBAURD03L21VN", "CCCFBA85D0PLNM9L", "CCCFBA85DL3LNM9A",
        "CCCFBA8RD03LNM9B", "CCCFBAU5D03LNM9M", "CCCFBA85DLPL2M9H", "CCCFBA8RD0PL2M9I",
        "CCCFBAU5D0PL2M9T", "CCCFBA8RDL3L2M9X", "CCCFBAU5DL3L2M9I", "CCCFBAURD03L2M9J",
        "CCCFBA85DLPLN19L", "CCCFBA8RD0PLN19M", "CCCFBAU5D0PLN19X", "CCCFBA8RDL3LN19B",
        "CCCFBAU5DL3LN19M", "CCCFBAURD03LN19N", "CCCFBA8RDLPL219I", "CCCFBAU5DLPL219T",
        "CCCFBAURD0PL219U", "CCCFBAURDL3L219J", "CCCFBA85DL3LNMVP", "CCCFBA8RD03LNMVQ",
        "CCCFBAU5D03LNMVB", "CCCFBA85DLPL2MVW", "CCCFBA8RD0PL2MVX", "CCCFBAU5D0PL2MVI",
        "CCCFBA8RDL3L2MVM", "CCCFBAU5DL3L2MVX", "CCCFBAURD03L2MVY", "CCCFBA85DLPLN1VA",
        "CCCFBA8RD0PLN1VB", "CCCFBAU5D0PLN1VM", "CCCFBA8RDL3LN1VQ", "CCCFBAU5DL3LN1VB",
        "CCCFBAURD03LN1VC", "CCCFBA8RDLPL21VX", "CCCFBAU5DLPL21VI", "CCCFBAURD0PL21VJ",
        "CCCFBAURDL3L21VY", "CCCFBA85DLPLNM9W", "CCCFBA8RD0PLNM9X", "CCCFBAU5D0PLNM9I",
        "CCCFBA8RDL3LNM9M", "CCCFBAU5DL3LNM9X", "CCCFBAURD03LNM9Y", "CCCFBA8RDLPL2M9T",
        "CCCFBAU5DLPL2M9E", "CCCFBAURD0PL2M9F", "CCCFBAURDL3L2M9U", "CCCFBA8RDLPLN19X",
        "CCCFBAU5DLPLN19I", "CCCFBAURD0PLN19J", "CCCFBAURDL3LN19Y", "CCCFBAURDLPL219F",
        "CCCFBA8RD0PLNMVM", "CCCFBAU5D0PLNMVX", "CCCFBA8RDL3LNMVB", "CCCFBAU5DL3LNMVM",
        "CCCFBAURD03LNMVN", "CCCFBA8RDLPL2MVI", "CCCFBAU5DLPL2MVT", "CCCFBAURD0PL2MVU",
        "CCCFBAURDL3L2MVJ", "CCCFBA8RDLPLN1VM", "CCCFBAU5DLPLN1VX", "CCCFBAURD0PLN1VY",
        "CCCFBAURDL3LN1VN", "CCCFBAURDLPL21VU", "CCCFBA8RDLPLNM9I", "CCCFBAU5DLPLNM9T",
        "CCCFBAURD0PLNM9U", "CCCFBAURDL3LNM9J", "CCCFBAURDLPL2M9Q", "CCCFBAURDLPLN19U",
        "CCCFBAU5DLPLNMVI", "CCCFBAURD0PLNMVJ", "CCCFBAURDL3LNMVY", "CCCFBAURDLPL2MVF",
        "CCCFBAURDLPLN1VJ", "CCCFBAURDLPLNM9F",
    )),
    Vectors(PYTHON_CODICEFISCALE, "tests/test_decode.py", "persona", False, "non_valido", (
        "CC0FBA85X03L219P", "CCCFB085X03L219P", "CCCFBA8XD03L219S", "CCCFBA85X03L219P",
        "CCCFBA85D00L219P",
    )),
    Vectors(PYTHON_CODICEFISCALE, "tests/test_decode.py", "persona", False, "ok", (
        "FRTMXM74L15D354A",
    ),
        "python-codicefiscale refuses it because its list has no comune D354 on the birth date; "
        "we do not check birthplaces against a list (README: a real code must never become an "
        "errore over a list's gaps)"),
    Vectors(PYTHON_CODICEFISCALE, "tests/issues/test_issue_*.py", "persona", True, "ok", (
        "LNNFNC80A01A089K", "CCCFBA85D03Z105P", "CCCFBA85D03Z111D", "CCCFBA85D03Z118W",
        "CCCFBA85D03Z135S", "CCCFBA05D03Z157G", "CCCFBA75D03Z201F", "CCCFBA75D03Z202K",
        "CCCFBA85D03Z250N", "RSSMRA04S29L219G", "RSSMRA00S29L219C", "XXXXXX39D44G133O",
        "XXXXXX46D11F383M", "XXXXXX50H18F383N", "XXXXXX38C71L513V", "XXXXXX43C14G133F",
        "DFLNTN42T20B860H", "MCHFDA07A01D877A", "CCCFBA30H66F991T", "DBRGRZ53R66F059C",
        "DGRFNC84T31G371E",
    )),
    Vectors(DAVIDEPASTORE, "test/ValidatorTest.php", "persona", True, "ok", (
        "RSSMRA85T10A562S", "SNTRRT63E08H50ML",
    )),
    Vectors(DAVIDEPASTORE, "test/ValidatorTest.php", "persona", False, "non_valido", (
        "RSSMRA85T10A562T", "", "RSSMRA85T10A562", "RS3MRA85T10A562S", "RSSMRA85T99A562U",
        "RSSMRA85T10A56AO", "RSSMRA85Z10A562B", "RSSMRA85B30A562G",
    )),
    Vectors(DAVIDEPASTORE, "test/CheckerTest.php", "persona", True, "ok", (
        "RSSMRA85T10A562S", "SNTRRT63E08H50ML", "RSSMRAURTMLAR6NZ", "LSINLS80D44H501F",
    )),
    Vectors(VALIDATOR_JS, "test/validators.test.js (isTaxID it-IT)", "persona", True, "ok", (
        "DMLPRY77D15H501F",
    )),
    Vectors(VALIDATOR_JS, "test/validators.test.js (isTaxID it-IT)", "persona", True, "non_valido", (
        "AXXFAXTTD41H501D",
    ),
        "validator.js computes the check character after turning omocodia letters back into "
        "digits (AXXFAX77D41H501 -> D); the check character of AXXFAXTTD41H501 is M (python-"
        "stdnum, DM 23/12/1976)"),
    Vectors(VALIDATOR_JS, "test/validators.test.js (isTaxID it-IT)", "persona", False, "ok", (
        "DML PRY/77D15H501-F",
    ),
        'spaces, slashes and dashes are separators for us, removed before the check'),
    Vectors(VALIDATOR_JS, "test/validators.test.js (isTaxID it-IT)", "persona", False, "non_valido", (
        "DMLPRY77D15H501", "DMLPRY77D15H501FF", "AAPPRY77D15H501F", "DMLAXA77D15H501F",
        "AXXFAX90A01Z001F", "DMLPRY77B29H501F", "AXXFAX3TD41H501E",
    )),
    Vectors(VALIDATOR_JS, "test/validators.test.js (isVAT IT)", "azienda", True, "non_valido", (
        "IT12345678910", "12345678910",
    ),
        "validator.js checks only the shape (IT and 11 digits); office 891 does not exist and "
        "python-stdnum refuses it"),
    Vectors(VALIDATOR_JS, "test/validators.test.js (isVAT IT)", "azienda", False, "non_valido", (
        "IT12345678 910", "IT 123456789101", "IT123456789101", "GB12345678910", "IT123456789",
    )),
    Vectors(JSVAT, "test/countries_vat_lists/italy.vat.js (valid)", "azienda", True, "ok", (
        "IT00000010215", "IT00079760328", "IT00140390501", "IT00144659992", "IT00224320234",
        "IT00383590486", "IT00453840357", "IT00488410010", "IT00502591209", "IT00697300150",
        "IT00754150100", "IT00820340966", "IT00902170018", "IT01021630668", "IT01044120358",
        "IT01114601006", "IT01219560800", "IT01390230462", "IT01654960473", "IT02118311006",
        "IT02121151001", "IT02458160245", "IT07234250962", "IT03084300171", "IT05067600154",
        "IT06363391001", "IT06515871009", "IT06631330963", "IT06895721006", "IT07129470014",
        "IT08146570018", "IT08792831003", "IT10000100015", "IT10000200013", "IT10000300011",
        "IT10000500016", "IT10000600014", "IT10000700012", "IT10000900018", "IT10001000016",
        "IT10001100014", "IT10001300010", "IT10001400018", "IT10001500015", "IT10001700011",
        "IT10001708881", "IT10001701209", "IT10001701217", "IT10001709996", "IT10001800019",
        "IT10001900017", "IT11005760159", "IT12066470159", "IT12286350157", "IT12683790153",
        "IT13378520152", "IT05142860484", "IT01709820995",
    )),
    Vectors(JSVAT, "test/countries_vat_lists/italy.vat.js (validOnlyByFormat)", "azienda", False, "non_valido", (
        "IT00000000000", "IT00000000001", "IT00000000002", "IT00000000003",
    )),
    Vectors(JSVAT, "test/countries_vat_lists/italy.vat.js (invalid)", "azienda", False, "non_valido", (
        "IT00000010210", "IT10000100010", "IT10000200010", "IT0000300010", "IT10001900010",
        "IT10000500010", "IT10000600010", "IT10001708882", "IT10001701202", "IT10001701216",
        "IT10001709997",
    )),
    Vectors(CODICEFISCALEJS, "tests/index.spec.js", "persona", True, "ok", (
        "MRNLCU00A01H501J", "mrnlcu00a01h501j", "BNZVCN32S10E57PV", "BNZVCNPNSMLERTPX",
    )),
    Vectors(CODICEFISCALEJS, "tests/index.spec.js", "persona", False, "non_valido", (
        "MRNLCU00A01H501JK", "MRNLCU00A01H501J3", "VNDLDL87D07B963G",
    )),
    Vectors(CODICEFISCALEJS, "tests/omocodie.spec.js", "persona", True, "ok", (
        "BNZVCN32S10E573Z", "BNZVCN32S10E57PV", "BNZVCNPNSMLERTPX", "CCHGNN67R05H1S3I",
    )),
    Vectors(STDNUM_JS, "src/it/codicefiscale.spec.ts", "persona", True, "ok", (
        "RCCMNL83S18D969H",
    )),
    Vectors(STDNUM_JS, "src/it/codicefiscale.spec.ts", "persona", False, "non_valido", (
        "12345678", "RCCMNL83S18D967H",
    )),
    Vectors(STDNUM_JS, "src/it/iva.spec.ts", "azienda", True, "ok", (
        "IT 00743110157",
    )),
    Vectors(STDNUM_JS, "src/it/iva.spec.ts", "azienda", False, "non_valido", (
        "IT 0074311015", "IT 00743110158",
    )),
)
