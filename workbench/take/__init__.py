"""Taking a series: the mbox ``git am`` reads (``--am``) and applying it on a new branch
of a kernel tree (``--apply``).

Split in three: ``collect`` decides which collected trailers go into each patch (the
trust model's verdict, pure), ``mbox`` writes the patches with them, ``git`` runs
``git am`` in a temporary worktree. Nothing here imports textual or writes to the mail store.
"""
