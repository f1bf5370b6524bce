"""The maintainer's own triage state, kept beside the mail and never in it.

``model`` holds the states and how the shown state is worked out (a snooze that ended,
a new version while waiting); ``store`` the SQLite file; ``chains`` what the state of a
series chain and its "new since I last looked" counts are, from a judged workbench.
"""
