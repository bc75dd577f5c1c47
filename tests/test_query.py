import pytest

from rag.query import analyze_question, counted_phrase, detect_language, translate_terms


@pytest.mark.parametrize(
    "question, lang, qtype",
    [
        ("Berapa personel yang diterjunkan Polres Banyuasin?", "id", "count"),
        ("How many personnel did Polres Banyuasin deploy?", "en", "count"),
        ("Siapa yang memimpin apel pergeseran pasukan?", "id", "who"),
        ("Where was the roll call held?", "en", "where"),
        ("Kapan apel gelar pasukan digelar?", "id", "when"),
        ("Bagaimana rincian personel yang mengamankan pendaftaran?", "id", "breakdown"),
        ("Apakah ada TPS yang rawan?", "id", "yesno"),
        ("Ringkas pengamanan Pilkada oleh Polres Lahat.", "id", "summary"),
    ],
)
def test_language_and_type(question, lang, qtype):
    q = analyze_question(question)
    assert (q.language, q.qtype) == (lang, qtype)


def test_english_bridges_to_indonesian():
    terms = translate_terms("How many soldiers were deployed at polling stations?")
    for word in ("prajurit", "dikerahkan", "TPS"):
        assert word in terms
    q = analyze_question("How many soldiers were deployed at polling stations in South Sumatra?")
    assert q.counted_class == "personnel" and q.categories == ["tni"]


def test_chat_spelling_is_normalised_before_analysis():
    q = analyze_question("brp personel yg diturunin polda ntb?")
    assert q.language == "id" and q.qtype == "count"
    assert q.text.startswith("berapa personel yang diturunkan") and q.original.startswith("brp")


def test_counted_class_and_categories():
    assert counted_phrase("Berapa prajurit TNI yang dilibatkan Polres Metro Bekasi?") == "prajurit TNI"
    assert analyze_question("Berapa anggota linmas yang dilibatkan di Cirebon?").categories == ["linmas"]
    # A unit named in the counted phrase says whose count it is, not a category.
    assert analyze_question("Berapa anggota Polresta Banyuwangi dalam apel pengamanan TPS?").categories == []
    assert analyze_question("Berapa TPS yang ada di Kabupaten Konawe?").counted_class == "tps"


def test_names():
    q = analyze_question("Berapa personel BKO yang dikirim Polda Sumsel ke Polrestabes Palembang?")
    assert "Polrestabes Palembang" in q.names and "Polda Sumsel" in q.names
    assert detect_language("Polres mana saja yang mendapat tambahan personel?") == "id"
