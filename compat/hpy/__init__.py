"""The ``hpy`` package's API served by HPy Shim (the opt-in ``hpy`` 0.9.0 compatibility distribution).

Code and build scripts written for HPy's ``hpy`` package run unchanged: ``hpy.universal`` (load,
_load_bootstrap, MODE_*, get_version, _debug, _trace), ``hpy.debug``, ``hpy.trace`` and
``hpy.devel`` (HPyDevel, the ``hpy_ext_modules`` setup() keyword, with HPy Shim's headers) are
thin aliases of the ``hpyshim`` package, which does the work.
"""
