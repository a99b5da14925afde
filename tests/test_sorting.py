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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=60), st.integers(0, 30), st.sampled_from([np.int64, np.int32]))
def test_distinct_keys_is_np_unique(keys, extra, dtype):
    """The presence-mask path and its np.unique fallback (keys beyond ``size``) give what
    np.unique gives: values, dtype and inverse."""
    from netcluster._sorting import distinct_keys
    k = np.array(keys, dtype=dtype)
    size = (int(k.max()) + 1 if len(k) else 0) + extra
    for sz in (size, max(size - extra - 1, 0)):  # the second: keys beyond it -> np.unique
        u, inv = distinct_keys(k, sz, inverse=True)
        U, INV = np.unique(k, return_inverse=True)
        assert u.dtype == U.dtype and u.tolist() == U.tolist() and inv.tolist() == INV.tolist()
        assert distinct_keys(k, sz).tolist() == U.tolist()


def test_unique_values_equals_np_unique():
    """Oracle: np.unique, on integer arrays of every width and sign, booleans, floats with NaN,
    empty, one element, 2-d and object arrays."""
    from netcluster._sorting import unique_values
    rng = np.random.default_rng(0)
    cases = [rng.integers(-50, 50, 1000), rng.integers(0, 10 ** 12, 5000), rng.integers(0, 3, 100).astype(np.int8),
             rng.integers(0, 60000, 700).astype(np.uint16), rng.random(100) < 0.5, np.array([np.nan, 1.0, np.nan, 0.5]),
             np.zeros(0, dtype=np.int64), np.array([7]), rng.integers(0, 5, (4, 6)),
             np.array(["b", "a", "b"], dtype=object)]
    for a in cases:
        got, exp = unique_values(a), np.unique(a)
        assert got.dtype == exp.dtype and np.array_equal(got, exp, equal_nan=a.dtype.kind == "f"), a
