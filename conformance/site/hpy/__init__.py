"""Stand-in for HPy's ``hpy`` package in the conformance run.

``hpy.universal`` is HPy Shim (``hpyshim.universal``); every other subpackage
(``hpy.devel``, ``hpy.debug``, ``hpy.trace``) comes from the HPy checkout named
by ``$HPY_SRC``, which is appended to this package's search path.
"""
import os

_src = os.environ.get("HPY_SRC")
if not _src:
    raise ImportError("the conformance stand-in for 'hpy' needs HPY_SRC (an HPy 0.9.0 checkout)")
__path__.append(os.path.join(os.path.abspath(_src), "hpy"))
