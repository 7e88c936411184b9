"""Debug mode: debug handles, the checks on their use, leak detection, hpyshim.debug.

One extension (compiled here with our headers) makes each mistake on purpose. In-process tests
set an on_invalid_handle hook, which counts a misuse and lets the program go on; without a hook
a misuse ends the process, which the subprocess tests check with the diagnosis it prints."""

import gc
import os
import random
import shutil
import tempfile
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim
from hpyshim import build, debug

misuse_snippets = support.tests_module("misuse_snippets")

SOURCE = r"""
#include "hpy.h"

static HPy kept;

""" + misuse_snippets.methods("leak") + r"""
HPyDef_METH(use_after_close, "use_after_close", HPyFunc_O)
static HPy use_after_close_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy h = HPy_Dup(ctx, arg);
    HPy_Close(ctx, h);
    return HPy_Repr(ctx, h);
}

""" + misuse_snippets.methods("double_close") + r"""
HPyDef_METH(close_arg, "close_arg", HPyFunc_O)
static HPy close_arg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy_Close(ctx, arg);   /* the caller owns it */
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(close_constant, "close_constant", HPyFunc_NOARGS)
static HPy close_constant_impl(HPyContext *ctx, HPy self)
{
    HPy_Close(ctx, ctx->h_None);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(return_closed, "return_closed", HPyFunc_O)
static HPy return_closed_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy h = HPy_Dup(ctx, arg);
    HPy_Close(ctx, h);
    return h;
}

HPyDef_METH(return_constant, "return_constant", HPyFunc_NOARGS)
static HPy return_constant_impl(HPyContext *ctx, HPy self)
{
    return ctx->h_None;   /* no HPy_Dup */
}

HPyDef_METH(return_arg, "return_arg", HPyFunc_O)
static HPy return_arg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return arg;   /* no HPy_Dup */
}

HPyDef_METH(keep, "keep", HPyFunc_O)
static HPy keep_impl(HPyContext *ctx, HPy self, HPy arg)
{
    kept = arg;   /* only valid during this call */
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(use_kept, "use_kept", HPyFunc_NOARGS)
static HPy use_kept_impl(HPyContext *ctx, HPy self)
{
    return HPy_Repr(ctx, kept);
}

static HPyContext *kept_ctx;

HPyDef_METH(keep_ctx, "keep_ctx", HPyFunc_NOARGS)
static HPy keep_ctx_impl(HPyContext *ctx, HPy self)
{
    kept_ctx = ctx;   /* only valid during this call */
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(use_kept_ctx, "use_kept_ctx", HPyFunc_NOARGS)
static HPy use_kept_ctx_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(kept_ctx, 42);
}

""" + misuse_snippets.methods("keep_utf8") + r"""
HPyDef_METH(write_utf8, "write_utf8", HPyFunc_O)
static HPy write_utf8_impl(HPyContext *ctx, HPy self, HPy arg)
{
    char *p = (char *)HPyUnicode_AsUTF8AndSize(ctx, arg, NULL);
    p[0] = 'X';   /* the data is read-only */
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(utf8_roundtrip, "utf8_roundtrip", HPyFunc_O)
static HPy utf8_roundtrip_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy_ssize_t n;
    const char *p = HPyUnicode_AsUTF8AndSize(ctx, arg, &n);
    if (p == NULL)
        return HPy_NULL;
    return HPyUnicode_FromString(ctx, p);
}

/* make_dummy_type() makes a new type of the Object shape; as_struct(o) asks for its struct */
typedef struct { long x; } DummyObject;
static HPyType_Spec dummy_spec = { .name = "dbgtest.Dummy", .basicsize = sizeof(DummyObject) };

HPyDef_METH(make_dummy_type, "make_dummy_type", HPyFunc_NOARGS)
static HPy make_dummy_type_impl(HPyContext *ctx, HPy self)
{
    return HPyType_FromSpec(ctx, &dummy_spec, NULL);
}

HPyDef_METH(as_struct, "as_struct", HPyFunc_O)
static HPy as_struct_impl(HPyContext *ctx, HPy self, HPy arg)
{
    DummyObject *d = (DummyObject *)_HPy_AsStruct_Object(ctx, arg);
    return HPyLong_FromLong(ctx, d->x);
}

/* leak_around(f): calls f() (Python code, which may call this module again), then leaks a handle */
HPyDef_METH(leak_around, "leak_around", HPyFunc_O)
static HPy leak_around_impl(HPyContext *ctx, HPy self, HPy callback)
{
    HPy r = HPy_Call(ctx, callback, NULL, 0, HPy_NULL);
    if (HPy_IsNull(r))
        return HPy_NULL;
    HPy_Close(ctx, r);
    HPy_Dup(ctx, callback);   /* never closed */
    return HPy_Dup(ctx, ctx->h_None);
}

/* close_then_read(s0, s1, ..., k): the char* of a handle to each string, each handle closed by
   HPy_Close, then the first byte of the k-th char* (the data of a closed handle) */
HPyDef_METH(close_then_read, "close_then_read", HPyFunc_VARARGS)
static HPy close_then_read_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    static const char *texts[8192];
    size_t n = nargs - 1;
    long k = HPyLong_AsLong(ctx, args[n]);
    for (size_t i = 0; i < n && i < 8192; i++) {
        HPy h = HPy_Dup(ctx, args[i]);
        texts[i] = HPyUnicode_AsUTF8AndSize(ctx, h, NULL);
        HPy_Close(ctx, h);
    }
    return HPyBytes_FromStringAndSize(ctx, texts[k], 1);
}

/* bytes_getters(b): the char* of both bytes getters, read while the handle is open */
HPyDef_METH(bytes_getters, "bytes_getters", HPyFunc_O)
static HPy bytes_getters_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy h = HPy_Dup(ctx, arg);
    const char *a = HPyBytes_AsString(ctx, h), *b = HPyBytes_AS_STRING(ctx, h);
    HPy same = HPyBool_FromLong(ctx, a == b), text = HPyBytes_FromString(ctx, a);
    HPy r = HPyTuple_Pack(ctx, 2, same, text);
    HPy_Close(ctx, same);
    HPy_Close(ctx, text);
    HPy_Close(ctx, h);
    return r;
}

/* keep_bytes(b) / read_kept_bytes(): as keep_utf8, through HPyBytes_AsString */
static const char *kept_bytes;

HPyDef_METH(keep_bytes, "keep_bytes", HPyFunc_O)
static HPy keep_bytes_impl(HPyContext *ctx, HPy self, HPy arg)
{
    kept_bytes = HPyBytes_AsString(ctx, arg);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(read_kept_bytes, "read_kept_bytes", HPyFunc_NOARGS)
static HPy read_kept_bytes_impl(HPyContext *ctx, HPy self)
{
    return HPyBytes_FromStringAndSize(ctx, kept_bytes, 1);
}

/* Handles kept open across calls with their char*: hold(i, s) keeps a handle to the str or bytes
   s in slot i (closing the slot's previous one), drop(i) closes it, held() gives the bytes each
   open slot's char* reads now (None for an empty slot). */
#define SLOTS 512
static HPy slots[SLOTS];
static const char *slot_text[SLOTS];
static HPy_ssize_t slot_size[SLOTS];

static void drop_slot(HPyContext *ctx, long i)
{
    if (!HPy_IsNull(slots[i]))
        HPy_Close(ctx, slots[i]);
    slots[i] = HPy_NULL;
}

HPyDef_METH(hold, "hold", HPyFunc_VARARGS)
static HPy hold_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long i = HPyLong_AsLong(ctx, args[0]);
    drop_slot(ctx, i);
    slots[i] = HPy_Dup(ctx, args[1]);
    if (HPyUnicode_Check(ctx, slots[i])) {
        slot_text[i] = HPyUnicode_AsUTF8AndSize(ctx, slots[i], &slot_size[i]);
    } else {
        slot_text[i] = HPyBytes_AsString(ctx, slots[i]);
        slot_size[i] = HPyBytes_Size(ctx, slots[i]);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(drop, "drop", HPyFunc_O)
static HPy drop_impl(HPyContext *ctx, HPy self, HPy arg)
{
    drop_slot(ctx, HPyLong_AsLong(ctx, arg));
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(held, "held", HPyFunc_NOARGS)
static HPy held_impl(HPyContext *ctx, HPy self)
{
    HPyListBuilder b = HPyListBuilder_New(ctx, SLOTS);
    for (long i = 0; i < SLOTS; i++) {
        HPy item = HPy_IsNull(slots[i]) ? HPy_Dup(ctx, ctx->h_None)
                                        : HPyBytes_FromStringAndSize(ctx, slot_text[i], slot_size[i]);
        HPyListBuilder_Set(ctx, b, i, item);
        HPy_Close(ctx, item);
    }
    return HPyListBuilder_Build(ctx, b);
}

HPyDef_METH(build_twice, "build_twice", HPyFunc_VARARGS)
static HPy build_twice_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, (HPy_ssize_t)nargs);
    for (size_t i = 0; i < nargs; i++)
        HPyTupleBuilder_Set(ctx, b, (HPy_ssize_t)i, args[i]);
    HPy t = HPyTupleBuilder_Build(ctx, b);
    HPy_Close(ctx, t);
    return HPyTupleBuilder_Build(ctx, b);
}

HPyDef_METH(type_check, "type_check", HPyFunc_VARARGS)
static HPy type_check_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPyBool_FromLong(ctx, HPy_TypeCheck(ctx, args[0], args[1]));
}

/* correct code: trackers, calls with keywords, builders, items */
HPyDef_METH(good, "good", HPyFunc_VARARGS)
static HPy good_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPyTracker ht = HPyTracker_New(ctx, 2);
    HPy one = HPyLong_FromLong(ctx, 1);
    HPyTracker_Add(ctx, ht, one);
    HPy name = HPyUnicode_FromString(ctx, "sep");
    HPy kwnames = HPyTuple_Pack(ctx, 1, name);
    HPyTracker_Add(ctx, ht, name);
    HPyTracker_Add(ctx, ht, kwnames);
    HPy dash = HPyUnicode_FromString(ctx, "-");
    HPy callargs[3] = { args[1], one, dash };
    HPy r = HPy_Call(ctx, args[0], callargs, 2, kwnames);   /* f(args[1], 1, sep='-') */
    HPy_Close(ctx, dash);
    HPyTracker_Close(ctx, ht);
    if (HPy_IsNull(r))
        return HPy_NULL;
    HPyListBuilder lb = HPyListBuilder_New(ctx, 2);
    HPyListBuilder_Set(ctx, lb, 0, r);
    HPyListBuilder_Set(ctx, lb, 1, args[1]);
    HPy_Close(ctx, r);
    return HPyListBuilder_Build(ctx, lb);
}

HPyDef_METH(ctx_name, "ctx_name", HPyFunc_NOARGS)
static HPy ctx_name_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromString(ctx, ctx->name);
}

static HPyDef *defines[] = {
    &ctx_name,
    &leak, &use_after_close, &double_close, &close_arg, &close_constant, &return_closed,
    &return_constant, &return_arg, &keep, &use_kept, &keep_ctx, &use_kept_ctx, &keep_utf8,
    &read_kept_utf8, &write_utf8, &utf8_roundtrip, &build_twice, &type_check, &good,
    &make_dummy_type, &as_struct, &leak_around, &close_then_read, &bytes_getters, &keep_bytes, &read_kept_bytes, &hold, &drop, &held, NULL
};
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(dbgtest, moduledef)
"""

