"""briefing: Korean news coverage of LG's leaders → English executive briefings."""

__version__ = "0.1.0"
