import doctest
import time

import pytest

from rag.knowledge import informal, vocabulary
from rag.knowledge.informal import (
    Vocabulary,
    correct,
    informal_table,
    me_prefix,
    normalize,
    standard_verb,
)


def test_docstring_examples():
    assert doctest.testmod(informal).failed == 0
    assert doctest.testmod(vocabulary).failed == 0


def test_chat_question_is_normalised_and_names_kept():
    assert (
        normalize("brp personel yg diturunin polda ntb?")
        == "berapa personel yang diturunkan polda ntb?"
    )


@pytest.mark.parametrize(
    "informal_word,standard",
    [
        ("yg", "yang"),
        ("brp", "berapa"),
        ("utk", "untuk"),
        ("untk", "untuk"),
        ("dgn", "dengan"),
        ("tdk", "tidak"),
        ("gak", "tidak"),
        ("ga", "tidak"),
        ("nggak", "tidak"),
        ("enggak", "tidak"),
        ("sdh", "sudah"),
        ("udh", "sudah"),
        ("udah", "sudah"),
        ("blm", "belum"),
        ("krn", "karena"),
        ("jg", "juga"),
        ("aja", "saja"),
        ("gimana", "bagaimana"),
        ("gmn", "bagaimana"),
        ("dmn", "di mana"),
        ("dimana", "di mana"),
        ("kpn", "kapan"),
        ("org", "orang"),
        ("dr", "dari"),
        ("sm", "sama"),
        ("tsb", "tersebut"),
        ("pd", "pada"),
        ("dlm", "dalam"),
        ("kalo", "kalau"),
        ("klo", "kalau"),
        ("trs", "terus"),
        ("bs", "bisa"),
        ("skrg", "sekarang"),
        ("hr", "hari"),
        ("tgl", "tanggal"),
        ("thn", "tahun"),
        ("jml", "jumlah"),
        ("kab", "kabupaten"),
        ("kec", "kecamatan"),
        ("kel", "kelurahan"),
        ("prov", "provinsi"),
    ],
)
def test_abbreviations(informal_word, standard):
    assert normalize(informal_word) == standard


@pytest.mark.parametrize(
    "colloquial,standard",
    [
        ("diturunin", "diturunkan"),
        ("dikerahin", "dikerahkan"),
        ("ngamanin", "mengamankan"),
        ("nurunin", "menurunkan"),
        ("ngawal", "mengawal"),
        ("nyiapin", "menyiapkan"),
        ("ngerahin", "mengerahkan"),
        ("nyari", "mencari"),
        ("ngecek", "mengecek"),
        ("ngejaga", "menjaga"),
        ("mukul", "memukul"),
        ("nyoblos", "mencoblos"),
        ("ngingetin", "mengingatkan"),
        ("dijagain", "dijaga"),
        ("turunin", "turunkan"),
    ],
)
def test_colloquial_verbs_by_rule(colloquial, standard):
    assert standard_verb(colloquial) == standard
    assert normalize(colloquial) == standard


def test_verb_rule_is_not_a_word_list():
    listed = set(informal_table())
    assert not {"diturunin", "ngamanin", "dikerahin", "nurunin", "ngawal", "nyiapin"} & listed


@pytest.mark.parametrize(
    "word",
    ["dingin", "ingin", "main", "mesin", "kemarin", "mungkin", "disiplin", "bermain", "menjalin",
     "memilih", "mengawal", "personel", "pengamanan", "nama", "muslimin"],
)  # fmt: skip
def test_standard_words_are_left_alone(word):
    assert standard_verb(word) is None
    assert normalize(word) == word


def test_corpus_vocabulary_chooses_between_forms():
    vocab = Vocabulary({"menyarikan": 50})
    assert standard_verb("nyariin") == "mencarikan"
    assert standard_verb("nyariin", vocab) == "menyarikan"


