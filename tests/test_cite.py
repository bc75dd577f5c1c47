from rag.cite import check_answer, numbers_in, renumber, strip_markers
from rag.types import Passage

P1 = Passage("a", "a.txt", 0, "Polres Banyuasin menerjunkan 616 personel.")
P2 = Passage("b", "b.txt", 0, "Polda Sumsel melepas 1.472 personel.")


def test_valid_answer_has_no_problems():
    assert check_answer("Polres Banyuasin menerjunkan 616 personel [1].", [P1, P2]) == []
    assert check_answer("1472 personel [2]", [P1, P2]) == []  # same number, other format


def test_invented_number_and_missing_source_are_flagged():
    problems = check_answer("Polres Banyuasin menerjunkan 620 personel [1] [3].", [P1, P2])
    assert "marker [3] points at no source (2 given)" in problems
    assert "number 620 is not in any cited passage" in problems


def test_number_from_uncited_passage_is_flagged():
    assert check_answer("1.472 personel [1]", [P1, P2]) == ["number 1472 is not in any cited passage"]


def test_renumber_keeps_cited_sources_in_order():
    text, cited = renumber("A [2]. B [2][1].", [P1, P2])
    assert text == "A [1]. B [1][2]." and cited == [P2, P1]


def test_helpers():
    assert strip_markers("616 personel [1].") == "616 personel."
    assert numbers_in("1.542 dan 20 [3]") == {"1542", "20"}
