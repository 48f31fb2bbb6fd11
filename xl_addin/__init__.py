"""xlreg: templates, checks and review packs for the registers organisations keep in Excel."""

__version__ = "0.1.0"
