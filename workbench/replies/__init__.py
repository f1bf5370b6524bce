"""Reply drafts: the emails that ask a series for what the acceptance document requires.

The public API, for the TUI and the headless ``--draft``:

* ``kinds.available_kinds(judged, ctx)`` → the drafts that make sense for a series;
* ``compose.compose(kind, judged, ctx, ...)`` → a ``Draft`` (headers + body, ``as_bytes()``);
* ``workbench.mail.drafts.save_draft(data, settings)`` → the draft in notmuch's Drafts folder;
* ``command.run_draft(settings, ...)`` → the ``--draft`` command.

Nothing here sends mail, and nothing here imports textual.
"""
