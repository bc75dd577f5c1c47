"""Candidate sentences of the retrieved articles and the typed facts inside them."""

from __future__ import annotations

from rag.reader.candidates import entity_ids, sentence_candidates, sentence_facts
from rag.types import Passage

TITLE = "Polres Muna Terjunkan 484 Personel"


def test_overlapping_chunks_give_each_sentence_once():
    passages = [
        Passage("m0", "muna.txt", 0, "Apel digelar Senin pagi di lapangan. Polres Muna menurunkan 484 personel."),
        # the next chunk overlaps the previous by one sentence
        Passage("m1", "muna.txt", 1, "Polres Muna menurunkan 484 personel. Pengamanan berlangsung sampai pelantikan."),
    ]
    cands = sentence_candidates(passages)
    assert [c.sentence for c in cands] == [
        "Apel digelar Senin pagi di lapangan.",
        "Polres Muna menurunkan 484 personel.",
        "Pengamanan berlangsung sampai pelantikan.",
    ]
    assert [c.position for c in cands] == [0, 1, 2]


def test_the_same_sentence_in_two_articles_is_two_candidates():
    text = "Pengamanan Pilkada berjalan aman dan lancar."
    cands = sentence_candidates([Passage("a", "a.txt", 0, text), Passage("b", "b.txt", 0, text)])
    assert [(c.passage.source, c.sentence) for c in cands] == [("a.txt", text), ("b.txt", text)]


def test_articles_keep_their_retrieval_rank():
    passages = [
        Passage("b0", "b.txt", 0, "Polres Buton menyiagakan 300 personel di seluruh TPS.", score=0.9),
        Passage("a0", "a.txt", 0, "Polres Muna menurunkan 484 personel untuk Pilkada.", score=0.7),
        Passage("b1", "b.txt", 1, "Kapolres Buton memimpin apel di Mapolres.", score=0.5),
    ]
    cands = sentence_candidates(passages)
    assert [(c.passage.source, c.article_rank, c.position) for c in cands] == [
        ("b.txt", 0, 0),
        ("a.txt", 1, 0),
        ("b.txt", 0, 1),
    ]


def test_a_candidate_knows_its_neighbouring_sentences():
    cands = sentence_candidates([Passage("m", "m.txt", 0, "Apel digelar pagi ini. Polres Muna menurunkan 484 personel. Cuaca cerah sepanjang hari.")])
    middle = cands[1]
    assert (middle.previous, middle.following) == ("Apel digelar pagi ini.", "Cuaca cerah sepanjang hari.")
    assert [n.number for n in middle.facts.counts] == ["484"]


def test_title_sentence_is_marked():
    text = f"{TITLE}\n\nPolres Muna menurunkan 484 personel untuk pengamanan Pilkada di Kabupaten Muna."
    cands = sentence_candidates([Passage("m", "muna.txt", 0, text, title=TITLE)])
    assert [(c.sentence, c.is_title) for c in cands] == [
        (TITLE, True),
        ("Polres Muna menurunkan 484 personel untuk pengamanan Pilkada di Kabupaten Muna.", False),
    ]


def test_facts_of_a_sentence():
    facts = sentence_facts(
        "Kapolres Malang AKBP Putu Kholis Aryana memimpin apel di Lapangan Rampal, Kota Malang, "
        "pada 25 November 2024 dengan 850 personel."
    )
    assert [(c.number, c.noun_class) for c in facts.counts] == [("850", "personnel")]
    assert facts.people == ("Kapolres Malang AKBP Putu Kholis Aryana",)
    assert "Kapolres Malang" in facts.units
    assert "Lapangan Rampal" in facts.places
    assert "25 November 2024" in facts.dates


def test_facts_of_a_military_unit_and_a_village():
    facts = sentence_facts("Kodim 0825/Banyuwangi menyiagakan 300 prajurit di Desa Munse.")
    assert [(c.number, c.unit) for c in facts.counts] == [("300", "prajurit")]
    assert facts.units == ("Kodim 0825/Banyuwangi",)
    assert facts.places == ("Desa Munse",)
    assert facts.dates == () and facts.people == ()


def test_short_and_long_names_of_a_unit_link_to_one_entity():
    short = sentence_facts("Polda Sumsel mengerahkan 1.472 personel.").entities
    long = sentence_facts("Kepolisian Daerah Sumatera Selatan mengerahkan 1.472 personel.").entities
    assert "polda:16" in short
    assert short == long


def test_a_regency_unit_also_names_its_regency_and_province():
    ids = entity_ids("Polres Banyuasin menerjunkan 616 personel.")
    assert {"polres:16.07", "16.07", "16"} <= ids
    assert "16" in sentence_facts("Polres Banyuasin menerjunkan 616 personel.").entities


def test_a_sentence_without_units_or_regions_has_no_entities():
    assert sentence_facts("Pengamanan berjalan aman dan lancar.").entities == frozenset()
