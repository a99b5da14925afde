"""One definition of a missing scalar cell (None, NaN or pd.NA), shared by the modules."""

import pandas as pd


def isna_scalar(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NA
