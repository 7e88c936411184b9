"""hpyshim.load on broken and unusual files, and the execution modes.

Every native load runs in a fresh interpreter: a runtime bug that crashes the
process then fails one test instead of ending the whole run.  The child also
loads and calls a working extension after the failure, which checks that
CPython and the runtime keep working.
"""

import json
import os
import shutil
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim

# Modes the runtime implements; the others must raise SystemError "not implemented yet".
# Add "debug"/"trace" here when the runtime gains them.
IMPLEMENTED_MODES = {"universal", "trace", "debug"}
ALL_MODES = ("universal", "debug", "trace")

_CHILD = r"""
import json, sys, traceback
import hpyshim
name, path, mode, sample = sys.argv[1:5]
res = {}
try:
    mod = hpyshim.load(name, path, mode=mode)
except BaseException as e:
    res.update(ok=False, type=type(e).__name__, mro=[c.__name__ for c in type(e).__mro__],
               message=str(e), name=getattr(e, "name", None), path=getattr(e, "path", None),
               cause=None if e.__cause__ is None else "%s: %s" % (type(e.__cause__).__name__, e.__cause__),
               is_load_error=isinstance(e, hpyshim.HPyLoadError))
else:
    res.update(ok=True, module=mod.__name__, in_sys_modules=name in sys.modules,
               file=getattr(mod, "__file__", None))
    if name == "simple":
        res["hello"] = mod.hello()
try:
    res["after"] = hpyshim.load("simple", sample).hello()
except BaseException:
    res["after"] = "FAILED: " + traceback.format_exc()
print("RESULT " + json.dumps(res))
"""

NOARGS_SYMBOLS = r"""
#include <stdint.h>
#include <stddef.h>
uint32_t get_required_hpy_major_version_%(name)s(void) { return %(major)d; }
uint32_t get_required_hpy_minor_version_%(name)s(void) { return 0; }
static void *stored_ctx;
void HPyInitGlobalContext_%(name)s(void *ctx) { stored_ctx = ctx; }
void *HPyInit_%(name)s(void) { return NULL; }
"""


BAD_SIGNATURE = r"""
#include "hpy.h"
HPyDef f = { .kind = HPyDef_Kind_Meth, .meth = { .name = "f", .signature = (HPyFunc_Signature)1234 } };
static HPyDef *defines[] = { &f, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(badsig, moduledef)
"""


