"""The launcher package: HPY parsing, the finder, and `python -m hpyshim` commands."""

import glob
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim
from hpyshim import build, config, modes
from hpyshim.modes import mode_for_module, mode_from_environ

SEVEN_C = r"""
#include "hpy.h"

HPyDef_METH(seven, "seven", HPyFunc_NOARGS)
static HPy seven_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, 7);
}

static HPyDef *module_defines[] = {
    &seven,
    NULL
};

static HPyModuleDef moduledef = {
    .doc = "built by the launcher test",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(%(name)s, moduledef)
"""


class HpyModeParserTest(unittest.TestCase):
    """HPY read as HPy's loader reads it, for a module's short name."""

    def mode(self, value, name="mod"):
        return mode_from_environ(name, {} if value is None else {"HPY": value})

    def test_unset(self):
        self.assertEqual(self.mode(None), "universal")

    def test_global(self):
        for value, mode in (("universal", "universal"), ("debug", "debug"), ("trace", "trace"),
                            ("DEBUG", "debug"), ("Trace", "trace"),
                            # HPy compares only the value's length: abbreviations, even none
                            ("deb", "debug"), ("t", "trace"), ("UNI", "universal"), ("", "debug")):
            self.assertEqual(self.mode(value), mode, value)

    def test_per_module(self):
        value = "mod_a:debug,mod_b:universal,pkg:trace"
        self.assertEqual(self.mode(value, "mod_a"), "debug")
        self.assertEqual(self.mode(value, "mod_b"), "universal")
        # an entry's name is matched as the start of the short name; the first match wins
        self.assertEqual(self.mode(value, "mod_ab"), "debug")
        self.assertEqual(self.mode(value, "pkgx"), "trace")
        self.assertEqual(self.mode("a:trace,ab:debug", "ab"), "trace")
        self.assertEqual(self.mode(":trace", "anything"), "trace")

    def test_invalid(self):
        for value, name in (("fast", "mod"), ("debug,trace", "mod"), (" debug", "mod"),
                            ("debugger", "mod"), ("mod:fast", "mod"), ("mod:debug:trace", "mod"),
                            ("other:debug", "mod"), ("other:debug,mod", "mod"),
                            ("x:debug,mod,mod:trace", "mod"), ("mod_a:debug", "mod")):
            with self.assertRaises(ValueError, msg=repr(value)) as cm:
                self.mode(value, name)
            self.assertIs(type(cm.exception), ValueError)
            self.assertEqual(str(cm.exception), "invalid HPy mode: %s" % value)
        long_value = "x" * 80
        with self.assertRaises(ValueError) as cm:
            self.mode(long_value)
        self.assertEqual(str(cm.exception), "invalid HPy mode: " + "x" * 50)
        with self.assertRaises(TypeError):
            self.mode(b"debug")

    def test_any_mapping(self):
        class Env:
            def __getitem__(self, key):
                if key == "HPY":
                    return "trace"
                raise KeyError(key)
        self.assertEqual(mode_from_environ("mod", Env()), "trace")

    def test_mode_for_module(self):
        env = {"HPY": "mod_a:debug,mod_b:trace"}
        self.assertEqual(mode_for_module("mod_a", env), "debug")
        # the short name is what HPy matches
        self.assertEqual(mode_for_module("pkg.mod_b", env), "trace")
        self.assertEqual(mode_for_module("x", {"HPY": "trace"}), "trace")
        self.assertEqual(mode_for_module("x", {}), "universal")
        with self.assertRaises(ValueError):
            mode_for_module("x", {"HPY": "nonsense"})

    def test_mode_numbers(self):
        self.assertEqual(modes.MODES, {"universal": 0, "debug": 1, "trace": 2})
        self.assertEqual(modes.mode_number("Debug"), 1)
        with self.assertRaises(ValueError):
            modes.mode_number("fast")


class FinderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = support.make_temp_dir(self)

    def test_installed_once(self):
        self.assertEqual(sys.meta_path.count(hpyshim.HPyFinder), 1)
        hpyshim.install()
        importlib.reload(importlib.import_module("hpyshim"))
        self.assertEqual(sys.meta_path.count(importlib.import_module("hpyshim").HPyFinder), 1)

    def test_find_spec(self):
        path = os.path.join(self.tmp, "fake_ext" + hpyshim.EXTENSION_SUFFIXES[0])
        open(path, "wb").close()
        spec = hpyshim.HPyFinder.find_spec("fake_ext", [self.tmp])
        self.assertIsNotNone(spec)
        self.assertEqual(spec.name, "fake_ext")
        self.assertEqual(spec.origin, path)
        self.assertTrue(spec.has_location)
        self.assertIsInstance(spec.loader, hpyshim.HPyExtensionLoader)
        self.assertEqual(spec.loader.get_filename("fake_ext"), path)
        self.assertFalse(spec.loader.is_package("fake_ext"))
        # Submodules are searched in the package's __path__ under their last name.
        sub = hpyshim.HPyFinder.find_spec("pkg.fake_ext", [self.tmp])
        self.assertEqual((sub.name, sub.origin), ("pkg.fake_ext", path))
        self.assertIsNone(hpyshim.HPyFinder.find_spec("other_name", [self.tmp]))

    def test_find_spec_on_sys_path(self):
        path = os.path.join(self.tmp, "fake_ext2" + hpyshim.EXTENSION_SUFFIXES[0])
        open(path, "wb").close()
        self.assertIsNone(hpyshim.HPyFinder.find_spec("fake_ext2"))
        sys.path.insert(0, self.tmp)
        self.addCleanup(sys.path.remove, self.tmp)
        self.assertEqual(hpyshim.HPyFinder.find_spec("fake_ext2").origin, path)
        self.assertEqual(importlib.util.find_spec("fake_ext2").origin, path)

    def test_other_tags_not_found(self):
        for fname in ("fake_ext3.hpy1.so", "fake_ext3.so", "fake_ext3.hpy0.so.bak"):
            open(os.path.join(self.tmp, fname), "wb").close()
        self.assertIsNone(hpyshim.HPyFinder.find_spec("fake_ext3", [self.tmp]))

    def test_hpy_file_names(self):
        tag = "cp%d%d%s" % (sys.version_info[0], sys.version_info[1], sys.abiflags)
        self.assertEqual(hpyshim.EXTENSION_SUFFIXES, (".hpy0-%s.so" % tag, ".hpy0.so"))
        universal = os.path.join(self.tmp, "both.hpy0.so")
        hybrid = os.path.join(self.tmp, "both.hpy0-%s.so" % tag)
        open(universal, "wb").close()
        self.assertEqual(hpyshim.HPyFinder.find_spec("both", [self.tmp]).origin, universal)
        open(hybrid, "wb").close()
        # the build for this very CPython comes first
        self.assertEqual(hpyshim.HPyFinder.find_spec("both", [self.tmp]).origin, hybrid)

    def test_hybrid_for_another_cpython(self):
        other = "cp%d%d" % (sys.version_info[0], 7 if sys.version_info[1] != 7 else 6)
        path = os.path.join(self.tmp, "elsewhere.hpy0-%s.so" % other)
        support.compile_shared("int x;", path)
        # found, so that the import fails with an explanation rather than "No module named"
        self.assertEqual(hpyshim.HPyFinder.find_spec("elsewhere", [self.tmp]).origin, path)
        # a universal build on a later path entry still wins
        later = support.make_temp_dir(self)
        open(os.path.join(later, "elsewhere.hpy0.so"), "wb").close()
        self.assertEqual(hpyshim.HPyFinder.find_spec("elsewhere", [self.tmp, later]).origin,
                         os.path.join(later, "elsewhere.hpy0.so"))
        for how in ("import", "load"):
            with self.subTest(how=how):
                code = ("import sys, hpyshim; sys.path.insert(0, sys.argv[1])\n"
                        "try:\n"
                        "    if sys.argv[2] == 'import':\n"
                        "        import elsewhere\n"
                        "    else:\n"
                        "        hpyshim.load('elsewhere', sys.argv[3])\n"
                        "except ImportError as e:\n"
                        "    print(type(e).__name__, e.path == sys.argv[3], e)\n")
                proc = support.run_python(["-c", code, self.tmp, how, path])
                self.assertEqual(proc.returncode, 0, support.describe(proc))
                self.assertTrue(proc.stdout.startswith("HPyLoadError True "), support.describe(proc))
                self.assertIn(path, proc.stdout)
                self.assertIn("hybrid build for CPython ABI '%s'" % other, proc.stdout)

    def test_start_up_imports_nothing_more(self):
        # `import hpyshim` and a first load add no standard module (ctypes, importlib.abc...):
        # the runtime is reached as the extension module hpyshim._libhpy.
        code = ("import sys\n"
                "before = set(sys.modules)\n"
                "import hpyshim, simple\n"
                "assert simple.hello() == 'hello from HPy'\n"
                "new = set(sys.modules) - before\n"
                "print(sorted(m for m in new if m != 'simple' and m != 'hpyshim'"
                " and not m.startswith('hpyshim.')))\n")
        proc = support.run_python(["-c", code], pythonpath=[support.samples_dir()])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(proc.stdout.strip(), "[]", support.describe(proc))

    def test_missing_library_is_import_error(self):
        # The finder finds the file; only then is the library needed.
        open(os.path.join(self.tmp, "lib_probe" + hpyshim.EXTENSION_SUFFIXES[0]), "wb").close()
        code = ("import sys, hpyshim; sys.path.insert(0, sys.argv[1])\n"
                "try:\n    import lib_probe\n"
                "except ImportError as e:\n    print('ImportError', e)\n")
        missing = os.path.join(self.tmp, "no", "libhpy.so")
        proc = support.run_python(["-c", code, self.tmp],
                                  env={"HPYSHIM_LIBRARY": missing})
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertTrue(proc.stdout.startswith("ImportError HPYSHIM_LIBRARY is set"),
                        support.describe(proc))
        self.assertIn(missing, proc.stdout)


