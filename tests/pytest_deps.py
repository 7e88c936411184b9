"""pytest for the tests that run it (not a test module).

Debian's python3-pytest (./build.sh test installs it: tools/build.py ensure_test_packages) is pure
Python; every CPython 3.8+ imports it from a folder of links to it and its dependencies only, since
the rest of Debian's dist-packages is built for Debian's own CPython. The folder holds no
.dist-info, so no other pytest plugin installed by Debian is loaded.
"""

import os

DIST_PACKAGES = "/usr/lib/python3/dist-packages"
# pytest 7 and what it imports; exceptiongroup and tomli for CPython 3.8 to 3.10.
NAMES = ["_pytest", "pytest", "py.py", "pluggy", "iniconfig", "packaging", "attr", "attrs",
         "exceptiongroup", "tomli"]
DEBIAN_PACKAGES = "python3-pytest python3-exceptiongroup python3-tomli"


def pytest_dir(parent):
    """A folder in `parent` that puts pytest on PYTHONPATH; AssertionError (a failure, not a
    skip) when Debian's packages are missing."""
    missing = [n for n in NAMES if not os.path.exists(os.path.join(DIST_PACKAGES, n))]
    if missing:
        raise AssertionError("pytest is missing (%s not in %s): apt-get install %s, which "
                             "./build.sh test does" % (", ".join(missing), DIST_PACKAGES, DEBIAN_PACKAGES))
    folder = os.path.join(parent, "pytest-path")
    os.makedirs(folder, exist_ok=True)
    for name in NAMES:
        link = os.path.join(folder, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join(DIST_PACKAGES, name), link)
    return folder