def test_names_numbers_and_acronyms_are_untouched():
    text = "Kombes Pol Yusri: 1.542 personel Polres NTB dan Kodim 0825 di TPS 05, tgl 27/11/2024"
    assert normalize(text) == text.replace("tgl", "tanggal")
    assert normalize("Ngadimin jaga TPS") == "Ngadimin jaga TPS"  # a name, not 'mengadimkan'


def test_capitalised_sentence_start_and_abbreviations_with_dots():
    assert normalize("Brp TPS? Yg rawan?") == "Berapa TPS? Yang rawan?"
    assert normalize("Kab. Banyuasin") == "Kabupaten Banyuasin"
    assert normalize("di Kec. Talang Kelapa") == "di Kecamatan Talang Kelapa"


def test_context_guard_for_pol():
    assert normalize("brp pol yg jaga") == "berapa polisi yang jaga"
    assert normalize("pol pp") == "pol pp"
    assert normalize("kombes pol andi") == "kombes pol andi"


def test_reduplication_with_two():
    assert normalize("org2 di masing2 tps") == "orang-orang di masing-masing tps"


def test_table_rows_name_their_source():
    lines = (vocabulary.DATA / "informal_id.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and any("MIT" in line for line in lines if line.startswith("#"))
    for line in vocabulary.data_lines("informal_id.tsv"):
        cols = line.split("\t")
        assert cols[2] in ("chat", "abbrev") and cols[3] in ("common", "indo-normalizer"), line


@pytest.mark.parametrize(
    "root,form",
    [("aman", "mengaman"), ("kawal", "mengawal"), ("siap", "menyiap"), ("turun", "menurun"),
     ("pukul", "memukul"), ("bantu", "membantu"), ("cek", "mengecek"), ("lapor", "melapor"),
     ("kritik", "mengkritik"), ("cari", "mencari"), ("jaga", "menjaga")],
)  # fmt: skip
def test_me_prefix(root, form):
    assert me_prefix(root) == form


VOCAB = Vocabulary(
    {"pengamanan": 12, "personel": 90, "personil": 5, "Banyuasin": 40, "dikerahkan": 7}
)


@pytest.mark.parametrize(
    "typo,fixed",
    [("pengamnan", "pengamanan"), ("Banyuasn", "Banyuasin"), ("persnel", "personel"),
     ("dikerahkn", "dikerahkan"), ("BANYUASN", "BANYUASIN")],
)  # fmt: skip
def test_typos_are_corrected(typo, fixed):
    assert correct(typo, VOCAB) == fixed


@pytest.mark.parametrize("word", ["personil", "Banyuasin", "TPS", "kpu", "Polda", "1.542", "meja"])
def test_known_short_or_non_words_are_not_corrected(word):
    assert correct(word, VOCAB) == word


def test_known_general_words_are_not_pulled_to_corpus_words():
    assert correct("personil", Vocabulary({"personel": 100})) == "personil"
    assert correct("keamanan", Vocabulary({"pengamanan": 100})) == "keamanan"


def test_correction_needs_a_close_word():
    assert correct("zzzzzzzz", VOCAB) == "zzzzzzzz"
    assert correct("psnl", VOCAB) == "psnl"  # under five letters


def test_ties_go_to_the_more_frequent_word():
    vocab = Vocabulary({"polisii": 1, "polisiz": 9})
    assert correct("polisia", vocab) == "polisiz"


def test_vocabulary_from_texts():
    vocab = Vocabulary.from_texts(["Personel Polres Banyuasin", "personel, 1.542 orang"])
    assert vocab.frequency("personel") == 2 and "banyuasin" in vocab and "1.542" not in vocab
    assert sorted(vocab.words_of_length(5, 6)) == ["orang", "polres"]


def test_loading_is_fast():
    for loader in (informal.informal_table, informal.known_words, vocabulary.common_words,
                   vocabulary.root_words):  # fmt: skip
        loader.cache_clear()
    start = time.perf_counter()
    normalize("brp personel yg diturunin polda ntb?")
    assert time.perf_counter() - start < 0.5