class LibhpyModuleTest(unittest.TestCase):
    """hpyshim._libhpy, libhpy.so imported as an extension module: its methods are those
    api/boundary.api describes (launcher/hpyshim/_libhpy.pyi, generated from it), each checks its
    arguments, and nothing in the launcher needs ctypes."""

    def stub(self):
        import ast
        path = os.path.join(os.path.dirname(hpyshim.__file__), "_libhpy.pyi")
        with open(path) as f:
            tree = ast.parse(f.read())
        return {n.name: len(n.args.args) for n in tree.body if isinstance(n, ast.FunctionDef)}

    def test_methods_are_the_described_ones(self):
        from hpyshim import _native
        rt = _native.runtime()
        self.assertEqual(rt.__name__, "hpyshim._libhpy")
        stub = self.stub()
        self.assertGreater(len(stub), 10)
        self.assertEqual(sorted(n for n in dir(rt) if not n.startswith("_")), sorted(stub))
        for name, count in stub.items():
            with self.subTest(name=name):
                with self.assertRaisesRegex(TypeError, r"^%s\(.*\) takes %d argument" % (name, count)):
                    getattr(rt, name)(*([0] * (count + 1)))

    def test_arguments_are_converted_or_refused(self):
        from hpyshim import _native
        rt = _native.runtime()
        with self.assertRaises(TypeError):
            rt.load_module("simple", b"/nowhere", None, 0)   # str, not bytes
        with self.assertRaises(TypeError):
            rt.debug_stack_limit("3")
        self.assertEqual(rt.version(), hpyshim.runtime_version())

    def test_a_debug_handle_id_is_checked_before_it_is_read(self):
        import hpyshim.debug
        for bogus in (0, 8, id(self), -1):
            with self.subTest(id=bogus):
                with self.assertRaisesRegex(ValueError, "is not a debug handle"):
                    hpyshim.debug.DebugHandle(bogus).is_closed

    def test_debug_and_trace_apis_import_no_ctypes(self):
        code = ("import sys, hpyshim.debug, hpyshim.trace\n"
                "g = hpyshim.debug.new_generation()\n"
                "assert hpyshim.debug.get_open_handles(g) == []\n"
                "assert hpyshim.debug.get_raw_data_protection_window() == (64, 64)\n"
                "assert 'ctx_Close' in hpyshim.trace.member_names()\n"
                "assert hpyshim.trace.get_frequency() > 0\n"
                "print('ctypes' in sys.modules)\n")
        proc = support.run_python(["-c", code])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(proc.stdout.strip(), "False", support.describe(proc))


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = support.make_temp_dir(self)

    def hpyshim(self, *args, **kw):
        return support.run_python(["-m", "hpyshim"] + list(args), **kw)

    def test_help(self):
        proc = self.hpyshim("--help")
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        for command in ("build", "config", "run", "info"):
            self.assertIn(command, proc.stdout)

    def test_no_command(self):
        proc = self.hpyshim()
        self.assertEqual(proc.returncode, 2, support.describe(proc))
        self.assertIn("usage:", proc.stderr)

    def test_version(self):
        proc = self.hpyshim("--version")
        self.assertEqual((proc.returncode, proc.stdout), (0, "hpyshim %s\n" % hpyshim.__version__),
                         support.describe(proc))

    def test_usage_errors_exit_2_with_usage_and_one_prefix(self):
        for args, text in ((["run"], "hpyshim: error: run: give the SCRIPT to run"),
                           (["config"], "hpyshim: error: config: give at least one of"),
                           (["build", "m"], "hpyshim: error: build: the following arguments are required"),
                           (["bogus"], "hpyshim: error: argument COMMAND: invalid choice")):
            proc = self.hpyshim(*args)
            self.assertEqual(proc.returncode, 2, support.describe(proc))
            self.assertIn("usage: python -m hpyshim", proc.stderr)
            self.assertIn(text, proc.stderr)

    def test_config_abi_flags(self):
        proc = self.hpyshim("config", "--abi", "cpython", "--cflags", "--sources")
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        words = proc.stdout.split()
        self.assertEqual(words[:3], ["-I" + config.include_dir(), "-DHPY_ABI_CPYTHON",
                                     "-I" + sysconfig.get_paths()["include"]])
        self.assertEqual(words[3:], config.helper_sources("cpython"))

    def test_cpp_sources_are_compiled_and_linked_by_the_cpp_compiler(self):
        commands, out = build.build_commands("m", ["a.c", "b.cpp"], objdir="objs")
        self.assertEqual(len(commands), 2 + len(config.helper_sources()) + 1)
        compilers = [os.path.basename(c[0]) for c in commands]
        self.assertEqual(compilers[1], os.path.basename(build.cxx_compiler_command()[0]))
        self.assertEqual(compilers[0], os.path.basename(build.compiler_command()[0]))
        self.assertEqual(commands[-1][0], build.cxx_compiler_command()[0])
        self.assertIn("-shared", commands[-1])

    def test_config_cflags(self):
        proc = self.hpyshim("config", "--cflags")
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        flag = proc.stdout.strip()
        self.assertTrue(flag.startswith("-I"), flag)
        include = flag[2:]
        self.assertEqual(include, config.include_dir())
        self.assertTrue(os.path.isabs(include), include)
        self.assertTrue(os.path.isfile(os.path.join(include, "hpy.h")),
                        "no hpy.h in " + include)

    def test_config_sources(self):
        proc = self.hpyshim("config", "--sources")
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        sources = proc.stdout.split()
        runtime = config.source_dir()
        self.assertEqual(sources, sorted(glob.glob(os.path.join(runtime, "*.c"))))
        for src in sources:
            self.assertTrue(src.endswith(".c") and os.path.isfile(src), src)
            self.assertEqual(os.path.dirname(src), runtime)

    def test_config_include_env(self):
        proc = self.hpyshim("config", "--cflags", env={"HPYSHIM_INCLUDE": self.tmp})
        self.assertEqual((proc.returncode, proc.stdout), (0, "-I%s\n" % self.tmp),
                         support.describe(proc))
        missing = os.path.join(self.tmp, "missing")
        proc = self.hpyshim("config", "--cflags", env={"HPYSHIM_INCLUDE": missing})
        self.assertEqual(proc.returncode, 1, support.describe(proc))
        self.assertIn("HPYSHIM_INCLUDE", proc.stderr)

    def test_build_and_import(self):
        support.compiler()  # fails clearly when there is no compiler
        src = os.path.join(self.tmp, "seven.c")
        with open(src, "w") as f:
            f.write(SEVEN_C % {"name": "built_seven"})
        out = os.path.join(self.tmp, "out")
        proc = self.hpyshim("build", "built_seven", src, "-o", out, cwd=self.tmp)
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        target = os.path.join(out, "built_seven.hpy0.so")
        self.assertTrue(os.path.isfile(target), support.describe(proc))
        self.assertEqual(proc.stdout.strip(), target)

        sys.path.insert(0, out)
        self.addCleanup(sys.path.remove, out)
        self.addCleanup(sys.modules.pop, "built_seven", None)
        mod = importlib.import_module("built_seven")
        self.assertIs(sys.modules["built_seven"], mod)
        self.assertEqual(mod.__file__, target)
        self.assertEqual(mod.__doc__, "built by the launcher test")
        self.assertEqual(mod.seven(), 7)
        with self.assertRaises(TypeError):
            mod.seven(1)

    def test_build_default_output_dir(self):
        support.compiler()
        src = os.path.join(self.tmp, "seven.c")
        with open(src, "w") as f:
            f.write(SEVEN_C % {"name": "built_here"})
        proc = self.hpyshim("build", "built_here", "seven.c", cwd=self.tmp)
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "built_here.hpy0.so")))

    def test_build_compiler_error(self):
        support.compiler()
        src = os.path.join(self.tmp, "broken.c")
        with open(src, "w") as f:
            f.write("#include \"hpy.h\"\nthis is not C;\n")
        proc = self.hpyshim("build", "broken", src, "-o", self.tmp)
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertIn("broken.c", proc.stderr)
        self.assertRegex(proc.stderr, r"error", support.describe(proc))
        self.assertIn("compilation of broken failed", proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "broken.hpy0.so")))

    def test_build_cpython_abi(self):
        # The same source as an ordinary extension of this interpreter: no libhpy involved.
        support.compiler()
        src = os.path.join(self.tmp, "seven.c")
        with open(src, "w") as f:
            f.write(SEVEN_C % {"name": "cpy_seven"})
        proc = self.hpyshim("build", "cpy_seven", src, "--abi", "cpython", "-o", self.tmp)
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        target = os.path.join(self.tmp, "cpy_seven" + sysconfig.get_config_var("EXT_SUFFIX"))
        self.assertEqual(proc.stdout.strip(), target)
        spec = importlib.util.spec_from_file_location("cpy_seven", target)
        self.assertIsInstance(spec.loader, importlib.machinery.ExtensionFileLoader)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        self.assertEqual(mod.seven(), 7)
        self.assertEqual(mod.__doc__, "built by the launcher test")

    def test_build_commands(self):
        cmd, out = build.build_command("m", ["a.c"], abi="universal", outdir="d")
        self.assertEqual(out, os.path.join("d", "m.hpy0.so"))
        self.assertEqual(cmd[-2:], ["-o", out])
        for flag in ("-O2", "-fPIC", "-shared", "-DHPY_ABI_UNIVERSAL", "-I" + config.include_dir()):
            self.assertIn(flag, cmd)
        self.assertIn(os.path.abspath("a.c"), cmd)
        for src in config.helper_sources():
            self.assertIn(src, cmd)
        hcmd, hout = build.build_command("m", ["a.c"], abi="hybrid", outdir="d")
        # hpy.devel's name: the CPython ABI tag of this interpreter, e.g. m.hpy0-cp311.so
        tag = "cp%d%d%s" % (sys.version_info[0], sys.version_info[1], sys.abiflags)
        self.assertEqual(hout, os.path.join("d", "m.hpy0-%s.so" % tag))
        self.assertIn("-DHPY_ABI_HYBRID", hcmd)
        self.assertNotIn("-DHPY_ABI_UNIVERSAL", hcmd)
        ccmd, cout = build.build_command("m", ["a.c"], abi="cpython", outdir="d")
        self.assertEqual(cout, os.path.join("d", "m" + sysconfig.get_config_var("EXT_SUFFIX")))
        self.assertIn("-DHPY_ABI_CPYTHON", ccmd)
        self.assertIn("-I" + sysconfig.get_paths()["include"], ccmd)
        for src in config.helper_sources("cpython"):
            self.assertIn(src, ccmd)
        self.assertTrue(any(os.sep + "cpython" + os.sep in src for src in config.helper_sources("cpython")))
        with self.assertRaises(build.BuildError):
            build.build_command("m", ["a.c"], abi="other")

    def test_cc_environment_variable(self):
        old = os.environ.get("CC")
        self.addCleanup(lambda: os.environ.pop("CC") if old is None
                        else os.environ.__setitem__("CC", old))
        os.environ["CC"] = "my-cc --flag"
        self.assertEqual(build.compiler_command(), ["my-cc", "--flag"])

    def test_run(self):
        script = os.path.join(self.tmp, "script.py")
        with open(script, "w") as f:
            f.write("import sys, simple\n"
                    "print(__name__, simple.hello(), sys.argv)\n"
                    "print(sys.path[0] == %r)\n" % self.tmp)
        proc = self.hpyshim("run", script, "a", "b c", "--flag", cwd=self.tmp,
                            pythonpath=[support.samples_dir()])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(proc.stdout, "__main__ hello from HPy %r\nTrue\n"
                         % ([script, "a", "b c", "--flag"],), support.describe(proc))

    def test_run_exit_status(self):
        script = os.path.join(self.tmp, "exits.py")
        with open(script, "w") as f:
            f.write("import sys\nsys.exit(3)\n")
        proc = self.hpyshim("run", script)
        self.assertEqual(proc.returncode, 3, support.describe(proc))

    def test_info(self):
        proc = self.hpyshim("info")
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 3, support.describe(proc))
        self.assertRegex(lines[0], r"^hpyshim runtime \d+\.\d+\.\d+")
        self.assertTrue(lines[1].startswith("library: "), lines[1])
        self.assertTrue(os.path.isfile(lines[1][len("library: "):]), lines[1])
        self.assertRegex(lines[2], r"^implemented: .*\d+/\d+")

    def test_info_without_library(self):
        missing = os.path.join(self.tmp, "libhpy.so")
        proc = self.hpyshim("info", env={"HPYSHIM_LIBRARY": missing})
        self.assertEqual(proc.returncode, 1, support.describe(proc))
        self.assertIn("HPYSHIM_LIBRARY", proc.stderr)
        self.assertIn(missing, proc.stderr)


if __name__ == "__main__":
    unittest.main()
