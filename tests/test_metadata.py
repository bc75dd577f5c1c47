import pytest

from rag.clean import clean_text
from rag.metadata import extract_metadata, parse_dateline


@pytest.mark.parametrize(
    "paragraph, outlet, place",
    [
        ("KENDARI – SULTRAKINI.COM melaporkan bahwa Polda Sultra menyiagakan personel di TPS.", "SULTRAKINI.COM", "Kendari"),
        ("SULTRAKINI.COM: KENDARI– Polda Sultra melalui Biro Operasi mengambil langkah proaktif.", "SULTRAKINI.COM", "Kendari"),
        ("Muna (ANTARA) - Kepolisian Resor (Polres) Muna mengerahkan seluruh kekuatannya.", "ANTARA", "Muna"),
        ("HALOPOS.ID | PALEMBANG – Kapolda Sumatera Selatan melepas 1.472 personel.", "HALOPOS.ID", "Palembang"),
        ("Ogan Ilir, Sumsel – Polres Ogan Ilir menggelar apel pergeseran personel.", "", "Ogan Ilir, Sumsel"),
    ],
)  # fmt: skip
def test_datelines(paragraph, outlet, place):
    assert parse_dateline(paragraph) == (outlet, place)


def test_plain_sentence_is_no_dateline():
    assert parse_dateline("Pengamanan tahap ini dijadwalkan berlangsung sepekan, mulai 24 November.") is None


@pytest.mark.parametrize(
    "text, date",
    [
        ("Judul berita yang cukup panjang di sini\n22 November, 2024\nIsi berita.", "2024-11-22"),
        ("Judul\nDiterbitkan 26 Nov 2024, 11:00 WIB\nIsi.", "2024-11-26"),
        ("Isi berita Pilkada 2024 disampaikan Senin (7/10/2024) di Palembang.", "2024-10-07"),
        ("Elen menegaskan pada Pilkada 2024, Kamis (14/11), bahwa ASN netral.", "2024-11-14"),
        ("Tidak ada tanggal di sini sama sekali.", ""),
    ],
)
def test_publication_dates(text, date):
    assert extract_metadata(text).date == date


def test_seed_metadata(seed_corpus):
    meta = extract_metadata(clean_text((seed_corpus / "001_1ba933d7ef9212ed.txt").read_text()))
    assert meta.url == "https://sumateraekspres.bacakoran.co/"
    assert meta.title.startswith("Wujudkan Pilkada se-Sumsel Aman dan Damai")
    assert meta.outlet == "sumateraekspres.bacakoran.co"
    meta = extract_metadata(clean_text((seed_corpus / "002_ca57d45a584e3733.txt").read_text()))
    assert (meta.outlet, meta.place) == ("SULTRAKINI.COM", "Kendari")
    assert meta.date == ""  # the article gives none: nothing is invented


def test_one_outlet_is_one_name_however_it_is_written():
    from rag.metadata import outlet_key, outlet_names

    assert outlet_key("MEMORANDUM") == outlet_key("memorandum.co.id") == outlet_key("https://www.Memorandum.co.id/") == "memorandum"
    assert outlet_key("TIMES JABAR") == outlet_key("Times Jabar")
    assert outlet_key("Liputan6.com") == "liputan6"
    # regional sites of one network are outlets of their own
    assert outlet_key("sultra.tribratanews.com") != outlet_key("tribratanews.jabar.polri.go.id")
    names = outlet_names(["MEMORANDUM.CO.ID", "MEMORANDUM", "Memorandum", "Memorandum", "ANTARA", "antara", "ANTARA", "", "Liputan6.com"])
    assert names == ["ANTARA", "Liputan6.com", "Memorandum"]
    assert outlet_names(["MEMORANDUM.CO.ID", "MEMORANDUM"]) == ["MEMORANDUM"]  # a tie: the name without a domain


def test_an_outlet_filter_matches_every_spelling_of_the_outlet(seed_index):
    from rag.api import Filters, ask

    for spelling in ("SULTRAKINI.COM", "sultrakini", "www.sultrakini.com"):
        answer = ask("Siapa Kabagbinops Biro Operasi Polda Sultra?", index_dir=seed_index, filters=Filters(outlet=spelling))
        assert answer.citations and {c.source for c in answer.citations} == {"002_ca57d45a584e3733.txt"}, spelling
