"""Textual-free view models: what the screens show, worked out from the judged series so
the report and the drafts can use the same answers (who owns a file, a thread in order).
Beside the triage view in the layers; no textual, no rich."""
