from collections import Counter

from rag.answer.extractive import ExtractiveAnswerer
from rag.query import analyze_question
from rag.types import Passage

TEXT = (
    "Polda Jabar menyiapkan kekuatan gabungan untuk Pilkada 2024 di Jawa Barat. "
    "Untuk unsur kepolisian, Jules menyebut 19.752 personel diterjunkan. "
    "Kekuatan itu masih didukung sekitar 9.897 personel TNI dan 236.624 anggota linmas."
)
P = Passage("c1", "jabar.txt", 0, TEXT, title="Polda Jabar Kawal Pilkada")


def engine() -> ExtractiveAnswerer:
    return ExtractiveAnswerer(Counter(), 10, lambda source: TEXT)


def test_breakdown_part_not_total():
    answer = engine().answer(analyze_question("Berapa prajurit TNI yang dilibatkan di Jawa Barat?"), [P])
    assert answer.answerable and answer.text.startswith("9.897 personel")
    answer = engine().answer(analyze_question("How many linmas members were involved in West Java?"), [P])
    assert answer.text.startswith("236.624 members")


def test_category_not_reported_is_declined():
    answer = engine().answer(analyze_question("Berapa anggota Brimob yang dilibatkan di Jawa Barat?"), [P])
    assert not answer.answerable and answer.citations == []


def test_unknown_unit_is_declined():
    answer = engine().answer(analyze_question("Berapa personel yang dikerahkan Polres Garut?"), [P])
    assert not answer.answerable
