"""Which of PyYAML's parsers the card loader reads a front matter with: libyaml's C parser for the
ordinary one, the pure-Python parser for one that could nest deeply (long, or with many brackets
or dashes), which stops such a text with a clean error where the C parser could run out of stack.
The plain reader (``plainyaml``) follows the C parser only, so it steps aside for the others.
"""

from __future__ import annotations

LONGEST = 16_384  # characters of front matter the C parser is given


def busy(text: str) -> bool:
    """Whether the loader reads ``text`` with the pure-Python parser."""
    return len(text) > LONGEST or text.count("[") + text.count("{") + text.count("- ") > 256
