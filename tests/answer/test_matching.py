from rag.answer.matching import count_fits, name_in_text, split_parts
from rag.facts import find_counts
from rag.query import analyze_question


def test_name_matching():
    text = "kapolres metro jakarta timur dan polres jaksel"
    assert name_in_text("Polres Jakarta Timur", text)
    assert not name_in_text("Polrestabes Palembang", "polda sumsel di palembang")
    assert name_in_text("South Jakarta", "wilayah jakarta selatan")


def test_comparison_halves():
    assert split_parts("Which figure is larger: Polres Malang's joint force or the officers Polresta Sidoarjo shifted? Give both numbers.") == [
        "Which figure is larger: Polres Malang's joint force", "the officers Polresta Sidoarjo shifted?"
    ]
    assert split_parts("Berapa personel Polres Muna?") == []


def test_joint_total_is_not_a_category_count():
    q = analyze_question("Berapa prajurit TNI yang dilibatkan di Cirebon?")
    s = "Kekuatan gabungan dari kepolisian, TNI, dan instansi terkait sebanyak 1.200 personel dikerahkan."
    counts = find_counts(s)
    assert not count_fits(q, counts[0], counts, s)
