"""Service requests from a priced catalog, and complaints: both SLA-tracked (response and
resolution due times, breaches flagged by a sweep)."""