class LoadErrorTest(unittest.TestCase):
    def load_in_child(self, name, path, mode="universal"):
        proc = support.run_python(["-c", _CHILD, name, path, mode, support.sample("simple")])
        self.assertEqual(proc.returncode, 0, "the interpreter did not survive the load: "
                         + support.describe(proc))
        lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
        self.assertEqual(len(lines), 1, support.describe(proc))
        return json.loads(lines[0][len("RESULT "):])

    def assertStillWorks(self, res):
        self.assertEqual(res["after"], "hello from HPy",
                         "a working extension no longer loads after the failure")

    def assertLoadFails(self, name, path, cause, types=("ImportError",), mode="universal",
                        names_file=True):
        """The load fails with one of `types`, naming `path`, and `cause` matches
        the message with the path taken out (case-insensitive)."""
        res = self.load_in_child(name, path, mode)
        self.assertFalse(res["ok"], "load of %s succeeded: %r" % (path, res))
        self.assertTrue(any(t in res["mro"] for t in types),
                        "expected %s, got %s: %s" % (" or ".join(types), res["type"],
                                                       res["message"]))
        if res["is_load_error"]:
            # HPy's loader raises RuntimeError; import machinery expects ImportError: both.
            self.assertIn("ImportError", res["mro"])
            self.assertIn("RuntimeError", res["mro"])
            self.assertEqual((res["name"], res["path"]), (name, path))
        if names_file:
            self.assertIn(path, res["message"], "the message does not name the file")
        rest = res["message"].replace(path, "")
        self.assertRegex(rest.lower(), cause, "the message does not give the cause")
        self.assertStillWorks(res)
        return res

    def setUp(self):
        self.tmp = support.make_temp_dir(self)

    def test_nonexistent_file(self):
        path = os.path.join(self.tmp, "missing.hpy0.so")
        self.assertLoadFails("missing", path,
                             r"no such file|not found|does not exist|cannot open")

    def test_not_a_shared_library(self):
        path = os.path.join(self.tmp, "junk.hpy0.so")
        with open(path, "w") as f:
            f.write("this is not a shared library\n" * 20)
        # the system's own reason, even for the first failed load in the process
        self.assertLoadFails("junk", path, r"invalid elf header|file too short")

    def test_truncated_library(self):
        # dlopen maps segments without checking them against the file size and dies of SIGBUS
        # touching a page past the end: every cut must be a clear error instead.
        with open(support.sample("simple"), "rb") as f:
            whole = f.read()
        cuts = {40: r"truncated: an elf header needs 64 bytes",
                100: r"truncated or corrupt: the program header table",
                len(whole) // 4: r"truncated or corrupt: segment \d+ \(load\)",
                len(whole) * 3 // 4: r"truncated or corrupt: segment \d+ \(load\)|section header table",
                len(whole) - 1: r"truncated or corrupt: the section header table"}
        for size, cause in cuts.items():
            with self.subTest(size=size):
                path = os.path.join(self.tmp, "cut%d" % size, "simple.hpy0.so")
                os.makedirs(os.path.dirname(path))
                with open(path, "wb") as f:
                    f.write(whole[:size])
                self.assertLoadFails("simple", path, cause)

    def test_library_without_hpy_symbols(self):
        path = os.path.join(self.tmp, "nosyms.hpy0.so")
        support.compile_shared("int nosyms_unrelated(void) { return 1; }\n", path)
        self.assertLoadFails("nosyms", path,
                             r"get_required_hpy_m(ajor|inor)_version_nosyms"
                             r"|hpyinit(globalcontext)?_nosyms")

    def test_wrong_abi_tag_in_file_name(self):
        path = os.path.join(self.tmp, "simple.hpy1.so")
        shutil.copyfile(support.sample("simple"), path)
        res = self.assertLoadFails("simple", path, r"\btag\b|\babi\b", types=("RuntimeError",))
        self.assertTrue(res["is_load_error"], res)
        self.assertEqual(res["message"], (
            "HPy extension module 'simple' at path '%s': mismatch between the HPy ABI tag "
            "encoded in the filename and the major version requested by the HPy extension "
            "itself. Major version tag parsed from filename: 1. Requested version: 0.0." % path))

    def test_no_abi_tag_in_file_name(self):
        path = os.path.join(self.tmp, "simple.so")
        shutil.copyfile(support.sample("simple"), path)
        res = self.assertLoadFails("simple", path, r"\btag\b|\babi\b", types=("RuntimeError",))
        self.assertTrue(res["is_load_error"], res)
        self.assertEqual(res["message"], (
            "HPy extension module 'simple' at path '%s': could not find HPy ABI tag encoded "
            "in the filename. The extension claims to be compiled with HPy ABI version: 0.0."
            % path))

    def test_unsupported_major_version(self):
        path = os.path.join(self.tmp, "bad.hpy0.so")
        support.compile_shared(NOARGS_SYMBOLS % {"name": "bad", "major": 1}, path)
        # HPy's message names the module, not the file; the exception's `path` has it.
        res = self.assertLoadFails("bad", path, r"version", types=("RuntimeError",),
                                   names_file=False)
        self.assertTrue(res["is_load_error"], res)
        self.assertEqual(res["message"], (
            "HPy extension module 'bad' requires unsupported version of the HPy runtime. "
            "Requested version: 1.0. Current HPy version: 0.0."))

    def test_unsupported_method_signature(self):
        path = os.path.join(self.tmp, "badsig.hpy0.so")
        from hpyshim import config
        support.compile_shared(BAD_SIGNATURE, path,
                               extra=["-DHPY_ABI_UNIVERSAL"] + config.cflags())
        res = self.load_in_child("badsig", path)
        self.assertFalse(res["ok"], res)
        self.assertEqual((res["type"], res["message"]), ("ValueError", "Unsupported HPyMeth signature"))
        # HPy's exact words, caused by an error that says where
        self.assertIn("'f'", res["cause"])
        self.assertIn(path, res["cause"])
        self.assertStillWorks(res)

    def test_init_returning_null(self):
        path = os.path.join(self.tmp, "nullinit.hpy0.so")
        support.compile_shared(NOARGS_SYMBOLS % {"name": "nullinit", "major": 0}, path)
        self.assertLoadFails("nullinit", path, r"nullinit",
                             types=("ImportError", "SystemError"))

    def test_successful_load_is_not_registered(self):
        path = support.sample("simple")
        res = self.load_in_child("simple", path)
        self.assertEqual(res, {"ok": True, "module": "simple", "in_sys_modules": False,
                               "file": path, "hello": "hello from HPy",
                               "after": "hello from HPy"})


