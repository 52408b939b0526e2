"""The draw of the informal dialogue's speaking slots: reproducible from its seed, balanced by region and kind.

The rule (also shown on the admin page and the published list):

1. The applicants are taken in order of arrival. Each falls in a bucket: its region (the regional group of the
   country of its headquarters; "International" without a country) and its kind of organization.
2. `random.Random(seed)` shuffles, in this order: the list of regions, the list of kinds, then each bucket
   (buckets in sorted order of region and kind). The seed is recorded and published with the list.
3. The order is built one place at a time. The next place goes to the region with the fewest places so far among
   regions that still have applicants (ties: the region that comes first in the shuffled regions); within it, to
   the kind with the fewest places so far in that region, among its kinds that still have applicants (ties: the
   kind with the fewest places over the whole draw, then the shuffled kinds); within that bucket, to the next
   applicant in its shuffled order.
4. The first places, as many as there are slots, are confirmed in that speaking order; the others form the waiting
   list in that order.

So no region gets a second place while another region with applicants has none (and so on for every round);
within a region no kind gets a second place while another of its kinds with applicants has none, and ties lean
towards the kinds the draw has served least. The same seed and the same applicants give the same order, on any machine.
"""

import random
import secrets
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

NO_REGION = "International"

RULE = (
    "Regions take turns: the next place goes to the region with the fewest places so far (ties broken by a seeded "
    "shuffle of the regions); within a region, the kind of organization with the fewest places so far in that region "
    "goes first (ties: the kind with the fewest places overall, then a seeded shuffle of the kinds); within a region "
    "and kind, applicants come in a seeded shuffled "
    "order. The first places are confirmed in that order, the others form the waiting list. random.Random(seed), "
    "Python 3; applicants taken in order of arrival."
)


@dataclass(frozen=True)
class Entry:
    key: Hashable
    region: str
    kind: str


def new_seed() -> str:
    """A fresh seed, recorded with the draw: 18 decimal digits, easy to read out and to type."""
    return str(secrets.randbelow(10**18)).zfill(18)


def draw_order(entries: list[Entry], seed: str) -> list[Hashable]:
    """The keys of `entries` (given in order of arrival) in the order of the draw; see the module's rule."""
    rng = random.Random(seed)  # noqa: S311 - reproducibility is the point; the seed itself comes from `secrets`
    regions = sorted({entry.region for entry in entries})
    kinds = sorted({entry.kind for entry in entries})
    rng.shuffle(regions)
    rng.shuffle(kinds)
    region_rank = {region: index for index, region in enumerate(regions)}
    kind_rank = {kind: index for index, kind in enumerate(kinds)}
    buckets: dict[tuple[str, str], list[Hashable]] = {}
    for entry in entries:
        buckets.setdefault((entry.region, entry.kind), []).append(entry.key)
    for bucket_key in sorted(buckets):
        rng.shuffle(buckets[bucket_key])

    region_places: Counter[str] = Counter()
    kind_places: Counter[str] = Counter()
    bucket_places: Counter[tuple[str, str]] = Counter()
    order: list[Hashable] = []
    while len(order) < len(entries):
        waiting = {region for (region, _kind), keys in buckets.items() if keys}
        region = min(waiting, key=lambda r: (region_places[r], region_rank[r]))
        region_kinds = [kind for (r, kind), keys in buckets.items() if r == region and keys]
        kind = min(region_kinds, key=lambda k: (bucket_places[(region, k)], kind_places[k], kind_rank[k]))
        order.append(buckets[(region, kind)].pop(0))
        region_places[region] += 1
        kind_places[kind] += 1
        bucket_places[(region, kind)] += 1
    return order
