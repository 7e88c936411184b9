"""The setuptools commands behind ``hpy_ext_modules`` (see hpyshim.devel): imported only when a
distribution is fixed, so that importing hpyshim never imports setuptools."""

import os

import setuptools  # noqa: F401  (first: on 3.12+ it provides distutils)
import setuptools.command.bdist_egg
import setuptools.command.build_ext
from distutils import log  # shown at the default verbosity by every setuptools version

try:
    from setuptools.errors import DistutilsError
except ImportError:  # setuptools older than 59
    from distutils.errors import DistutilsError

try:
    import setuptools.command.build as _build_module
    _BUILD = _build_module.build
except ImportError:  # setuptools older than 64: distutils' build command
    from distutils.command.build import build as _BUILD

from .devel import (ABIS, HPyExtensionName, egg_stub_source, get_hpy_ext_suffix, stub_path, stub_source,
                    windows_exports)

_ABI_MACROS = {"cpython": "HPY_ABI_CPYTHON", "hybrid": "HPY_ABI_HYBRID", "universal": "HPY_ABI_UNIVERSAL"}

# File names (no folder) of the CPython ABI HPy binaries this process builds: bdist_egg's stub
# writer, patched below, gets only a file name.
_CPYTHON_ABI_FILES = set()


def check_abi(abi):
    if abi not in ABIS:
        raise DistutilsError("Unknown HPy ABI: %s. Valid values are: cpython, hybrid, universal" % abi)


def _mixed(base, mixin):
    """`base` with `mixin`'s methods in front (once)."""
    if isinstance(base, type) and issubclass(base, mixin):
        return base
    return type(base.__name__ + "_hpy", (mixin, base), {})


class _BuildMixin:
    """Each HPy ABI but cpython builds into its own folders, so switching ABIs never mixes them."""

    def finalize_options(self):
        super().finalize_options()
        abi = self.distribution.hpy_abi
        check_abi(abi)
        if abi != "cpython":
            suffix = "-hpy-" + abi
            self.build_platlib += suffix
            self.build_lib += suffix
            self.build_temp += suffix


class _BuildExtMixin:
    """build_ext for ``hpy_ext_modules`` next to ordinary ``ext_modules``."""

    def initialize_options(self):
        super().initialize_options()
        self.hpydevel = self.distribution.hpydevel
        self._hpy_names = frozenset()

    def finalize_options(self):
        dist = self.distribution
        abi = dist.hpy_abi
        check_abi(abi)
        hpy_exts = list(getattr(dist, "hpy_ext_modules", None) or [])
        for ext in hpy_exts:
            self._hpy_prepare(ext, abi)
        prefix = dist.ext_package + "." if dist.ext_package else ""
        self._hpy_names = frozenset(prefix + ext.name for ext in hpy_exts)
        # setuptools' finalize_options takes the list of extensions from the distribution and
        # records each one's full name and file name: let it see the HPy ones for that moment.
        legacy = dist.ext_modules
        dist.ext_modules = list(legacy or []) + [e for e in hpy_exts if e not in (legacy or [])]
        try:
            super().finalize_options()
        finally:
            dist.ext_modules = legacy
        for ext in hpy_exts:
            ext._needs_stub = ext.hpy_abi in ("universal", "hybrid")
            if ext.hpy_abi == "cpython":
                _CPYTHON_ABI_FILES.add(os.path.basename(ext._file_name))

    def _hpy_prepare(self, ext, abi):
        if getattr(ext, "hpy_abi", None) is not None:
            return  # already prepared by an earlier build_ext of this distribution
        devel = self.hpydevel
        ext.name = HPyExtensionName(ext.name)   # is_hpy_extension(ext.name), as with hpy.devel
        ext.hpy_abi = abi
        ext.include_dirs = list(ext.include_dirs or []) + devel.get_extra_include_dirs()
        if abi == "universal":
            # #include <Python.h> in a universal build is an error naming the reason.
            ext.include_dirs.insert(0, str(devel.get_include_dir_forbid_python_h()))
        ext.define_macros = list(ext.define_macros or []) + [("HPY", None), (_ABI_MACROS[abi], None)]
        ext._hpy_helper_lib = None
        if getattr(self.distribution, "hpy_use_static_libs", False):
            libs = devel.get_static_libs(abi)
            if libs is None or len(libs) != 1:
                raise DistutilsError('Expected exactly one static library for ABI "%s" but got: %r'
                                     % (abi, libs))
            ext.extra_objects = list(ext.extra_objects or []) + libs
        else:
            ext._hpy_helper_lib = abi  # built once per build and ABI in build_extensions

    def _hpy_is_hpy(self, ext):
        return getattr(ext, "hpy_abi", None) is not None and ext._full_name in self._hpy_names

    def build_extensions(self):
        libs = {}
        for ext in self.extensions:
            abi = getattr(ext, "_hpy_helper_lib", None)
            if abi is None or not self._hpy_is_hpy(ext):
                continue
            if abi not in libs:
                libs[abi] = self._hpy_build_helper_lib(abi)
            if libs[abi] not in ext.extra_objects:
                ext.extra_objects.append(libs[abi])
        super().build_extensions()

    def _hpy_build_helper_lib(self, abi):
        """Compile the helper sources (plus, in CPython ABI mode, the module and type runtime) once
        into a static library that every extension of this build links."""
        devel = self.hpydevel
        sources = devel.get_extra_sources()
        if abi == "cpython":
            sources += devel.get_ctx_sources()
        include_dirs = devel.get_extra_include_dirs()
        if abi == "universal":
            include_dirs.insert(0, str(devel.get_include_dir_forbid_python_h()))
        out = os.path.join(self.build_temp, "hpy-helpers", abi)
        log.info("building the HPy helper library for the %s ABI", abi)
        objects = self.compiler.compile(sources, output_dir=out, include_dirs=include_dirs,
                                        macros=[("HPY", None), (_ABI_MACROS[abi], None)],
                                        debug=self.debug)
        name = "hpyhelpers-" + abi
        self.compiler.create_static_lib(objects, name, output_dir=out, debug=self.debug)
        return os.path.join(out, self.compiler.library_filename(name, lib_type="static"))

    def get_ext_fullpath(self, ext_name):
        # distutils asks get_ext_filename for the last name component only, which cannot tell an
        # HPy extension 'pkg.mod' from an ordinary one named 'mod': decide on the full name here.
        fullname = self.get_ext_fullname(ext_name)
        abi = self.distribution.hpy_abi
        if fullname not in self._hpy_names or abi == "cpython":
            return super().get_ext_fullpath(ext_name)
        modpath = fullname.split(".")
        filename = modpath[-1] + get_hpy_ext_suffix(abi)
        if not self.inplace:
            return os.path.join(self.build_lib, *(modpath[:-1] + [filename]))
        build_py = self.get_finalized_command("build_py")
        return os.path.join(os.path.abspath(build_py.get_package_dir(".".join(modpath[:-1]))), filename)

    def get_ext_filename(self, fullname):
        abi = self.distribution.hpy_abi
        if fullname in self._hpy_names and abi != "cpython":
            return os.path.join(*fullname.split(".")) + get_hpy_ext_suffix(abi)
        return super().get_ext_filename(fullname)

    def _hpy_write_stub(self, stub_file, ext):
        ext_file = os.path.basename(ext._file_name)
        log.info("writing the HPy stub loader for %s to %s", ext._full_name, stub_file)
        if not self.dry_run:
            with open(stub_file, "w") as f:
                f.write(stub_source(ext_file.split(".")[0], ext_file))

    def write_stub(self, output_dir, ext, compile=False):
        if not self._hpy_is_hpy(ext) or ext.hpy_abi == "cpython":
            return super().write_stub(output_dir, ext, compile)
        # compile=True: called for an in-place build, output_dir is the package's folder.
        self._hpy_write_stub(stub_path(output_dir, ext._full_name, compile), ext)

    def _write_stub_file(self, stub_file, ext, compile=False):
        # setuptools 64+ writes in-place stubs through this method, not write_stub.
        if not self._hpy_is_hpy(ext) or ext.hpy_abi == "cpython":
            return super()._write_stub_file(stub_file, ext, compile)
        self._hpy_write_stub(stub_file, ext)

    def get_export_symbols(self, ext):
        names = super().get_export_symbols(ext)
        if getattr(ext, "hpy_abi", None) in ("universal", "hybrid"):
            names = windows_exports(names)
        return names


