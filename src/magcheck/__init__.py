"""magcheck: who has one government sanctioned that the others have not."""

__version__ = "0.1.0"
