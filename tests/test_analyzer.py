from rag.analyzer import analyze, normalize_number, tokenize


def test_stemming_and_stopwords():
    assert analyze("Polres Banyuasin menerjunkan 616 personel untuk pengamanan Pilkada") == [
        "polres", "banyuasin", "terjun", "616", "personel", "aman", "pilkada"
    ]  # fmt: skip


def test_numbers_normalised_both_ways():
    assert normalize_number("1.542") == normalize_number("1,542") == "1542"
    assert tokenize("sekitar 1,7 juta pemilih") == ["sekitar", "1,7", "juta", "pemilih"]
