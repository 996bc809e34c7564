"""Write a Google Contacts export of N people, as Google's "Google CSV" writes it.

    python bench/contacts.py --rows 10000 --out bench/data/contacts-10k.csv

The header is Google's current export layout (the one in tests/fixtures/contacts/google.csv);
rows have a name, an organisation, one or two emails and phones (Russian and international
numbers written as people write them), labels, a note, and for some a birthday or an address.
Every person is someone else: names carry a number so that no two rows are the same customer.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

# Google's current export layout, as the import tests' fixture has it (its header row).
GOOGLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "contacts" / "google.csv"
with GOOGLE.open(encoding="utf-8-sig", newline="") as _handle:
    HEADER = next(csv.reader(_handle))
FIRST = ["Ivan", "Olga", "Мария", "John", "Yuki", "Hans", "Emily", "Сергей", "Lucia", "Peter", "Anna"]
LAST = ["Ivanov", "Смирнова", "Garcia", "Miller", "Tanaka", "Becker", "Clark", "Кузнецов", "Rossi"]
ORGS = ["Acme Tools", "ООО Ромашка", "Nordic Paper", "Vector Logistics", "Sakura Foods", "Rossi Shoes"]
CITIES = [("Moscow", "Russia"), ("Berlin", "Germany"), ("Osaka", "Japan"), ("Austin", "USA")]


def row(n: int, rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    org = rng.choice(ORGS)
    out = dict.fromkeys(HEADER, "")
    out["First Name"], out["Last Name"] = first, f"{last} {n:05d}"
    out["Organization Name"], out["Organization Title"] = org, rng.choice(["Buyer", "Owner", "Manager", ""])
    out["E-mail 1 - Label"], out["E-mail 1 - Value"] = "* Work", f"person{n:05d}@example.com"
    if rng.random() < 0.3:
        out["E-mail 2 - Label"], out["E-mail 2 - Value"] = "Home", f"p{n:05d}@mail.example"
    digits = f"{n:07d}"
    phone = rng.choice(
        [
            f"+7 916 {digits[:3]}-{digits[3:5]}-{digits[5:]}",
            f"8 (495) {digits[:3]}-{digits[3:5]}-{digits[5:]}",
            f"+49 30 {digits}",
            f"(512) {digits[:3]}-{digits[3:]}",
        ]
    )
    out["Phone 1 - Label"], out["Phone 1 - Value"] = "Mobile", phone
    if rng.random() < 0.2:
        out["Phone 2 - Label"], out["Phone 2 - Value"] = "Work", f"+7 495 1{digits[1:4]}-{digits[4:]}"
    out["Labels"] = rng.choice(
        ["* myContacts", "* myContacts ::: Clients", "* myContacts ::: VIP ::: Clients"]
    )
    out["Notes"] = rng.choice(["", "Met at the expo.", "Prefers email.\nCall after 3 pm.", "Pays on time."])
    if rng.random() < 0.3:
        out["Birthday"] = f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.3:
        city, country = rng.choice(CITIES)
        out["Address 1 - Label"], out["Address 1 - City"], out["Address 1 - Country"] = "Work", city, country
        out["Address 1 - Formatted"] = f"{n} Main Street\n{city}\n{country}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(7)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        for n in range(1, args.rows + 1):
            writer.writerow(row(n, rng))


if __name__ == "__main__":
    main()