class ModeTest(unittest.TestCase):
    def test_unknown_mode(self):
        with self.assertRaisesRegex(ValueError, "fast"):
            hpyshim.load("simple", "unused.hpy0.so", mode="fast")
        with self.assertRaises(ValueError):
            hpyshim.load("simple", "unused.hpy0.so", mode="")

    def test_modes(self):
        for mode in ALL_MODES:
            with self.subTest(mode=mode):
                proc = support.run_python(["-c", _CHILD, "simple", support.sample("simple"),
                                           mode, support.sample("simple")])
                self.assertEqual(proc.returncode, 0, support.describe(proc))
                line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][0]
                res = json.loads(line[len("RESULT "):])
                if mode in IMPLEMENTED_MODES:
                    self.assertTrue(res["ok"], res)
                    self.assertEqual(res["hello"], "hello from HPy")
                else:
                    self.assertFalse(res["ok"], res)
                    self.assertEqual(res["type"], "SystemError", res)
                    self.assertIn("not implemented yet", res["message"])
                self.assertEqual(res["after"], "hello from HPy")

    def import_with_hpy(self, value, names, log=False):
        """Import `names` in a child with HPY=value (and HPY_LOG=1 if `log`);
        ({name: 'ok' or 'Type: message'}, the child's other stdout lines)."""
        code = ("import hpyshim, json\n"
                "res = {}\n"
                "for n in %r:\n"
                "    try:\n"
                "        m = __import__(n)\n"
                "        res[n] = 'ok' if m.__name__ == n else 'wrong module'\n"
                "    except Exception as e:\n"
                "        res[n] = '%%s: %%s' %% (type(e).__name__, e)\n"
                "print('RESULT ' + json.dumps(res))\n" % (list(names),))
        env = {"HPY": value}
        if log:
            env["HPY_LOG"] = "1"
        proc = support.run_python(["-c", code], env=env,
                                  pythonpath=[support.samples_dir()])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        lines = proc.stdout.splitlines()
        line = [l for l in lines if l.startswith("RESULT ")][0]
        return json.loads(line[len("RESULT "):]), [l for l in lines if not l.startswith("RESULT ")]

    @staticmethod
    def log_line(name, mode):
        extra = {"debug": " with a debug context", "trace": " with a trace context"}.get(mode, "")
        return "Loading '%s' in HPy universal mode%s" % (name, extra)

    def test_hpy_global(self):
        for mode in ALL_MODES:
            with self.subTest(mode=mode):
                got, log = self.import_with_hpy(mode.upper(), ["simple", "point"], log=True)
                self.assertEqual(got, {"simple": "ok", "point": "ok"})
                self.assertEqual(log, [self.log_line("simple", mode), self.log_line("point", mode)])

    def test_no_log_without_hpy_log(self):
        got, log = self.import_with_hpy("debug", ["simple"])
        self.assertEqual((got, log), ({"simple": "ok"}, []))

    def test_hpy_per_module(self):
        # HPy's rule: the first entry whose name starts the module's short name decides.
        got, log = self.import_with_hpy("point:debug,simple:trace", ["simple", "point"], log=True)
        self.assertEqual(got, {"simple": "ok", "point": "ok"})
        self.assertEqual(log, [self.log_line("simple", "trace"), self.log_line("point", "debug")])
        got, log = self.import_with_hpy("sim:trace,simple:debug,poi:universal", ["simple", "point"],
                                        log=True)
        self.assertEqual(log, [self.log_line("simple", "trace"), self.log_line("point", "universal")])

    def test_hpy_unlisted_module_fails_as_in_hpy(self):
        # HPy finds no mode for a module that no entry names, and says so.
        got, log = self.import_with_hpy("simple:trace", ["simple", "point"], log=True)
        self.assertEqual(got, {"simple": "ok", "point": "ValueError: invalid HPy mode: simple:trace"})
        self.assertEqual(log, [self.log_line("simple", "trace")])

    def test_hpy_malformed(self):
        for value in ("fast", "debug,trace", "simple:fast", "simple:debugger", "point:debug,simple"):
            with self.subTest(value=value):
                got, log = self.import_with_hpy(value, ["simple"], log=True)
                self.assertEqual(got, {"simple": "ValueError: invalid HPy mode: %s" % value})
                self.assertEqual(log, [])


