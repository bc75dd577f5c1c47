import doctest
import gzip
import time

import pytest

from rag.knowledge import bridge, build_freedict
from rag.knowledge.bridge import (
    TermGroup,
    english_for,
    indonesian_synonyms,
    lemma,
    stop_words,
    table_sizes,
    translate,
    translate_word,
)


def test_docstring_examples():
    assert doctest.testmod(bridge).failed == 0
    assert doctest.testmod(build_freedict).failed == 0


def test_dictionary_is_loaded_with_thousands_of_entries():
    sizes = table_sizes()
    assert sizes["freedict"] > 9000
    assert sizes["domain"] > 300
    assert sizes["synonyms"] > 100


def test_data_files_name_source_and_licence():
    for name in ("freedict_eng_ind.tsv", "domain_terms.tsv", "synonyms_id.tsv", "stopwords_en.txt"):
        head = (bridge.DATA / name).read_text(encoding="utf-8").splitlines()[:8]
        assert head[0].startswith("#")
        assert any("icence" in line or "License" in line for line in head), name
    freedict_head = (bridge.DATA / "freedict_eng_ind.tsv").read_text(encoding="utf-8")[:600]
    assert "CC BY-SA" in freedict_head


@pytest.mark.parametrize(
    "word,lemma_",
    [
        ("deployed", "deploy"),
        ("deploying", "deploy"),
        ("deploys", "deploy"),
        ("officers", "officer"),
    ],
)
def test_lemmatisation(word, lemma_):
    assert lemma(word) == lemma_


@pytest.mark.parametrize("word", ["deployed", "deploying", "deploys", "deploy"])
def test_deploy_in_every_form_reaches_kerah_or_terjun(word):
    found = translate_word(word)
    assert any("kerah" in w or "terjun" in w for w in found), found


def test_passive_english_gives_passive_indonesian_first():
    assert translate_word("deployed")[0] == "dikerahkan"
    assert translate_word("deploy")[0] == "mengerahkan"


def test_polling_stations_is_tps_in_singular_and_plural():
    assert translate_word("polling stations")[0] == "TPS"
    assert translate_word("polling station")[0] == "TPS"


def test_domain_terms_come_before_dictionary_senses():
    found = translate_word("security")
    assert found[:2] == ["pengamanan", "keamanan"]
    assert "sekuritas" in found  # FreeDict's sense follows


def test_dictionary_fills_in_words_outside_the_field():
    assert "kota" in translate_word("city")
    assert "cuaca" in translate_word("weather")


def test_irregular_inflection_that_the_lemmatiser_misses():
    assert "dijaga" in translate_word("guarded")


@pytest.mark.parametrize("word", ["the", "how", "many", "did", "what", "which", "were", "of", ""])
def test_stop_words_are_not_translated(word):
    assert translate_word(word) == []


def test_unknown_words_give_nothing():
    assert translate_word("qwertyuiop") == []


def test_translate_takes_the_longest_phrase():
    groups = translate("How many vulnerable polling stations were there?")
    assert [g.english for g in groups] == ["vulnerable polling stations"]
    assert groups[0] == TermGroup("vulnerable polling stations", ("TPS rawan",), "domain")


def test_translate_skips_function_words_and_names_it_does_not_know():
    groups = translate("How many personnel did Polres Banyuasin deploy for the regional election?")
    english = [g.english for g in groups]
    assert english == ["personnel", "Polres", "deploy", "regional election"]
    assert not {"how", "many", "did", "the", "for"} & {w.lower() for w in english}
    assert "Pilkada" in groups[-1].indonesian


def test_translate_marks_dictionary_groups():
    groups = translate("Was the weather bad?")
    assert [(g.english, g.source) for g in groups] == [("weather", "freedict"), ("bad", "freedict")]


def test_english_for_writes_answers():
    assert english_for("personel") == "personnel"
    assert english_for("TPS") == "polling stations"
    assert english_for("tps") == "polling stations"
    assert english_for("pengamanan") == "security"
    assert english_for("dikerahkan") == "deployed"
    assert english_for("meja") is None


