from rag.facts import find_counts, find_dates, find_places


def test_counts_skip_dates_years_times_and_unit_numbers():
    s = ("Upacara Senin (25/11/2024) pukul 07.00 WIB di Mapolres, bersama Kodim 0818, "
         "melepas 1.472 personel dan 2.000 lembar surat suara pada 27 November 2024.")  # fmt: skip
    assert [(c.number, c.unit) for c in find_counts(s)] == [("1.472", "personel"), ("2.000", "lembar")]


def test_what_a_count_counts_and_whose_people():
    counts = find_counts("Kekuatan itu terdiri atas 709 personel Polda, BKO Brimob 400 personel, 9.897 personel TNI, "
                         "236.624 anggota linmas dan 4.144 TPS.")  # fmt: skip
    assert [c.noun_class for c in counts] == ["personnel", "personnel", "personnel", "personnel", "tps"]
    assert [c.categories for c in counts] == [["polri"], ["brimob", "bko"], ["tni"], ["linmas"], []]


def test_places_and_dates():
    s = "Apel digelar di Lapangan Museum Purna Bhakti Pertiwi, Desa Munse, pada 25 November 2024."
    assert find_places(s) == ["Lapangan Museum Purna Bhakti Pertiwi", "Desa Munse"]
    assert "25 November 2024" in find_dates(s)


def test_vehicle_plates_are_not_counts():
    from rag.facts import find_counts

    sentence = "Logistik diangkut tiga dump truck bernomor polisi DT 9857 FE dan B 1234 KJA, dikawal 12 personel."
    assert [c.number for c in find_counts(sentence)] == ["12"]
    assert [c.number for c in find_counts("KPU menyiapkan 2.073 TPS di 12 kecamatan.")] == ["2.073", "12"]


def test_a_period_is_one_date_fact():
    from rag.facts import find_dates

    assert find_dates("Pengamanan berlangsung mulai 24 November hingga 1 Desember 2024.") == ["24 November hingga 1 Desember 2024"]
    assert find_dates("Operasi 21 Agustus-16 Desember 2024 berlangsung 118 hari.") == ["21 Agustus-16 Desember 2024", "118 hari"]
    assert find_dates("Siaga 26-28 November 2024, lalu apel 30 November.") == ["26-28 November 2024", "30 November"]
