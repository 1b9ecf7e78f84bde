"""cx's dashboard numbers, counted set-based (a handful of aggregate queries per call)."""
