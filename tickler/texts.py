"""Texts shared by the library and the command line, in a module that costs nothing to import."""

WHEN_HELP = (
    "2026-12-05, '2026-12-05 15:30', today, tomorrow, +3 (days), +2w, +1m, fri, 'next mon', "
    "'5 jul', 'jul 5', or a time alone ('15:30' is today at 15:30); a date may end with a time "
    "of day ('fri 10:00')"
)
