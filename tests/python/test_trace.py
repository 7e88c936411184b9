"""Trace mode: hpyshim.trace (HPy's hpy.trace API) and ``python -m hpyshim trace``."""

import csv
import json
import os
import pstats
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim
from hpyshim import build, trace

# f(a, b) -> a + b; any other number of arguments raises TypeError with HPyErr_SetString.
# call(f) -> f() after checking it is callable.
SOURCE = r"""
#include "hpy.h"

HPyDef_METH(add, "add", HPyFunc_VARARGS)
static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "expected exactly two args");
        return HPy_NULL;
    }
    return HPy_Add(ctx, args[0], args[1]);
}

HPyDef_METH(call, "call", HPyFunc_O)
static HPy call_impl(HPyContext *ctx, HPy self, HPy arg)
{
    if (!HPyCallable_Check(ctx, arg)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "expected callable");
        return HPy_NULL;
    }
    return HPy_CallTupleDict(ctx, arg, HPy_NULL, HPy_NULL);
}

HPyDef_METH(ctx_name, "ctx_name", HPyFunc_NOARGS)
static HPy ctx_name_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromString(ctx, ctx->name);
}

/* Box(a)(b): tp_new reads a, tp_init adds b; traverse() visits nothing. Their calls come
   through thunks in trace mode too, and must pass the trace context. */
typedef struct { long value; } BoxObject;
HPyType_HELPERS(BoxObject)

HPyDef_SLOT(Box_new, HPy_tp_new)
static HPy Box_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    BoxObject *box;
    HPy h = HPy_New(ctx, cls, &box);
    if (!HPy_IsNull(h))
        box->value = HPyLong_AsLong(ctx, args[0]);
    return h;
}

HPyDef_SLOT(Box_init, HPy_tp_init)
static int Box_init_impl(HPyContext *ctx, HPy self, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    BoxObject_AsStruct(ctx, self)->value += HPyLong_AsLong(ctx, args[1]);
    return 0;
}

HPyDef_SLOT(Box_traverse, HPy_tp_traverse)
static int Box_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    return 0;
}

HPyDef_METH(Box_get, "get", HPyFunc_NOARGS)
static HPy Box_get_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, BoxObject_AsStruct(ctx, self)->value);
}

static HPyDef *Box_defines[] = { &Box_new, &Box_init, &Box_traverse, &Box_get, NULL };
static HPyType_Spec Box_spec = {
    .name = "%(name)s.Box",
    .basicsize = sizeof(BoxObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Box_defines,
};

HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy module)
{
    return HPyHelpers_AddType(ctx, module, "Box", &Box_spec, NULL) ? 0 : -1;
}

static HPyDef *defines[] = { &add, &call, &ctx_name, &exec, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(%(name)s, moduledef)
"""

_built = {}


def build_module(name):
    """Compile SOURCE as module `name` once per run; the path of NAME.hpy0.so."""
    if name not in _built:
        support.compiler()
        outdir = os.path.join(_build_root(), name)
        os.makedirs(outdir, exist_ok=True)
        src = os.path.join(outdir, name + ".c")
        with open(src, "w") as f:
            f.write(SOURCE % {"name": name})
        _built[name] = build.build_extension(name, [src], outdir=outdir)
    return _built[name]


_root = None


def _build_root():
    global _root
    if _root is None:
        import tempfile
        _root = tempfile.mkdtemp(prefix="hpyshim-trace-")
    return _root


def tearDownModule():
    import shutil
    if _root is not None:
        shutil.rmtree(_root, ignore_errors=True)


def delta(before, after):
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


class TraceApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = hpyshim.load("traced", build_module("traced"), mode="trace")

    def tearDown(self):
        trace.set_trace_functions(on_enter=None, on_exit=None)

    def test_every_member_is_present(self):
        counts, durations = trace.get_call_counts(), trace.get_durations()
        self.assertEqual(set(counts), set(durations))
        self.assertEqual(len(counts), len(trace.member_names()))
        for name in ("ctx_Add", "ctx_Close", "ctx_Err_SetString", "ctx_CallRealFunctionFromTrampoline",
                     "ctx_FatalError", "ctx_SetCallFunction"):
            self.assertIn(name, counts)
        self.assertTrue(all(isinstance(v, int) for v in counts.values()))
        self.assertGreater(trace.get_frequency(), 0)

    def test_exact_call_counts(self):
        c0 = trace.get_call_counts()
        self.assertEqual(self.m.add(1, 2), 3)
        self.assertEqual(delta(c0, trace.get_call_counts()), {"ctx_Add": 1})
        self.assertEqual(self.m.add(10, 20), 30)
        self.assertEqual(delta(c0, trace.get_call_counts()), {"ctx_Add": 2})
        with self.assertRaises(TypeError):
            self.m.add(1, 2, 3)
        self.assertEqual(delta(c0, trace.get_call_counts()), {"ctx_Add": 2, "ctx_Err_SetString": 1})

    def test_duration_covers_a_python_callback(self):
        d0 = trace.get_durations()

        def callback():
            time.sleep(0.2)
            return 123
        self.assertEqual(self.m.call(callback), 123)
        d1 = trace.get_durations()
        self.assertGreaterEqual(d1["ctx_CallTupleDict"] - d0["ctx_CallTupleDict"], 2e8 * 0.95)
        self.assertEqual(set(delta(d0, d1)) - {"ctx_CallTupleDict", "ctx_Callable_Check"}, set())

    def test_enter_and_exit_functions(self):
        entered, exited = [], []
        trace.set_trace_functions(entered.append)
        self.assertEqual(self.m.add(1, 2), 3)
        self.assertEqual((entered, exited), (["ctx_Add"], []))
        trace.set_trace_functions(on_exit=exited.append)   # on_enter stays
        self.assertEqual(self.m.add(2, 3), 5)
        self.assertEqual((entered, exited), (["ctx_Add", "ctx_Add"], ["ctx_Add"]))
        trace.set_trace_functions(on_enter=None)           # clears on_enter only
        self.assertEqual(self.m.add(2, 3), 5)
        self.assertEqual((entered, exited), (["ctx_Add", "ctx_Add"], ["ctx_Add", "ctx_Add"]))
        with self.assertRaises(TypeError):
            trace.set_trace_functions(1)

    def test_hooks_do_not_see_the_pending_exception(self):
        seen = []
        trace.set_trace_functions(on_exit=lambda name: seen.append((name, __import__("sys").exc_info()[0])))
        with self.assertRaises(TypeError):
            self.m.add(1)
        self.assertEqual(seen, [("ctx_Err_SetString", None)])

    def test_universal_modules_are_not_counted_and_loading_does_not_reset(self):
        plain = hpyshim.load("untraced", build_module("untraced"), mode="universal")
        c0 = trace.get_call_counts()
        self.assertEqual(plain.add(1, 2), 3)
        self.assertEqual(delta(c0, trace.get_call_counts()), {})
        self.m.add(1, 2)
        c1 = trace.get_call_counts()
        hpyshim.load("traced2", build_module("traced2"), mode="trace")
        c2 = trace.get_call_counts()
        self.assertTrue(all(c2[k] >= c1[k] for k in c1), "loading reset counters")

    def test_type_slots_pass_the_trace_context(self):
        # tp_new, tp_init and a method of a type: each call counted exactly
        c0 = trace.get_call_counts()
        box = self.m.Box(3, 4)
        self.assertEqual(delta(c0, trace.get_call_counts()),
                         {"ctx_New": 1, "ctx_Long_AsInt64_t": 2, "ctx_AsStruct_Object": 1})
        c1 = trace.get_call_counts()
        self.assertEqual(box.get(), 7)
        self.assertEqual(delta(c1, trace.get_call_counts()),
                         {"ctx_AsStruct_Object": 1, "ctx_Long_FromInt64_t": 1})
        import gc
        gc.collect()   # through tp_traverse
        self.assertEqual(box.get(), 7)

    def test_context_name_is_hpys(self):
        self.assertEqual(self.m.ctx_name(), "HPy Trace Mode ABI")

    def test_hpy_universal_trace_is_this_module(self):
        from hpyshim import universal
        self.assertIs(universal._trace, trace)

    def test_failing_hook_is_fatal(self):
        code = ("import hpyshim\nfrom hpyshim import trace\n"
                "m = hpyshim.load('traced', %r, mode='trace')\n"
                "def bad(name):\n    raise RuntimeError('hook failed on ' + name)\n"
                "trace.set_trace_functions(bad)\n"
                "m.add(1, 2)\nprint('survived')\n" % build_module("traced"))
        proc = support.run_python(["-c", code])
        self.assertNotEqual(proc.returncode, 0, support.describe(proc))
        self.assertNotIn("survived", proc.stdout)
        self.assertIn("hook failed on ctx_Add", proc.stderr)
        self.assertIn("error when executing on-enter trace function", proc.stderr)


