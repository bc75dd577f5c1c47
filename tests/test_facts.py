from rag.facts import find_counts, find_people, is_personnel_count


def test_counts_skip_dates_years_times_and_unit_numbers():
    s = ("Upacara Senin (25/11/2024) pukul 07.00 WIB di Mapolres, bersama Kodim 0818, "
         "melepas 1.472 personel dan 2.000 lembar surat suara pada 27 November 2024.")  # fmt: skip
    assert [(c.number, c.unit) for c in find_counts(s)] == [("1.472", "personel"), ("2.000", "lembar")]


def test_personnel_counts():
    counts = find_counts("terdiri atas 235 personel Polrestabes Bandung dan 4.144 TPS")
    assert [is_personnel_count(c) for c in counts] == [True, False]


def test_people():
    assert find_people("dipimpin Kapolres Malang, AKBP Putu Kholis Aryana.")[0].startswith("AKBP Putu Kholis")
