"""One module per database family, each a `Backend` (see `base.py`)."""