# Run in a fresh process: the sampling setting is read when the trace context is made.
SAMPLED_SCRIPT = r"""
import json, sys, hpyshim
from hpyshim import trace
m = hpyshim.load("traced", sys.argv[1], mode="trace")
for i in range(300):               # past the calls that are always timed
    m.add(i, 1)
d0, c0 = trace.get_durations()["ctx_Add"], trace.get_call_counts()["ctx_Add"]
grew = behind = 0
for i in range(int(sys.argv[2])):
    m.add(i, 1)
    d = trace.get_durations()["ctx_Add"]
    grew += d > d0
    d0 = d
    # the durations leave out the calls since the last timed one, the estimate does not
    behind += trace.estimated_durations()["ctx_Add"] != d
print(json.dumps({"sampling": trace.get_sampling(), "grew": grew, "behind": behind,
                  "calls": trace.get_call_counts()["ctx_Add"] - c0}))
"""

# A member's duration measured every call and sampled: the same work in two processes. Short
# runs, and their median: a run in which the process is preempted inside a timed call (likely
# when the machine is busy, as most of a run's time is inside the member) is an outlier.
ESTIMATE_SCRIPT = r"""
import json, sys, hpyshim
from hpyshim import trace
m = hpyshim.load("traced", sys.argv[1], mode="trace")
def f():
    return sum(range(20))
for i in range(300):
    m.call(f)
runs = []
for r in range(21):
    d0 = trace.get_durations()["ctx_CallTupleDict"]
    for i in range(2000):
        m.call(f)
    runs.append(trace.get_durations()["ctx_CallTupleDict"] - d0)
print(json.dumps({"ns": sorted(runs)[len(runs) // 2]}))
"""


# ctx_CallTupleDict of a callback that sleeps (1 ms) on every argv[2]-th call: how many of
# argv[3] readings lag the calls made (the calls since the last timed one are left out).
SLOW_SCRIPT = r"""
import json, sys, time, hpyshim
from hpyshim import trace
m = hpyshim.load("traced", sys.argv[1], mode="trace")
period, calls = int(sys.argv[2]), int(sys.argv[3])
i = 0
def f():
    global i
    i += 1
    if i % period == 0:
        time.sleep(0.001)
for k in range(300):               # past the calls that are always timed
    m.call(f)
behind = 0
for k in range(calls):
    m.call(f)
    behind += trace.estimated_durations()["ctx_CallTupleDict"] != trace.get_durations()["ctx_CallTupleDict"]
print(json.dumps({"behind": behind}))
"""