_dir = None

HINT = "\nTo get the stack trace of where it was allocated use:\nhpy.debug.set_handle_stack_trace_limit"


def module_path():
    global _dir
    if _dir is None:
        support.compiler()
        _dir = tempfile.mkdtemp(prefix="hpyshim-debug-")
        src = os.path.join(_dir, "dbgtest.c")
        with open(src, "w") as f:
            f.write(SOURCE)
        build.build_extension("dbgtest", [src], outdir=_dir)
    return os.path.join(_dir, "dbgtest.hpy0.so")


def tearDownModule():
    if _dir is not None:
        shutil.rmtree(_dir, ignore_errors=True)


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1


class HookedTest(unittest.TestCase):
    """Each misuse is reported exactly once through the hook; the program goes on."""

    @classmethod
    def setUpClass(cls):
        cls.m = hpyshim.load("dbgtest", module_path(), mode="debug")

    def setUp(self):
        self.invalid = Counter()
        debug.set_on_invalid_handle(self.invalid)
        self.addCleanup(debug.set_on_invalid_handle, None)

    def assertReported(self, n, call, *args):
        before = self.invalid.count
        result = call(*args)
        self.assertEqual(self.invalid.count - before, n, "misuses reported by %s" % call.__name__)
        return result

    def test_correct_code_reports_nothing_and_leaks_nothing(self):
        with debug.LeakDetector():
            result = self.assertReported(0, self.m.good, lambda *a, sep: sep.join(map(str, a)), "x")
        self.assertEqual(result, ["x-1", "x"])

    def test_use_after_close(self):
        obj = ["alive"]
        self.assertEqual(self.assertReported(1, self.m.use_after_close, obj), "['alive']")

    def test_double_close(self):
        obj = object()
        refs = __import__("sys").getrefcount(obj)
        self.assertReported(1, self.m.double_close, obj)
        self.assertEqual(__import__("sys").getrefcount(obj), refs)

    def test_closing_an_argument(self):
        obj = object()
        refs = __import__("sys").getrefcount(obj)
        self.assertReported(1, self.m.close_arg, obj)
        self.assertEqual(__import__("sys").getrefcount(obj), refs)

    def test_closing_a_constant(self):
        self.assertReported(1, self.m.close_constant)

    def test_returning_a_closed_handle(self):
        obj = ["x"]
        self.assertIs(self.assertReported(1, self.m.return_closed, obj), obj)

    def test_returning_without_dup(self):
        self.assertIsNone(self.assertReported(1, self.m.return_constant))
        obj = ["y"]
        self.assertIs(self.assertReported(1, self.m.return_arg, obj), obj)

    def test_handle_kept_after_the_call(self):
        obj = ["kept"]
        self.assertReported(0, self.m.keep, obj)
        self.assertEqual(self.assertReported(1, self.m.use_kept), "['kept']")

    def test_builder_built_twice(self):
        builders = Counter()
        debug.set_on_invalid_builder_handle(builders)
        self.addCleanup(debug.set_on_invalid_builder_handle, None)
        with self.assertRaises(MemoryError):
            self.m.build_twice(1, 2)
        self.assertEqual(builders.count, 1)


class LeakTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = hpyshim.load("dbgtest", module_path(), mode="debug")

    def test_generations_and_open_handles(self):
        gen1 = debug.new_generation()
        self.m.leak("hello")
        gen2 = debug.new_generation()
        self.assertGreater(gen2, gen1)
        self.m.leak("world")
        self.assertEqual([h.obj for h in debug.get_open_handles(gen1)], ["hello", "world"])
        self.assertEqual([h.obj for h in debug.get_open_handles(gen2)], ["world"])
        for h in debug.get_open_handles(gen1):
            h._force_close()
        self.assertEqual(debug.get_open_handles(gen1), [])

    def test_handles_opened_around_a_nested_call_know_their_lines(self):
        # a call records where Python was once, for the handles it opens: a call made meanwhile
        # (from the Python code the first one calls) has its own
        import inspect
        lines = {}

        def callback():
            lines["inner"] = inspect.currentframe().f_lineno + 1
            self.m.leak("inner")
        gen = debug.new_generation()
        lines["outer"] = inspect.currentframe().f_lineno + 1
        self.m.leak_around(callback)
        handles = debug.get_open_handles(gen)
        self.assertEqual([h.obj for h in handles], ["inner", callback])
        self.assertTrue(handles[0].opened_at.endswith("test_debug.py:%d" % lines["inner"]), handles[0].opened_at)
        self.assertTrue(handles[1].opened_at.endswith("test_debug.py:%d" % lines["outer"]), handles[1].opened_at)
        for h in handles:
            h._force_close()

    def test_leak_detector(self):
        import inspect
        with self.assertRaises(debug.HPyLeakError) as cm:
            with debug.LeakDetector():
                self.leak_line = inspect.currentframe().f_lineno + 1
                self.m.leak("a leak")
        message = str(cm.exception)
        self.assertTrue(message.startswith("1 unclosed handle:"), message)
        self.assertIn("'a leak'", message)
        self.assertIn("opened by the call at: dbgtest.hpy0.so!leak_impl+0x", message)
        self.assertRegex(message, r"opened while Python ran: .*test_debug\.py:\d+")
        line = cm.exception.leaks[0].opened_at
        self.assertTrue(line.endswith(":%d" % (self.leak_line,)), line)
        self.assertEqual(len(cm.exception.leaks), 1)
        cm.exception.leaks[0]._force_close()
        with debug.LeakDetector():
            self.m.good(lambda *a, sep: "", 0)

    def test_debug_handle_objects(self):
        gen = debug.new_generation()
        self.m.leak("h")
        h1, = debug.get_open_handles(gen)
        h2, = debug.get_open_handles(gen)
        self.assertIsNot(h1, h2)
        self.assertEqual(h1, h2)
        self.assertEqual(hash(h1), hash(h2))
        self.assertNotEqual(h1, "h")
        with self.assertRaises(TypeError):
            h1 < h2
        # HPy's repr: the handle, then how to get its allocation stack trace
        self.assertEqual(repr(h1), "<DebugHandle 0x%x for 'h'>" % h1.id + HINT)
        self.assertFalse(h1.is_closed)
        self.assertEqual(h1.raw_data_size, -1)
        h1._force_close()
        self.assertTrue(h2.is_closed)
        self.assertIsNone(h2.obj)
        self.assertEqual(repr(h2), "<DebugHandle 0x%x CLOSED>" % h2.id + HINT)
        self.assertIn(h1, debug.get_closed_handles())

    def test_raw_data_is_a_protected_copy_kept_under_a_bound(self):
        self.assertEqual(self.m.utf8_roundtrip("h\u00e9llo"), "h\u00e9llo")
        old = debug.get_protected_raw_data_max_size()
        self.addCleanup(debug.set_protected_raw_data_max_size, old)
        gen = debug.new_generation()
        self.m.utf8_roundtrip("abc")           # 4 bytes with the NUL: kept protected
        self.assertIn(4, [h.raw_data_size for h in debug.get_closed_handles(gen)])
        debug.set_protected_raw_data_max_size(0)
        self.assertEqual(debug.get_protected_raw_data_max_size(), 0)
        gen = debug.new_generation()
        self.m.utf8_roundtrip("x" * 20)        # over the bound: given back at close
        self.assertEqual([h.raw_data_size for h in debug.get_closed_handles(gen)], [-1, -1, -1])

    def test_closed_queue_size(self):
        old = debug.get_closed_handles_queue_max_size()
        self.addCleanup(debug.set_closed_handles_queue_max_size, old)
        debug.set_closed_handles_queue_max_size(old + 7)
        self.assertEqual(debug.get_closed_handles_queue_max_size(), old + 7)
        with self.assertRaises(ValueError):
            debug.set_closed_handles_queue_max_size(-1)

    def test_leak_check_mixin(self):
        m = self.m

        class Leaky(debug.LeakCheck, unittest.TestCase):
            def runTest(self):
                m.leak("in a test")

        class Clean(debug.LeakCheck, unittest.TestCase):
            def runTest(self):
                m.good(lambda *a, sep: "", 0)

        leaky, clean = unittest.TestResult(), unittest.TestResult()
        Leaky().run(leaky)
        Clean().run(clean)
        self.assertEqual(len(leaky.failures), 1, leaky.failures)
        self.assertIn("unclosed handle", leaky.failures[0][1])
        self.assertTrue(clean.wasSuccessful(), clean.failures + clean.errors)
        for h in debug.get_closed_handles() + debug.get_open_handles(0):
            if not h.is_closed and h.obj == "in a test":
                h._force_close()

    def test_allocation_stack_trace(self):
        self.addCleanup(debug.disable_handle_stack_traces)
        debug.set_handle_stack_trace_limit(8)
        self.assertEqual(debug.get_handle_stack_trace_limit(), 8)
        gen = debug.new_generation()
        self.m.leak("traced")
        h, = debug.get_open_handles(gen)
        frames = h.allocation_stacktrace.split("\n")
        self.assertLessEqual(len(frames), 8)
        # symbolized, and the extension's function that opened the handle is among them
        self.assertTrue(any(f.startswith("dbgtest.hpy0.so!leak_impl+0x") for f in frames), frames)
        text = repr(h)
        self.assertTrue(text.startswith("<DebugHandle 0x%x for 'traced'>\nAllocation stacktrace:\n" % h.id),
                        text)
        with self.assertRaises(debug.HPyLeakError) as cm:
            raise debug.HPyLeakError([h])
        report = str(cm.exception)
        self.assertIn("Allocation stacktrace:\n", report)
        self.assertIn("dbgtest.hpy0.so!leak_impl+0x", report)
        self.assertRegex(report, r"opened while Python ran: .*test_debug\.py:\d+")
        debug.set_handle_stack_trace_limit(2)
        gen = debug.new_generation()
        self.m.leak("shorter")
        h2, = debug.get_open_handles(gen)
        self.assertEqual(len(h2.allocation_stacktrace.split("\n")), 2)
        debug.disable_handle_stack_traces()
        self.assertEqual(debug.get_handle_stack_trace_limit(), 0)
        gen = debug.new_generation()
        self.m.leak("untraced")
        h3, = debug.get_open_handles(gen)
        self.assertIsNone(h3.allocation_stacktrace)
        self.assertTrue(repr(h3).endswith(HINT))
        # a handle keeps the trace it was opened with
        self.assertIn("Allocation stacktrace:", repr(h))
        for x in (h, h2, h3):
            x._force_close()
        self.assertTrue(repr(h).startswith("<DebugHandle 0x%x CLOSED>\nAllocation stacktrace:\n" % h.id))
        with self.assertRaises(ValueError):
            debug.set_handle_stack_trace_limit(-1)

    def test_context_name_is_hpys(self):
        self.assertEqual(self.m.ctx_name(), "HPy Debug Mode ABI")

    def test_hpy_submodules(self):
        from hpyshim.debug import leakdetector
        self.assertIs(leakdetector.HPyLeakError, debug.HPyLeakError)
        self.assertIs(leakdetector.LeakDetector, debug.LeakDetector)
        self.assertTrue(issubclass(leakdetector.HPyLeakError, leakdetector.HPyDebugError))
        # tracebacks print HPy's name of the class
        self.assertEqual(debug.HPyLeakError.__module__, "hpy.debug.leakdetector")

    def test_pytest_fixture(self):
        # pytest is not needed to check the fixture's own logic: a stand-in module gives it the
        # decorator, and the generator is driven as pytest drives it.
        import importlib
        import sys
        import types
        stand_in = types.ModuleType("pytest")
        stand_in.fixture = lambda f: f
        saved = sys.modules.get("pytest")
        sys.modules["pytest"] = stand_in
        try:
            sys.modules.pop("hpyshim.debug.pytest", None)
            sys.modules.pop("hpyshim.debug_pytest", None)
            plugin = importlib.import_module("hpyshim.debug.pytest")
            self.assertIs(importlib.import_module("hpyshim.debug_pytest").hpy_debug, plugin.hpy_debug)
        finally:
            if saved is None:
                del sys.modules["pytest"]
            else:
                sys.modules["pytest"] = saved
            sys.modules.pop("hpyshim.debug.pytest", None)
            sys.modules.pop("hpyshim.debug_pytest", None)
        self.assertIs(plugin.LeakDetector, debug.LeakDetector)
        fixture = plugin.hpy_debug(None)
        self.assertIsInstance(next(fixture), debug.LeakDetector)
        self.m.leak("leaked in a pytest test")
        with self.assertRaises(debug.HPyLeakError):
            next(fixture)
        for h in debug.get_open_handles(0):
            if h.obj == "leaked in a pytest test":
                h._force_close()
        clean = plugin.hpy_debug(None)
        next(clean)
        with self.assertRaises(StopIteration):
            next(clean)

    def test_hpy_universal_debug_is_this_module(self):
        from hpyshim import universal
        self.assertIs(universal._debug, debug)


