"""``tickler serve``: the binder on a phone's browser, a second face over the same library as the
command line (``tickler/cli/``); neither face imports the other.

=============  ==============================================================
``command``    the ``serve`` command: options, the token, the URL and QR code, uvicorn
``access``     who may come in (the token, its cookie), CSRF, the security headers: one place
``served``     what the server keeps: one binder for its life, the templates of every page
``app``        the application: the routes behind the access rules
``pages``      what a phone looks at: today, a card's brief, find, agenda, JSON, the calendar
``posts``      what a phone does: log, move, park, request, new; each one library call
``syncing``    ``--sync EVERY``: the team's remote on a timer, its trouble shown on the pages
=============  ==============================================================

Like a command, a handler parses its input, makes one call into the library and renders the
answer; library errors become a ``400`` page with the command line's message. Nothing here is
imported unless ``serve`` runs, so ``tickler today`` never pays for the web framework.
"""