# A stub NAME.py as HPy's setuptools integration writes it next to NAME.hpy0.so, calling our
# entry point with HPy's arguments.
STUB = r"""
def __bootstrap__():
    import os
    from sys import modules
    from os import environ
    from hpyshim import _load_bootstrap
    ext_filepath = os.path.join(os.path.dirname(__file__), 'simple.hpy0.so')
    m = _load_bootstrap('simple', __name__, __package__, ext_filepath,
                        __loader__, __spec__, environ)
    modules[__name__] = m

__bootstrap__()
"""


class BootstrapTest(unittest.TestCase):
    """hpyshim._load_bootstrap, the entry point of HPy's stub files."""

    def setUp(self):
        self.tmp = support.make_temp_dir(self)
        pkg = os.path.join(self.tmp, "pkg")
        os.mkdir(pkg)
        open(os.path.join(pkg, "__init__.py"), "w").close()
        with open(os.path.join(pkg, "simple.py"), "w") as f:
            f.write(STUB)
        self.so = os.path.join(pkg, "simple.hpy0.so")
        shutil.copyfile(support.sample("simple"), self.so)

    def import_stub(self, env=None):
        code = ("import json, sys\n"
                "try:\n"
                "    import pkg.simple as m\n"
                "    res = dict(ok=True, hello=m.hello(), file=m.__file__, name=m.__name__,\n"
                "               package=m.__package__, origin=m.__spec__.origin,\n"
                "               loader=type(m.__loader__).__name__,\n"
                "               registered=sys.modules['pkg.simple'] is m)\n"
                "except Exception as e:\n"
                "    res = dict(ok=False, type=type(e).__name__, message=str(e))\n"
                "print('RESULT ' + json.dumps(res))\n")
        proc = support.run_python(["-c", code], env=env, cwd=self.tmp, pythonpath=[self.tmp])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][0]
        return json.loads(line[len("RESULT "):]), proc.stdout

    def test_stub_loads_the_extension_with_hpys_attributes(self):
        res, _ = self.import_stub()
        self.assertEqual(res, {"ok": True, "hello": "hello from HPy", "file": self.so,
                               "name": "pkg.simple", "package": "pkg", "origin": self.so,
                               "loader": "SourceFileLoader", "registered": True})

    def test_hpy_log(self):
        res, out = self.import_stub({"HPY_LOG": "1"})
        self.assertTrue(res["ok"], res)
        self.assertIn("Loading 'simple' in HPy universal mode\n", out)

    def test_modes_from_env(self):
        res, _ = self.import_stub({"HPY": "simple:universal"})
        self.assertTrue(res["ok"], res)
        res, _ = self.import_stub({"HPY": "bogus"})
        self.assertEqual((res["type"], res["message"]), ("ValueError", "invalid HPy mode: bogus"))
        for mode in ALL_MODES:
            if mode not in IMPLEMENTED_MODES:
                res, _ = self.import_stub({"HPY": mode})
                self.assertEqual(res["type"], "SystemError", res)
                self.assertIn("not implemented yet", res["message"])

    def test_hpy_universal_load_signature(self):
        import importlib.util
        from hpyshim import universal
        spec = importlib.util.spec_from_file_location("simple", support.sample("simple"))
        m = universal.load("simple", support.sample("simple"), spec)
        self.assertEqual(m.hello(), "hello from HPy")
        m = universal.load("simple", support.sample("simple"), spec, debug=False,
                           mode=universal.MODE_UNIVERSAL)
        self.assertEqual(m.hello(), "hello from HPy")
        with self.assertRaises(ValueError):
            universal.load("simple", support.sample("simple"), spec, mode=7)
        self.assertEqual((universal.MODE_UNIVERSAL, universal.MODE_DEBUG, universal.MODE_TRACE),
                         (0, 1, 2))


if __name__ == "__main__":
    unittest.main()
