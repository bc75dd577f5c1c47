from rag.query import analyze_question
from rag.retrieve import keyword_terms, rrf


def test_rrf_rewards_agreement():
    fused = dict(rrf([["a", "b", "c"], ["c", "b", "d"]], k=60))
    assert fused["b"] > fused["a"] and fused["c"] > fused["a"]
    assert set(fused) == {"a", "b", "c", "d"}


def test_keyword_terms_use_synonym_groups():
    id_terms = keyword_terms(analyze_question("Berapa personel yang dikerahkan Polres Banyuasin?"))
    en_terms = keyword_terms(analyze_question("How many officers did Polres Banyuasin deploy?"))
    assert "banyuasin" in id_terms and "banyuasin" in en_terms
    # 'dikerahkan' and 'deploy' land on the same canonical stem as 'diterjunkan' in the index
    assert set(id_terms) & set(en_terms) >= {"banyuasin", "personel", "kerah"}
