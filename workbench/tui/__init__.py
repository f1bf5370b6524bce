"""The Textual workbench (the only part of vfio-workbench that imports textual).

``launch`` holds the entry points the CLI calls; ``app`` the App and its loading
worker; ``screens/`` one module per screen; ``widgets/line_view`` the Line-API view big
diffs need. The view models (``listing``, ``diffs``, ``thread``, ``versions``,
``render``) turn judged series into rows and ``rich.text.Text``, never markup strings.
"""