def test_indonesian_synonyms():
    group = indonesian_synonyms("personil")
    assert group[0] == "personel"
    assert {"personil", "anggota", "petugas", "aparat"} <= set(group)
    assert {"diterjunkan", "diturunkan", "disiagakan"} <= set(indonesian_synonyms("dikerahkan"))
    assert "menjaga" in indonesian_synonyms("mengawal")
    assert "pemungutan suara" in indonesian_synonyms("pencoblosan")
    assert indonesian_synonyms("meja") == ()


def test_each_word_is_in_one_synonym_group_only():
    seen: dict[str, int] = {}
    for n, line in enumerate(bridge._rows("synonyms_id.tsv")):
        for word in [line[0], *line[1].split("|")]:
            assert word not in seen, f"{word} in groups {seen[word]} and {n}"
            seen[word] = n


def test_domain_table_is_well_formed():
    for row in bridge._rows("domain_terms.tsv"):
        assert len(row) == 2, row
        assert all(row[0].split("|")) and all(row[1].split("|")), row


def test_stop_word_list_keeps_content_words():
    stop = stop_words()
    assert {"the", "how", "many", "did"} <= stop
    assert not {"first", "last", "call", "three"} & stop


def test_loading_is_fast():
    for loader in (bridge._domain, bridge._domain_lemmas, bridge._freedict, bridge._synonyms):
        loader.cache_clear()
    bridge.stop_words.cache_clear()
    start = time.perf_counter()
    table_sizes()
    translate("How many officers were deployed?")
    assert time.perf_counter() - start < 0.5


def _dictd(tmp_path, articles: dict[str, str]):
    """A small dictd pair in FreeDict's layout."""
    b64 = build_freedict._B64

    def enc(n: int) -> str:
        out = ""
        while True:
            out = b64[n % 64] + out
            n //= 64
            if not n:
                return out

    data, index = b"", []
    for headword, text in articles.items():
        raw = text.encode()
        index.append(f"{headword}\t{enc(len(data))}\t{enc(len(raw))}")
        data += raw
    (tmp_path / "x.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    (tmp_path / "x.dict.dz").write_bytes(gzip.compress(data))
    return tmp_path / "x.index", tmp_path / "x.dict.dz"


def test_converter_reads_dictd_and_cleans_glosses(tmp_path):
    index, dictfile = _dictd(
        tmp_path,
        {
            "00databaseinfo": "Edition: 2099.01.01\n",
            "vote": "vote /v/ <n>\n1. pemungutan suara\nformalised choice\n2. suara\ninstance\n",
            "drive": "drive /d/ <v>\n1. [[kemudi|mengemudi(kan)]], mengendalikan\n",
            "crossing": "crossing /c/ <n>\n(tempat) penyeberangan pejalan kaki\nplace\n",
            "Aaron": "Aaron /a/ <pn>\nHarun\nmale given name\n",
            "ness": "ness /n/ <suffix>\ne- -an\nstate of\n",
            "10th": "10th /t/ <adj>\nke-10\ntenth\n",
            "officer": "officer /o/ <n>\nperwira 2.\ncommissioned officer\n 3.\nsomeone\n",
        },
    )
    info, entries = build_freedict.read_dictionary(index, dictfile)
    assert entries == {
        "crossing": ["penyeberangan pejalan kaki"],
        "drive": ["mengemudi", "mengendalikan"],
        "officer": ["perwira"],
        "vote": ["pemungutan suara", "suara"],
    }
    out = tmp_path / "out.tsv"
    build_freedict.write_tsv(info, entries, out)
    text = out.read_text(encoding="utf-8")
    assert "edition 2099.01.01" in text and "CC BY-SA 3.0" in text
    assert "vote\tpemungutan suara|suara\n" in text
    assert (
        build_freedict.main(["--index", str(index), "--dict", str(dictfile), "--out", str(out)])
        == 0
    )