class RawDataTest(unittest.TestCase):
    """The char* copies (native/debug/debug_charptr.c): pages of their own carved from areas mapped
    once, protected in batches, reused."""

    @classmethod
    def setUpClass(cls):
        cls.m = hpyshim.load("dbgtest", module_path(), mode="debug")

    def tearDown(self):
        for i in range(512):
            self.m.drop(i)

    def test_open_copies_stay_intact_while_others_come_and_go(self):
        # a copy shares no page with another handle's: protecting a closed one, reusing a chunk
        # or a batch never touches an open one (its bytes are still right, reading them works)
        rng = random.Random(20)
        expected = [None] * 512
        sizes = [0, 1, 4095, 4096, 4097, 9000, 70000, 300000]   # 300000: a mapping of its own
        for step in range(6000):
            i = rng.randrange(512)
            r = rng.random()
            if r < 0.5:
                n = rng.choice(sizes) if rng.random() < 0.03 else rng.randrange(40)
                text = "%d:%s" % (step, "x" * n)
                self.m.hold(i, text if rng.random() < 0.7 else text.encode())
                expected[i] = text.encode()
            elif r < 0.8:
                self.m.drop(i)
                expected[i] = None
            else:
                self.assertEqual(self.m.utf8_roundtrip("arg %d" % step), "arg %d" % step)
            if step % 1000 == 999:
                self.assertEqual(self.m.held(), expected)
        self.assertEqual(self.m.held(), expected)
        self.assertEqual(self.m.bytes_getters(b"same copy"), (True, b"same copy"))

    def test_pages_are_reused(self):
        for i in range(20000):
            self.m.utf8_roundtrip("s%d" % i)
        with open("/proc/self/maps") as f:
            areas = {line.split()[4] for line in f if "hpyshim-raw-data" in line}   # memfd inodes
        # 20000 copies would need five areas of 4096 pages: the pages of dead copies come back
        self.assertIn(len(areas), (1, 2))

    def test_few_system_calls_per_char_pointer(self):
        before = debug._raw_data_stats()
        for i in range(3000):
            self.m.utf8_roundtrip("t%d" % i)
        after = debug._raw_data_stats()
        copies = after["copies"] - before["copies"]
        changes = after["protection_changes"] - before["protection_changes"]
        self.assertEqual(copies, 3000)
        self.assertLess(changes, copies / 8, after)

    def test_window_setting(self):
        old = debug.get_raw_data_protection_window()
        self.addCleanup(debug.set_raw_data_protection_window, *old)
        self.assertEqual(old, (64, 64))
        debug.set_raw_data_protection_window(calls=3)
        self.assertEqual(debug.get_raw_data_protection_window(), (64, 3))
        debug.set_raw_data_protection_window(closes=1)
        self.assertEqual(debug.get_raw_data_protection_window(), (1, 3))
        with self.assertRaises(ValueError):
            debug.set_raw_data_protection_window(closes=0)
        with self.assertRaises(ValueError):
            debug.set_raw_data_protection_window(calls=-1)
        # closes=1: every char* protected at its close, a protection change each
        before = debug._raw_data_stats()
        for i in range(100):
            self.m.utf8_roundtrip("u%d" % i)
        after = debug._raw_data_stats()
        self.assertEqual(after["batches"] - before["batches"], 100)
        self.assertEqual(after["waiting"], 0)


