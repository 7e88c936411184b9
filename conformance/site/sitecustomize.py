# setuptools' distutils must replace the standard library's (hpy.devel checks it; 3.12+ has none).
try:
    __import__('_distutils_hack').add_shim()
except Exception:
    pass
