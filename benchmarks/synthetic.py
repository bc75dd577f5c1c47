"""Synthetic Pilkada-security articles in the style of the real ones, reproducible from a seed.

    python benchmarks/synthetic.py --articles 1000 --seed 7 --out /tmp/synthetic-1000

Each article has a unit (Polres/Polresta/Polda + a real regency or city name), a dateline, a
publication date, an official with a rank, a total and usually a breakdown of personnel, a number
of TPS, and, in about half of them, scraping noise (BACA JUGA lines, share widgets, tag lists).
It also writes ``questions.jsonl``: one count question per article with its gold answer.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

PLACES = [
    "Banyuasin", "Ogan Ilir", "Musi Banyuasin", "Lahat", "Muara Enim", "Prabumulih", "Lubuklinggau",
    "Malang", "Sidoarjo", "Banyuwangi", "Jember", "Kediri", "Blitar", "Madiun", "Bogor", "Cirebon",
    "Bekasi", "Garut", "Tasikmalaya", "Sukabumi", "Cianjur", "Karawang", "Kendari", "Konawe", "Muna",
    "Kolaka", "Buton", "Bombana", "Wakatobi", "Baubau", "Palembang", "Surabaya", "Bandung", "Depok",
    "Serang", "Pandeglang", "Lebak", "Tangerang", "Cilegon", "Magelang", "Klaten", "Boyolali",
    "Sragen", "Pati", "Kudus", "Jepara", "Demak", "Kendal", "Batang", "Pekalongan",
]  # fmt: skip
UNITS = ["Polres", "Polresta", "Polres"]
OUTLETS = ["SUMATERAEKSPRES.ID", "JAVASATU.COM", "SULTRAKINI.COM", "HALOPOS.ID", "BERITACIKARANG.COM", "TRIBUNNEWS.COM"]
RANKS = [("Kapolres", "AKBP"), ("Kapolresta", "Kombes Pol"), ("Kabag Ops", "AKP"), ("Kabag Ops", "Kompol")]
FIRST = ["Andi", "Budi", "Putu", "Rama", "Bagus", "Aris", "Ahmad", "Twedi", "Nicolas", "Welli", "Ilham", "Sumarni", "Rio"]
LAST = ["Saputra", "Wibowo", "Nugroho", "Pratama", "Setiadi", "Lilipaly", "Malau", "Fuady", "Anggoro", "Kholis"]
VERBS = ["menerjunkan", "mengerahkan", "menyiagakan", "menurunkan", "menyiapkan", "melibatkan"]
EVENTS = ["pemungutan suara", "rapat pleno rekapitulasi", "masa kampanye", "pendaftaran bakal pasangan calon", "debat publik"]
MONTHS = ["Agustus", "September", "Oktober", "November"]
NOISE = [
    "BACA JUGA: Tips Memilih Jas Hujan yang Nyaman untuk Berkendara",
    "Baca juga: Resep Sayur Asem Segar untuk Makan Siang",
    "Bagikan: Facebook  Twitter  WhatsApp",
    "Tag: Pilkada 2024 | Pengamanan | Polri",
    "Loading...",
]


def make_article(i: int, rng: random.Random) -> tuple[str, str, dict]:
    place = rng.choice(PLACES)
    unit = f"{rng.choice(UNITS)} {place}"
    role, rank = rng.choice(RANKS)
    official = f"{rank} {rng.choice(FIRST)} {rng.choice(LAST)}"
    total = rng.randint(120, 2400)
    polri = rng.randint(total // 3, total - 40)
    tni = rng.randint(10, total - polri - 10) if total - polri > 20 else 0
    linmas = total - polri - tni
    tps = rng.randint(300, 4500)
    kec = rng.randint(8, 33)
    day, month = rng.randint(1, 28), rng.choice(MONTHS)
    event = rng.choice(EVENTS)
    fmt = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731  Indonesian thousands separator
    title = f"{unit} {rng.choice(['Terjunkan', 'Siagakan', 'Kerahkan'])} {fmt(total)} Personel Amankan {event.title()} Pilkada 2024"
    paragraphs = [
        title,
        f"{day} {month} 2024",
        f"{place.upper()}, {rng.choice(OUTLETS)} – {unit} {rng.choice(VERBS)} {fmt(total)} personel gabungan untuk "
        f"mengamankan {event} Pilkada Serentak 2024 di wilayah {place}, Senin ({day}/{MONTHS.index(month) + 8}/2024).",
        f"{role} {place} {official} mengatakan, kekuatan tersebut terdiri atas {fmt(polri)} personel Polri, "
        f"{fmt(tni)} personel TNI, dan {fmt(linmas)} anggota linmas.",
        f"Personel akan disebar ke {fmt(tps)} TPS di {kec} kecamatan. Pengamanan dilakukan dengan pola "
        f"{rng.choice(['satu personel untuk dua TPS', 'dua personel di setiap TPS rawan', 'patroli gabungan'])}.",
        f"Ia meminta seluruh anggota menjaga netralitas dan bersikap humanis selama bertugas, serta "
        f"berkoordinasi dengan KPU dan Bawaslu {place}.",
    ]
    if rng.random() < 0.5:
        paragraphs.insert(4, rng.choice(NOISE))
        paragraphs.append(rng.choice(NOISE))
    name = f"syn{i:05d}_{place.lower().replace(' ', '-')}.txt"
    question = {
        "id": f"q{i:05d}", "question": f"Berapa personel TNI yang dilibatkan {unit} untuk {event}?",
        "lang": "id", "type": "breakdown", "any_of": [[fmt(tni)]], "sources": [name],
    }  # fmt: skip
    return name, "\n\n".join(paragraphs) + "\n", question


def generate(n: int, seed: int, out: Path) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    questions = []
    for i in range(n):
        name, text, question = make_article(i, rng)
        (out / name).write_text(text, encoding="utf-8")
        questions.append(question)
    (out.parent / f"{out.name}-questions.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions) + "\n")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(generate(args.articles, args.seed, args.out))