class TraceSamplingTest(unittest.TestCase):
    """Not every call is timed (trace.h): counts stay exact, durations are estimates that only
    grow, hooks still see every call."""

    @classmethod
    def setUpClass(cls):
        cls.m = hpyshim.load("traced", build_module("traced"), mode="trace")

    def tearDown(self):
        trace.set_trace_functions(on_enter=None, on_exit=None)

    def test_counts_stay_exact_past_the_timed_calls(self):
        c0 = trace.get_call_counts()
        for i in range(5000):
            self.m.add(i, 1)
        self.assertEqual(delta(c0, trace.get_call_counts()), {"ctx_Add": 5000})

    def test_hooks_see_every_call_after_sampling_began(self):
        for i in range(1000):
            self.m.add(i, 1)
        entered, exited = [], []
        trace.set_trace_functions(entered.append, exited.append)
        for i in range(10):
            self.m.add(i, 1)
        self.assertEqual(entered, ["ctx_Add"] * 10)
        self.assertEqual(exited, ["ctx_Add"] * 10)
        trace.set_trace_functions(on_enter=None, on_exit=None)
        for i in range(1000):
            self.m.add(i, 1)
        self.assertEqual(len(entered), 10)

    def test_durations_only_grow(self):
        last = trace.get_durations()
        for r in range(100):
            for i in range(50):
                self.m.add(i, 1)
            now = trace.get_durations()
            for name in now:
                self.assertGreaterEqual(now[name], last[name], name)
            last = now

    def test_a_nested_call_of_the_same_member_counts_once(self):
        # Each timed call claims the untimed calls before it when it starts: the inner call
        # must not claim the outer one, nor the outer lose its own time.
        c0, d0 = trace.get_call_counts(), trace.get_durations()

        def inner():
            time.sleep(0.1)

        def outer():
            self.m.call(inner)
            time.sleep(0.2)
        self.m.call(outer)
        c1, d1 = trace.get_call_counts(), trace.get_durations()
        self.assertEqual(c1["ctx_CallTupleDict"] - c0["ctx_CallTupleDict"], 2)
        # outer 0.3 s (with inner) + inner 0.1 s
        took = d1["ctx_CallTupleDict"] - d0["ctx_CallTupleDict"]
        self.assertGreaterEqual(took, 4e8 * 0.95)
        self.assertLess(took, 4e8 * 2)

    def test_estimated_durations_cover_every_call(self):
        for i in range(2000):
            self.m.add(i, 1)
        measured, estimated = trace.get_durations(), trace.estimated_durations()
        self.assertEqual(set(measured), set(estimated))
        for name in measured:
            self.assertGreaterEqual(estimated[name], measured[name], name)
        self.assertGreater(estimated["ctx_Add"], 0)

    def _sampled(self, calls, sampling=None):
        env = {} if sampling is None else {"HPYSHIM_TRACE_SAMPLING": sampling}
        proc = support.run_python(["-c", SAMPLED_SCRIPT, build_module("traced"), str(calls)], env=env)
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr

    def test_after_the_first_calls_only_some_are_timed(self):
        result, _ = self._sampled(1000)
        self.assertEqual(result["sampling"], [128, 256])
        self.assertEqual(result["calls"], 1000)
        # about one in 128 is timed: the duration moves on those calls only, and between them
        # it lags the calls made
        self.assertLess(result["grew"], 60)
        self.assertGreater(result["behind"], 500)

    def test_sampling_1_times_every_call(self):
        result, _ = self._sampled(500, "1")
        self.assertEqual(result["sampling"], [1, 256])
        self.assertEqual(result["behind"], 0)

    def test_a_bad_sampling_setting_is_reported(self):
        for bad in ("0", "-3", "x", "2147483649"):
            result, stderr = self._sampled(10, bad)
            self.assertEqual(result["sampling"], [128, 256], bad)
            self.assertIn("HPYSHIM_TRACE_SAMPLING=%s is not a whole number" % bad, stderr)

    def _behind(self, period, calls):
        proc = support.run_python(["-c", SLOW_SCRIPT, build_module("traced"), str(period), str(calls)])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        return json.loads(proc.stdout.strip().splitlines()[-1])["behind"]

    def test_a_slow_member_is_timed_at_every_call(self):
        # every call sleeps: once 8 timed calls in a row were slow, every call is timed, and no
        # reading lags
        self.assertEqual(self._behind(1, 200), 0)

    def test_a_rare_long_call_does_not_make_a_member_slow(self):
        # one call in 50 sleeps: the member stays sampled, its durations lag between timed calls
        self.assertGreater(self._behind(50, 400), 400 // 2)

    def test_sampled_durations_estimate_the_measured_ones(self):
        def run(sampling):
            proc = support.run_python(["-c", ESTIMATE_SCRIPT, build_module("traced")],
                                      env={"HPYSHIM_TRACE_SAMPLING": sampling})
            self.assertEqual(proc.returncode, 0, support.describe(proc))
            return json.loads(proc.stdout.strip().splitlines()[-1])["ns"]
        every, sampled = run("1"), run("16")
        # One timed call in 16 standing for 16 calls: close to timing all 2000, where a sum
        # of the timed calls alone would be a sixteenth.
        self.assertGreater(sampled, every / 3)
        self.assertLess(sampled, every * 3)


class TraceCommandTest(unittest.TestCase):
    def test_report_csv_and_chart(self):
        tmp = support.make_temp_dir(self)
        so = build_module("traced")
        script = os.path.join(tmp, "work.py")
        with open(script, "w") as f:
            f.write("import sys, traced\n"
                    "for i in range(50):\n    traced.add(i, 1)\n"
                    "try:\n    traced.add()\nexcept TypeError:\n    pass\n"
                    "print('done', sys.argv[1:])\n")
        csv_path, svg_path = os.path.join(tmp, "t.csv"), os.path.join(tmp, "t.svg")
        proc = support.run_python(["-m", "hpyshim", "trace", "--top", "5", "--csv", csv_path,
                                   "--svg", svg_path, script, "arg1"],
                                  pythonpath=[os.path.dirname(so)])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertIn("done ['arg1']", proc.stdout)
        self.assertIn("== HPy trace of", proc.stderr)
        table = proc.stderr.split("== HPy trace of", 1)[1]
        self.assertRegex(table, r"ctx_Add\s+50\s")
        self.assertRegex(table, r"ctx_Err_SetString\s+1\s")
        with open(csv_path) as f:
            rows = {r["member"]: r for r in csv.DictReader(f)}
        self.assertEqual(rows["ctx_Add"]["calls"], "50")
        self.assertEqual(rows["ctx_Err_SetString"]["calls"], "1")
        self.assertLessEqual(len(rows), 5)
        root = ET.parse(svg_path).getroot()
        self.assertTrue(root.tag.endswith("svg"))
        texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        self.assertIn("ctx_Add", texts)

    def test_pstats_file(self):
        tmp = support.make_temp_dir(self)
        so = build_module("traced")
        script = os.path.join(tmp, "work.py")
        with open(script, "w") as f:
            f.write("import traced\n"
                    "def f():\n    return 1\n"
                    "for i in range(700):\n    traced.add(i, 1)\n"
                    "for i in range(3):\n    traced.call(f)\n")
        path = os.path.join(tmp, "trace.pstats")
        proc = support.run_python(["-m", "hpyshim", "trace", "--top", "1", "--pstats", path, script],
                                  pythonpath=[os.path.dirname(so)])
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertIn("pstats: %s" % path, proc.stderr)
        # The standard reader: every member called (not only the --top ones), with its calls.
        stats = pstats.Stats(path)
        add = stats.stats[trace.pstats_key("ctx_Add")]
        self.assertEqual(add[:2], (700, 700))
        self.assertGreater(add[2], 0)
        self.assertEqual(add[2], add[3])
        self.assertEqual(stats.stats[trace.pstats_key("ctx_CallTupleDict")][:2], (3, 3))
        self.assertEqual(stats.stats[trace.pstats_key("ctx_Callable_Check")][:2], (3, 3))
        # and nothing else but what the module's set-up called
        called = {trace.pstats_key(n) for n in ("ctx_Add", "ctx_CallTupleDict", "ctx_Callable_Check",
                                                "ctx_Type_FromSpec", "ctx_SetAttr_s", "ctx_Close")}
        self.assertEqual(set(stats.stats), called)
        self.assertGreater(stats.total_tt, 0)
        # python -m pstats prints the members by name, with their calls
        shown = subprocess.run([sys.executable, "-m", "pstats", path], input="sort calls\nstats\nquit\n",
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                               timeout=support.SUBPROCESS_TIMEOUT)
        self.assertRegex(shown.stdout, r"\n\s+700\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+ ctx_Add\n")
        self.assertRegex(shown.stdout, r"\n\s+3\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+ ctx_CallTupleDict\n")

    def test_missing_script(self):
        proc = support.run_python(["-m", "hpyshim", "trace", "/nonexistent/script.py"])
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no such file", proc.stderr)


if __name__ == "__main__":
    unittest.main()
