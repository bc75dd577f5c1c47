import pytest

from rag.query import analyze_question, counted_phrase, detect_language, translate_terms


@pytest.mark.parametrize(
    "question, lang, qtype",
    [
        ("Berapa personel yang diterjunkan Polres Banyuasin?", "id", "count"),
        ("How many personnel did Polres Banyuasin deploy?", "en", "count"),
        ("Siapa yang memimpin apel pergeseran pasukan?", "id", "who"),
        ("Where was the roll call held?", "en", "where"),
        ("Sampai tanggal berapa operasi berlangsung?", "id", "when"),
        ("Bagaimana rincian personel yang mengamankan pendaftaran?", "id", "breakdown"),
        ("Which figure is larger: Polres A's force or Polres B's? Give both numbers.", "en", "aggregate"),
        ("Apakah ada TPS yang rawan?", "id", "yesno"),
    ],
)
def test_language_and_type(question, lang, qtype):
    q = analyze_question(question)
    assert (q.language, q.qtype) == (lang, qtype)


def test_english_bridges_to_indonesian():
    terms = translate_terms("How many soldiers were deployed at polling stations in South Sumatra?")
    for word in ("prajurit", "dikerahkan", "tps", "sumatera selatan"):
        assert word in terms
    q = analyze_question("How many soldiers were deployed at polling stations in South Sumatra?")
    assert "tni" in q.qualifiers


def test_counted_phrase_and_qualifiers():
    assert counted_phrase("Berapa prajurit TNI yang dilibatkan Polres Metro Bekasi?") == "prajurit TNI"
    assert analyze_question("Berapa anggota linmas yang dilibatkan di Cirebon?").qualifiers == ["linmas"]
    # A category mentioned elsewhere in the question does not restrict the count.
    assert analyze_question("Berapa anggota Polresta Banyuwangi dalam apel pengamanan TPS?").qualifiers == []


def test_names():
    q = analyze_question("Berapa personel BKO yang dikirim Polda Sumsel ke Polrestabes Palembang?")
    assert "Polrestabes Palembang" in q.names and "Polda Sumsel" in q.names
    assert detect_language("Polres mana saja yang mendapat tambahan personel?") == "id"


def test_counted_phrase_of_a_long_question():
    q = "Di berapa kecamatan Polres Ogan Ilir memastikan kesiapan personel mengamankan Pilkada serentak tahun ini?"
    assert counted_phrase(q) == "kecamatan Polres Ogan Ilir"
    assert counted_phrase("How many civil servants took part in the ASN neutrality declaration?") == "civil servants took part"
