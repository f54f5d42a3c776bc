"""Demo customers: fictitious but valid identities, validated row by row, written in bulk.

Generation is deterministic and prefix-stable: customer *i* is the same for a given seed whatever
``count`` is, so ``--customers 200`` followed by ``--customers 20000`` adds the other 19,800.

* Identity (cheap; one sequential stream): home unit, GB/T 2260 area code (mostly the outlet's
  district, some elsewhere in the province, some from other provinces), birth date, sequence
  number (its parity is the gender) and the GB 11643 check digit. Duplicates within the stream
  are re-rolled.
* Details (Faker zh_CN data and a per-row seeded Faker RNG): name matching the gender, mobile on
  a real carrier prefix, e-mail on the reserved ``example.*`` domains, an address on a real
  street of the outlet's district, a bank card number (bank BIN + Luhn digit, 16–19 digits), and
  customer kinds consistent with age.

Every row goes through ``customer_clean`` — the same rules as the single-customer path — before
``bulk_create`` (the encrypted fields encrypt themselves in ``get_prep_value``). Identities whose
keyed hash already exists are skipped, which makes re-runs add nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, islice
from typing import Any

from django.db import transaction
from faker import Faker
from faker.providers.person.zh_CN import Provider as ZhPerson
from faker.providers.phone_number.zh_CN import Provider as ZhPhone

from hiqc.customers.enums import CustomerKind, Gender, IdType
from hiqc.customers.models import Customer
from hiqc.customers.selectors import id_number_hash, mobile_hash
from hiqc.customers.services import customer_clean
from hiqc.customers.validation import resident_id_check_digit

from .org import PROVINCES, CitySpec, OrgTree, OutletSpec, ProvinceSpec

BATCH_SIZE = 1000
CITY_SHARE = 0.15  # customers held directly by a 中心支公司 rather than an outlet

# Birthplaces outside the three demo provinces (people move): GB/T 2260 district codes.
OTHER_PROVINCE_AREAS = (
    "120101", "130102", "140105", "210102", "220102", "230102", "310101", "320102", "330106",
    "340104", "350102", "360102", "370102", "410105", "420106", "430102", "450103", "500103",
    "520102", "530102", "610113", "620102",
)  # fmt: skip

# (bank, BIN, card length): real issuer prefixes, fictitious numbers (Luhn-valid).
BANK_CARDS = (
    ("工商银行", "622202", 19), ("建设银行", "621700", 19), ("农业银行", "622848", 19),
    ("中国银行", "621661", 19), ("交通银行", "622262", 19), ("邮储银行", "621799", 19),
    ("招商银行", "622588", 16), ("兴业银行", "622909", 18),
)  # fmt: skip

ADULT_BORN = (date(1945, 1, 1), date(2007, 12, 31), date(1984, 6, 1))  # low, high, mode
CHILD_BORN = (date(2008, 1, 1), date(2024, 12, 31))
CHILD_SHARE = 0.12

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # reserved: never deliverable
_MOBILE_PREFIXES = tuple(str(p) for p in ZhPhone.phonenumber_prefixes)
_ROMAN_GIVEN = tuple(n.lower() for n in ZhPerson.first_romanized_names)
_ROMAN_FAMILY = tuple(n.lower() for n in ZhPerson.last_romanized_names)
_SURNAMES = list(ZhPerson.last_names)
_SURNAME_CUM = list(accumulate(ZhPerson.last_names.values()))


@dataclass(frozen=True)
class Identity:
    index: int
    unit_code: str
    outlet: OutletSpec  # where the customer lives (for a city-held customer: one of its outlets)
    id_number: str
    birth_date: date
    gender: str


@dataclass
class CustomerResult:
    requested: int = 0
    created: int = 0
    skipped: int = 0  # identities already present
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def _homes() -> tuple[list[tuple[ProvinceSpec, CitySpec]], list[int]]:
    cities = [(p, c) for p in PROVINCES for c in p.cities]
    return cities, list(accumulate(c.weight for _, c in cities))


def _random_day(rng: random.Random, low: date, high: date, mode: date | None = None) -> date:
    span = (high - low).days
    if mode is None:
        return low + timedelta(days=rng.randint(0, span))
    return low + timedelta(days=round(rng.triangular(0, span, (mode - low).days)))


def identities(count: int, seed: int) -> Iterator[Identity]:
    """The first ``count`` demo identities for ``seed`` (unique, valid, prefix-stable)."""
    rng = random.Random(f"hiqc-demo-customers:{seed}")
    cities, cum = _homes()
    seen: set[str] = set()
    for index in range(count):
        province, city = rng.choices(cities, cum_weights=cum)[0]
        outlet = rng.choice(city.outlets)
        unit_code = city.code if rng.random() < CITY_SHARE else outlet.code
        roll = rng.random()
        if roll < 0.65:
            area = outlet.area_code
        elif roll < 0.80:
            area = rng.choice(province.area_codes)
        else:
            area = rng.choice(OTHER_PROVINCE_AREAS)
        child = rng.random() < CHILD_SHARE
        while True:
            born = _random_day(rng, *CHILD_BORN) if child else _random_day(rng, *ADULT_BORN)
            first17 = f"{area}{born:%Y%m%d}{rng.randint(1, 999):03d}"
            number = first17 + resident_id_check_digit(first17)
            if number not in seen:
                break
        seen.add(number)
        gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
        yield Identity(index, unit_code, outlet, number, born, gender)


def _luhn_complete(partial: str) -> str:
    total = 0
    for i, d in enumerate(reversed(partial)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return partial + str((10 - total % 10) % 10)


def _email(r: random.Random, born: date) -> str:
    suffix = r.choice(("", "", str(born.year), f"{born:%m%d}", str(r.randint(1, 999))))
    return f"{r.choice(_ROMAN_GIVEN)}{r.choice(_ROMAN_FAMILY)}{suffix}@{r.choice(EMAIL_DOMAINS)}"


def customer_data(identity: Identity, fake: Faker, seed: int) -> dict[str, Any]:
    """The full input for ``customer_clean`` for one identity (deterministic per seed + index)."""
    fake.seed_instance(f"hiqc-demo-customer:{seed}:{identity.index}")
    r = fake.random
    male = identity.gender == Gender.MALE
    given = r.choice(ZhPerson.first_names_male if male else ZhPerson.first_names_female)
    name = r.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0] + given
    adult = identity.birth_date <= ADULT_BORN[1]
    outlet = identity.outlet
    address = (
        f"{outlet.region}{r.choice(outlet.streets)}{r.randint(1, 399)}号"
        f"{r.randint(1, 32)}号楼{r.randint(1, 6)}单元{r.randint(1, 28)}{r.randint(1, 4):02d}室"
    )
    if adult:
        kinds = [
            k
            for k, p in (
                (CustomerKind.POLICYHOLDER, 0.7),
                (CustomerKind.INSURED, 0.85),
                (CustomerKind.BENEFICIARY, 0.2),
                (CustomerKind.CLAIMANT, 0.15),
                (CustomerKind.COMPLAINANT, 0.03),
            )
            if r.random() < p
        ]
        has_mobile, has_email, has_bank = r.random() < 0.97, r.random() < 0.55, r.random() < 0.75
    else:
        kinds = [CustomerKind.INSURED] + ([CustomerKind.BENEFICIARY] if r.random() < 0.1 else [])
        has_mobile, has_email, has_bank = r.random() < 0.25, r.random() < 0.05, r.random() < 0.1
    bank = ""
    if has_bank:
        _, bin_, length = r.choice(BANK_CARDS)
        digits = length - len(bin_) - 1
        bank = _luhn_complete(f"{bin_}{r.randrange(10**digits):0{digits}d}")
    return {
        "name": name,
        "id_type": IdType.RESIDENT_ID,
        "id_number": identity.id_number,
        "birth_date": identity.birth_date,
        "gender": identity.gender,
        "mobile": f"{r.choice(_MOBILE_PREFIXES)}{r.randrange(10**8):08d}" if has_mobile else "",
        "email": _email(r, identity.birth_date) if has_email else "",
        "address": address if r.random() < 0.9 else "",
        "bank_account": bank,
        "kinds": kinds or [CustomerKind.INSURED],
    }


def _batched(items: Iterator[Identity], size: int) -> Iterator[list[Identity]]:
    while batch := list(islice(items, size)):
        yield batch


def _existing_hashes(hashes: Sequence[str]) -> set[str]:
    return set(
        Customer.objects.filter(id_type=IdType.RESIDENT_ID, id_number_hash__in=hashes).values_list(
            "id_number_hash", flat=True
        )
    )


def load_customers(
    tree: OrgTree,
    *,
    count: int,
    seed: int,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> CustomerResult:
    """Make sure the first ``count`` demo customers for ``seed`` exist (a transaction a batch)."""
    result = CustomerResult(requested=count)
    fake = Faker("zh_CN")
    started = time.perf_counter()
    for batch in _batched(identities(count, seed), batch_size):
        hashes = [id_number_hash(i.id_number) for i in batch]
        existing = _existing_hashes(hashes)
        rows = []
        for identity, hashed in zip(batch, hashes, strict=True):
            if hashed in existing:
                result.skipped += 1
                continue
            values, errors = customer_clean(customer_data(identity, fake, seed))
            if errors:  # a generator bug: name the row and fields, never the values
                fields = sorted(errors)
                raise ValueError(f"Demo customer #{identity.index} fails validation: {fields}")
            rows.append(
                Customer(
                    org_unit=tree.units[identity.unit_code],
                    id_number_hash=hashed,
                    mobile_hash=mobile_hash(values["mobile"]),
                    **values,
                )
            )
        if rows:
            with transaction.atomic():
                Customer.objects.bulk_create(rows, batch_size=batch_size)
            result.created += len(rows)
        if on_progress:
            on_progress(len(batch))
    result.seconds = time.perf_counter() - started
    return result
