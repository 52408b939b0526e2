"""The draw's order: the same for the same seed, different for another, and balanced by region and by kind."""

from collections import Counter

import pytest

from registrations.draw import Entry, draw_order, new_seed

REGIONS = {"African Group": 9, "Asia-Pacific": 6, "EEG": 2, "GRULAC": 5, "WEOG": 14, "International": 1}
PINNED = [0, 3, 4, 1, 2]  # seed "2017", see test_a_known_seed_gives_a_known_order
KINDS = ["ngo", "academia", "private_sector", "trade_union", "diaspora", "other"]


def applicants() -> list[Entry]:
    """37 applicants, unevenly spread: WEOG has many, Eastern Europe two, one international network."""
    entries = []
    for region, count in REGIONS.items():
        for i in range(count):
            entries.append(Entry(key=f"{region}-{i}", region=region, kind=KINDS[(i * 7 + len(region)) % len(KINDS)]))
    return entries


def test_same_seed_gives_the_same_order():
    entries = applicants()
    assert draw_order(entries, "424242") == draw_order(list(entries), "424242")


def test_another_seed_gives_another_order():
    entries = applicants()
    orders = {tuple(draw_order(entries, seed)) for seed in ("1", "2", "3", "4", "5")}
    assert len(orders) == 5


def test_order_is_a_permutation_of_the_applicants():
    entries = applicants()
    order = draw_order(entries, new_seed())
    assert sorted(order) == sorted(entry.key for entry in entries)


def test_a_known_seed_gives_a_known_order():
    """Pinned: a change to the rule (or to Python's random) would change results already published."""
    kinds = [("A", "ngo"), ("A", "academia"), ("B", "ngo"), ("C", "ngo"), ("B", "ngo")]
    entries = [Entry(key=n, region=region, kind=kind) for n, (region, kind) in enumerate(kinds)]
    assert draw_order(entries, "2017") == PINNED


@pytest.mark.parametrize("seed", [str(n) for n in range(40)])
def test_no_region_gets_another_place_while_a_region_with_applicants_has_fewer(seed):
    """After every place: among regions that still had applicants, the counts differ by at most one."""
    entries = applicants()
    region_of = {entry.key: entry.region for entry in entries}
    remaining = Counter(region_of.values())
    places: Counter[str] = Counter()
    for key in draw_order(entries, seed):
        region = region_of[key]
        competing = [r for r in REGIONS if remaining[r] > 0]
        assert places[region] == min(places[r] for r in competing), (seed, key, dict(places))
        places[region] += 1
        remaining[region] -= 1


@pytest.mark.parametrize("seed", [str(n) for n in range(20)])
def test_first_round_of_a_region_takes_each_of_its_kinds_before_repeating_one(seed):
    """Within a region, a kind gets a second place only once every other kind of that region has had one."""
    entries = applicants()
    by_key = {entry.key: entry for entry in entries}
    order = draw_order(entries, seed)
    for region in REGIONS:
        kinds_in_region = {e.kind for e in entries if e.region == region}
        drawn = [by_key[key].kind for key in order if by_key[key].region == region]
        first = drawn[: len(kinds_in_region)]
        assert set(first) == kinds_in_region, (seed, region, drawn)


def test_ten_slots_over_six_regions_give_every_region_a_slot():
    entries = applicants()
    for seed in ("a", "b", "c"):
        regions = Counter(next(e.region for e in entries if e.key == key) for key in draw_order(entries, seed)[:10])
        assert set(regions) == set(REGIONS)
        assert max(regions.values()) - min(regions.values()) <= 1


def test_new_seeds_are_18_digits_and_differ():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(seed) == 18 and seed.isdigit() for seed in seeds)