def check_build_ext(build_ext):
    if isinstance(build_ext, type) and not issubclass(build_ext, setuptools.command.build_ext.build_ext):
        raise DistutilsError("dist.cmdclass['build_ext'] (%s) does not derive from setuptools' "
                             "build_ext, which HPy extensions need" % build_ext.__name__)


def _has_ext_modules(self):
    return bool(self.ext_modules or getattr(self, "hpy_ext_modules", None))


_has_ext_modules._hpyshim = True


def _patch_bdist_egg():
    """bdist_egg writes a CPython loader stub for every binary: a universal or hybrid binary keeps
    the stub build_ext wrote, a CPython ABI one gets ours (see devel.egg_stub_source)."""
    module = setuptools.command.bdist_egg
    original = module.write_stub
    if getattr(original, "_hpyshim", False):
        return
    suffixes = (get_hpy_ext_suffix("universal"), get_hpy_ext_suffix("hybrid"))

    def write_stub(resource, pyfile):
        if resource.endswith(suffixes):
            return
        if resource not in _CPYTHON_ABI_FILES:
            return original(resource, pyfile)
        with open(pyfile, "w") as f:
            f.write(egg_stub_source(resource))

    write_stub._hpyshim = True
    module.write_stub = write_stub


def fix_distribution(hpydevel, dist):
    dist.hpydevel = hpydevel
    for attr, default in (("hpy_abi", None), ("hpy_use_static_libs", False), ("hpy_ext_modules", None)):
        if not hasattr(dist, attr):
            setattr(dist, attr, default)
    if dist.hpy_abi is None:
        from .devel import DEFAULT_HPY_ABI
        dist.hpy_abi = DEFAULT_HPY_ABI
    cls = dist.__class__
    if not getattr(cls.has_ext_modules, "_hpyshim", False):
        cls.has_ext_modules = _has_ext_modules
    dist.cmdclass["build"] = _mixed(dist.cmdclass.get("build", _BUILD), _BuildMixin)
    build_ext = dist.cmdclass.get("build_ext", setuptools.command.build_ext.build_ext)
    hpydevel.build_ext_sanity_check(build_ext)
    dist.cmdclass["build_ext"] = _mixed(build_ext, _BuildExtMixin)
    _patch_bdist_egg()
