"""Citation keys: unique in an output, never changed by what comes after, the same when streamed in shares."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from export_roundtrip import make_citation
from refparse.batch.writers import KEY_MARK, Rekeyer
from refparse.export.keys import KeySet, base_key, make_keys
from refparse.models import PubDate

TITLES = st.sampled_from([None, "Cells", "Other", "A b", "B", "Cells in mice", "2020 cells"])
YEARS = st.sampled_from([None, 2020, 2021])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TITLES, YEARS), max_size=40))
def test_keys_are_unique_and_prefix_stable(specs: list[tuple[str | None, int | None]]) -> None:
    cites = [make_citation(title=t, date=PubDate(year=y) if y else None) for t, y in specs]
    keys = make_keys(cites)
    assert len(set(keys)) == len(keys)
    for k in range(len(cites) + 1):  # adding citations at the end never changes a key already given
        assert make_keys(cites[:k]) == keys[:k]
    for key, c in zip(keys, cites, strict=True):  # a base key, or a base key and letters
        base = base_key(c)
        assert key.startswith(base) and (key == base or key[len(base):].isalpha())


@settings(max_examples=100, deadline=None)
@given(st.lists(TITLES, min_size=1, max_size=12), st.integers(min_value=1, max_value=30))
def test_shares_rekeyed_in_chunks_give_the_whole_outputs_keys(titles: list[str | None], size: int) -> None:
    cites = [make_citation(title=t) for t in titles]
    shares = "".join(f"@article{{{KEY_MARK}{base_key(c)}{KEY_MARK},\n}}\n" for c in cites)
    rekey = Rekeyer()
    text = "".join(rekey.feed(shares[i:i + size]) for i in range(0, len(shares), size))  # marks straddle chunks
    assert rekey.tail == "" and KEY_MARK not in text
    assert text == "".join(f"@article{{{k},\n}}\n" for k in make_keys(cites))


def test_key_set_grows_and_remembers() -> None:
    keys = KeySet()
    assert all(keys.add(f"smith{i}cell") for i in range(5000))
    assert not any(keys.add(f"smith{i}cell") for i in range(5000))
    assert keys.count == 5000 and len(keys.slots) >= 10000
    assert keys.add("smith5000cell")
