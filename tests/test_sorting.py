"""text_argsort (the label order every table and matrix is sorted by) against Python's sorted()."""
import numpy as np
from hypothesis import given, settings, strategies as st

from netcluster._sorting import text_argsort

texts = st.one_of(st.none(), st.text(alphabet="ab가나\x00 ", max_size=4))


def python_order(values):
    present = sorted((v, i) for i, v in enumerate(values) if v is not None)  # stable: ties by position
    return [i for _, i in present] + [i for i, v in enumerate(values) if v is None]


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=30), st.booleans())
def test_text_argsort_is_pythons_stable_order(values, presort):
    if presort:  # the fast path for a column already in order (with repeats, no missing)
        values = sorted(v for v in values if v is not None)
    assert text_argsort(values).tolist() == python_order(values)


def test_text_argsort_large_sorted_and_shuffled():
    rng = np.random.default_rng(0)
    ids = np.array(sorted(f"{x:010d}" for x in rng.integers(0, 10**9, 5000)), dtype=object)
    assert text_argsort(ids).tolist() == list(range(len(ids)))
    shuffled = ids[rng.permutation(len(ids))]
    assert shuffled[text_argsort(shuffled)].tolist() == ids.tolist()
