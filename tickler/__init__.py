"""tickler: a salesperson's tickler binder as plain files in git."""

__version__ = "0.1.0"