class FatalTest(unittest.TestCase):
    """Without a hook, a misuse prints a diagnosis and ends the process like HPy_FatalError."""

    def run_child(self, call, survives=False, env=None):
        code = ("import hpyshim\nm = hpyshim.load('dbgtest', %r, mode='debug')\n%s\nprint('survived')\n"
                % (module_path(), call))
        proc = support.run_python(["-c", code], env=env)
        if survives:
            self.assertEqual(proc.returncode, 0, support.describe(proc))
            return proc.stdout
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertNotIn("survived", proc.stdout)
        return proc.stderr

    def test_use_after_close_diagnosis(self):
        err = self.run_child("m.use_after_close(['x'])")
        self.assertIn("Invalid usage of already closed handle", err)
        self.assertIn("opened while Python ran: <string>:3", err)
        self.assertIn("argument 1 of HPy_Repr", err)
        self.assertIn("closed by: HPy_Close", err)
        self.assertRegex(err, r"opened by the call at: dbgtest\.hpy0\.so!use_after_close_impl\+0x")
        self.assertWhere(err, "use_after_close")

    def test_returned_constant_diagnosis(self):
        err = self.run_child("m.return_constant()")
        self.assertIn("a context constant returned without HPy_Dup", err)
        self.assertIn("object: type 'NoneType', None", err)

    def test_argument_checks(self):
        err = self.run_child("m.type_check('hello', 2)")
        self.assertIn("HPy_TypeCheck arg 2 must be a type", err)

    def test_context_kept_from_an_earlier_call(self):
        err = self.run_child("m.keep_ctx()\nm.use_kept_ctx()")
        self.assertIn("Error: Wrong HPy Context!", err)
        self.assertRegex(err, r"HPyLong_\w+ was called with the context 0x[0-9a-f]+, which was valid only")
        self.assertIn("misused while Python ran: <string>:4", err)
        self.assertIn("by the call at: dbgtest.hpy0.so!use_kept_ctx_impl+0x", err)

    def test_char_pointer_read_after_its_handle_closed(self):
        err = self.run_child("m.keep_utf8('bye')\nm.read_kept_utf8()")
        self.assertIn("invalid access to the char* that HPyUnicode_AsUTF8AndSize returned", err)
        self.assertIn("the handle was closed", err)
        self.assertIn("the handle was opened while Python ran: <string>:3", err)
        self.assertIn("the getter was called at: dbgtest.hpy0.so!keep_utf8_impl+0x", err)

    def test_char_pointer_written(self):
        err = self.run_child("m.write_utf8('const')")
        self.assertIn("invalid access to the char* that HPyUnicode_AsUTF8AndSize returned", err)
        self.assertIn("the data is read-only", err)
        self.assertIn("the getter was called at: dbgtest.hpy0.so!write_utf8_impl+0x", err)

    def test_char_pointer_read_after_its_handle_closed_without_dual_mapping(self):
        # systems without memfd: copies are written by making their pages writable for the copy
        single = {"HPYSHIM_TEST_RAW_SINGLE_MAP": "1"}
        err = self.run_child("m.keep_utf8('bye')\nm.read_kept_utf8()", env=single)
        self.assertIn("invalid access to the char* that HPyUnicode_AsUTF8AndSize returned", err)
        self.assertIn("the handle was closed", err)
        err = self.run_child("m.write_utf8('const')", env=single)
        self.assertIn("the data is read-only", err)
        check = ("print([m.utf8_roundtrip('w%d' % i) for i in range(5000)] == ['w%d' % i for i in range(5000)],"
                 " 'hpyshim-raw-data' in open('/proc/self/maps').read())")
        self.assertEqual(self.run_child(check, survives=True, env=single).split()[:2], ["True", "False"])
        self.assertEqual(self.run_child(check, survives=True).split()[:2], ["True", "True"])

    def test_bytes_char_pointer_read_after_its_handle_closed(self):
        err = self.run_child("m.keep_bytes(b'bye')\nm.read_kept_bytes()")
        self.assertIn("invalid access to the char* that HPyBytes_AsString returned for the handle 0x", err)
        self.assertIn("the handle was opened while Python ran: <string>:3", err)
        self.assertIn("the getter was called at: dbgtest.hpy0.so!keep_bytes_impl+0x", err)
        self.assertIn("the handle was closed when the call it was lent to returned", err)
        self.assertIn("the handle was closed while Python ran: <string>:3", err)

    def test_char_pointer_read_after_hpy_close(self):
        # in a process that protected nothing in the last calls, HPy_Close protects at once
        err = self.run_child("m.close_then_read('x', 'y', 0)")
        self.assertIn("invalid access to the char* that HPyUnicode_AsUTF8AndSize returned", err)
        self.assertIn("the handle was closed by HPy_Close, called at: dbgtest.hpy0.so!close_then_read_impl+0x", err)
        self.assertIn("the handle was closed while Python ran: <string>:3", err)
        self.assertIn("the getter was called at: dbgtest.hpy0.so!close_then_read_impl+0x", err)

    def test_protection_window_in_calls(self):
        # keep_utf8 is the call that protects the batch waiting (quiet process); the data of its
        # argument, closed when it returns, waits for the next batch, which the N-th call after
        # keep_utf8 protects at its start: a read in the (N-1)-th call after still sees the
        # poison, one in the N-th faults
        closes, calls = debug.get_raw_data_protection_window()
        for window in (calls, 3):
            setup = ("from hpyshim import debug\ndebug.set_raw_data_protection_window(calls=%d)\n"
                     "m.keep_utf8('first')\nm.keep_utf8('bye')\n" % window)
            seen = self.run_child(setup + "for i in range(%d): m.ctx_name()\n"
                                  "try: m.read_kept_utf8()\nexcept UnicodeDecodeError as e: print(e.object)"
                                  % (window - 2), survives=True)
            self.assertIn("\\xdb\\xdb\\xdb", seen)   # 'bye' reads as poison
            err = self.run_child(setup + "for i in range(%d): m.ctx_name()\nm.read_kept_utf8()" % (window - 1))
            self.assertIn("invalid access to the char* that HPyUnicode_AsUTF8AndSize returned", err)
            self.assertIn("the handle was closed when the call it was lent to returned", err)

    def test_protection_window_in_closes(self):
        # within one call: the first HPy_Close protects at once (quiet process), the next ones
        # wait until the batch holds P copies: the P-th close after the first protects them all
        closes, calls = debug.get_raw_data_protection_window()
        for window in (closes, 5):
            setup = "from hpyshim import debug\ndebug.set_raw_data_protection_window(closes=%d)\n" % window
            strings = ", ".join("'s%d'" % i for i in range(window))
            seen = self.run_child(setup + "print(m.close_then_read(%s, 1))" % strings, survives=True)
            self.assertIn("b'\\xdb'", seen)   # closed, not protected yet: poison
            err = self.run_child(setup + "m.close_then_read(%s, 's', 1)" % strings)
            self.assertIn("invalid access to the char* that HPyUnicode_AsUTF8AndSize returned", err)
            self.assertIn("the handle was closed by HPy_Close", err)

    def test_fork_gives_the_child_copies_of_its_own(self):
        # parent and child each make a copy after the fork (the same page, were the memory still
        # shared) and read their own after the other wrote
        script = (
            "import os\n"
            "r1, w1 = os.pipe(); r2, w2 = os.pipe()\n"
            "m.hold(0, 'before the fork')\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    m.hold(1, 'child copy')\n"
            "    os.write(w1, b'x'); os.read(r2, 1)\n"
            "    ok = m.held()[:2] == [b'before the fork', b'child copy']\n"
            "    os._exit(0 if ok else 3)\n"
            "os.read(r1, 1)\n"
            "m.hold(1, 'parent copy')\n"
            "os.write(w2, b'x')\n"
            "_, status = os.waitpid(pid, 0)\n"
            "print(status, m.held()[:2])\n"
            "m.drop(0); m.drop(1)\n")
        out = self.run_child(script, survives=True)
        self.assertIn("0 [b'before the fork', b'parent copy']", out)

    def test_as_struct_checks_the_shape(self):
        # the shapes of recently seen types are remembered: a type of another shape is still caught
        err = self.run_child("for i in range(20):\n    T = m.make_dummy_type()\n"
                             "    assert [m.as_struct(T()) for j in range(5)] == [0] * 5\n"
                             "m.as_struct([])")
        self.assertIn("Invalid usage of _HPy_AsStruct_Object. Expected shape HPyType_BuiltinShape_Object "
                      "but got HPyType_BuiltinShape_Legacy", err)

    def test_builder_without_hook(self):
        err = self.run_child("m.build_twice(1)")
        self.assertIn("Invalid usage of already closed builder", err)
        self.assertWhere(err, "build_twice")

    def assertWhere(self, err, function):
        # the Python line of the misuse (line 3 of the child's code) and the extension's function
        # (its _impl, or its trampoline when the misusing call was a tail call)
        self.assertIn("misused while Python ran: <string>:3", err)
        self.assertRegex(err, r"by the call at: dbgtest\.hpy0\.so!%s_(impl|trampoline)\+0x" % function)


if __name__ == "__main__":
    unittest.main()


class LeakReportOutputTest(unittest.TestCase):
    """What an HPy user sees for an uncaught leak, with HPY=debug and HPY_LOG set."""

    def test_uncaught_leak_as_hpy_prints_it(self):
        code = ("import sys, hpyshim\n"
                "sys.path.insert(0, %r)\n"
                "import dbgtest\n"
                "from hpyshim import debug\n"
                "debug.set_handle_stack_trace_limit(16)\n"
                "with debug.LeakDetector():\n"
                "    dbgtest.leak(42)\n" % os.path.dirname(module_path()))
        proc = support.run_python(["-c", code], env={"HPY": "debug", "HPY_LOG": "1"})
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(proc.stdout, "Loading 'dbgtest' in HPy universal mode with a debug context\n")
        err = proc.stderr
        self.assertIn("hpy.debug.leakdetector.HPyLeakError: 1 unclosed handle:", err)
        self.assertRegex(err, r"<DebugHandle 0x[\da-f]+ for 42>")
        self.assertIn("Allocation stacktrace:", err)
        self.assertIn("dbgtest.hpy0.so", err)
        self.assertIn("opened while Python ran: <string>:7", err)
