"""The native fast path of universal mode: no managed (C#) code on a hot path, and calls that go
from CPython straight to the implementation through thunks (see README, "Performance").

- the managed-entry counter of the runtime does not move while real workloads run (building and
  collecting an object graph, method loops, every hot context member);
- with thunks on, CPython's method and slot entries point outside the extension's file (at a
  thunk), in universal and trace mode; with HPYSHIM_THUNKS=0, and in debug mode, at the
  extension's trampolines;
- what Python can see of functions and methods is the same either way."""

import ctypes
import gc
import importlib
import json
import os
import platform
import sys
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

import hpyshim  # noqa: F401  (the finder)
from hpyshim import _native

solver = simple = None
# The processors native/thunks/thunk_code.h has an encoder for.
THUNK_MACHINES = ("x86_64", "AMD64", "aarch64", "arm64")
THUNKS_EXPECTED = (support.MODE in ("universal", "trace") and os.environ.get("HPYSHIM_THUNKS") != "0"
                   and platform.machine() in THUNK_MACHINES)


def setUpModule():
    global solver, simple
    if support.ABI == "cpython":
        raise unittest.SkipTest("the runtime's own paths: universal ABI only")
    support.add_samples_to_path()
    solver = importlib.import_module("solver")
    simple = importlib.import_module("simple")


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


_dladdr = ctypes.CDLL(None).dladdr
_dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]


def file_of(address):
    """The file whose mapping holds `address`, or None (anonymous memory: a thunk)."""
    info = _DlInfo()
    if not _dladdr(address, ctypes.byref(info)) or not info.dli_fname:
        return None
    return os.fsdecode(info.dli_fname)


def word(address):
    return ctypes.c_void_p.from_address(address).value


def function_entry(f):
    """ml_meth of a builtin function (PyCFunctionObject.m_ml at 16) or a method descriptor
    (PyMethodDescrObject.d_method at 40); PyMethodDef.ml_meth is at 8."""
    offset = 16 if type(f).__name__ == "builtin_function_or_method" else 40
    return word(word(id(f) + offset) + 8)


TP_TRAVERSE, TP_NEW = 184, 312   # offsets in PyTypeObject, the same in 3.8 to 3.13


def type_slot(cls, offset):
    return word(id(cls) + offset)


def nb_add_entry(cls):
    return word(word(id(cls) + 96))   # tp_as_number at 96, nb_add first


class ManagedTransitionsTest(unittest.TestCase):
    def assert_no_managed_entry(self, work):
        work()   # a first run may create what later runs reuse
        before = _native.managed_entries()
        work()
        self.assertEqual(_native.managed_entries() - before, 0,
                         "a hot path entered the runtime's managed half")

    def test_object_graph_build_collect_and_methods(self):
        V = solver.Variable

        def work():
            xs = [V("v%d" % i, float(i)) for i in range(200)]
            cons = [xs[i % 200] * 2.0 + xs[(i + 1) % 200] * 3.0 + 1.0 <= xs[(i + 7) % 200] for i in range(2000)]
            gc.collect()
            solver.update_variables(xs, [1.0] * 200)
            solver.total_violation(cons)
            for c in cons[:500]:
                c.violated()
                c.expression().terms()[0].variable().name()
            del cons, xs
            gc.collect()
        self.assert_no_managed_entry(work)

    def test_hot_members_of_the_simple_sample(self):
        def work():
            for _ in range(50):
                simple.sum_list(list(range(100)))
                simple.make_list(100)
                simple.make_tuple(1, 2, 3)
                simple.make_dict("k", "v")
                simple.call_with(lambda *a, **k: a, (1, 2), {"k": 3})
                simple.call_method([3, 1, 2], "append", 4)
                simple.remember(object())
                simple.recall()
                simple.tracker_demo(5)
                simple.greet("x", greeting="y")
                simple.type_name(1.5)
        self.assert_no_managed_entry(work)


class ThunkTest(unittest.TestCase):
    def test_thunks_are_used_where_expected(self):
        self.assertEqual(_native.thunks_active(), os.environ.get("HPYSHIM_THUNKS") != "0"
                         and platform.machine() in THUNK_MACHINES)
        entries = [function_entry(solver.total_violation), function_entry(solver.update_variables),
                   function_entry(solver.Variable.setValue), function_entry(simple.hello),
                   function_entry(simple.greet), nb_add_entry(solver.Variable),
                   type_slot(solver.Variable, TP_NEW), type_slot(solver.Variable, TP_TRAVERSE)]
        files = [file_of(e) for e in entries]
        if THUNKS_EXPECTED:
            self.assertEqual(files, [None] * len(files), "entries should be thunks")
        else:
            for f in files:
                self.assertIsNotNone(f)
                self.assertTrue(os.path.basename(f).startswith(("solver.", "simple.")), f)


def visible(module_names):
    """What Python can see of the functions and methods of the samples (JSON-able)."""
    import inspect
    import pickle
    out = {}
    for name in module_names:
        m = importlib.import_module(name)
        for attr in sorted(dir(m)):
            f = getattr(m, attr)
            if type(f).__name__ == "builtin_function_or_method":
                try:
                    sig = str(inspect.signature(f))
                except ValueError as e:
                    sig = "no signature: " + type(e).__name__
                out["%s.%s" % (name, attr)] = [
                    type(f).__name__, f.__name__, f.__qualname__, f.__doc__, f.__text_signature__,
                    f.__self__ is m, f.__module__, sig, pickle.loads(pickle.dumps(f)) is f, repr(f)]
            elif isinstance(f, type):
                for mname, meth in sorted(vars(f).items()):
                    if type(meth).__name__ == "method_descriptor":
                        try:
                            sig = str(inspect.signature(meth))
                        except ValueError as e:
                            sig = "no signature: " + type(e).__name__
                        out["%s.%s.%s" % (name, attr, mname)] = [
                            type(meth).__name__, meth.__name__, meth.__qualname__, meth.__doc__,
                            meth.__text_signature__, meth.__objclass__ is f, sig, repr(meth)[:40]]
    return out


class VisibleBehaviourTest(unittest.TestCase):
    def test_same_with_and_without_thunks(self):
        script = ("import sys, json; sys.path[:0] = %r; import hpyshim; "
                  "from tests.python.test_native_paths import visible; "
                  "print(json.dumps(visible(['simple', 'point', 'solver'])))"
                  % [support.REPO_DIR, support.samples_dir()])
        results = []
        for thunks in ("1", "0"):
            proc = support.run_python(["-c", script], env={"HPYSHIM_THUNKS": thunks},
                                      cwd=support.REPO_DIR)
            self.assertEqual(proc.returncode, 0, support.describe(proc))
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        with_thunks, without = results
        self.assertEqual(with_thunks, without)
        f = with_thunks["solver.total_violation"]
        self.assertEqual(f[:3], ["builtin_function_or_method", "total_violation", "total_violation"])
        self.assertEqual(f[4:9], ["($module, constraints, /)", True, "solver", "(constraints, /)", True])
        m = with_thunks["solver.Variable.setValue"]
        self.assertEqual(m[:3], ["method_descriptor", "setValue", "Variable.setValue"])
        self.assertEqual(m[4:7], ["($self, value, /)", True, "(self, value, /)"])
        self.assertEqual(with_thunks["simple.hello"][3], "Return a greeting string.")


# Run in a fresh interpreter: each round loads `point` again and uses every function of its types,
# then lets the types die, which gives their thunks back for reuse; the next round's types get those
# thunks, most for a function of another shape (the free list hands them back in reverse order).
REUSE_SCRIPT = r"""
import gc, sys
import hpyshim
path, mode = sys.argv[1:3]
for _ in range(4):
    m = hpyshim.load("point", path, mode=mode)
    p = m.Point(1.0, 2.0)
    q = p.scale(3.0) + m.Point(0.5, 0.5)
    p.xy = (1.0, 2.0)
    print("ROUND", repr(p), q.as_tuple(), p.dot(q), p.xy, p == m.Point(1.0, 2.0), m.Box(7).get(), m.Box().value)
    del m, p, q
    gc.collect()
"""


# The machine's own answer, independent of the runtime: does code rewritten through the writable
# view of memory mapped twice run? (Not under qemu-user; see native/thunks/thunks.c, rewrites_seen.)
REWRITE_PROBE = r"""
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "thunks/thunk_code.h"

int rewrites_seen(void)
{
    int fd = (int)syscall(SYS_memfd_create, "probe", 1u), seen = 1;
    if (fd < 0 || ftruncate(fd, 65536) != 0)
        return -1;
    unsigned char *rw = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *rx = mmap(NULL, 65536, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (rw == MAP_FAILED || rx == MAP_FAILED)
        return -1;
    for (uint16_t value = 7; value <= 8; value++) {
        thunk_encode_constant(rw, value);
        __builtin___clear_cache((char *)rx, (char *)rx + THUNK_SIZE);
        if (((uintptr_t (*)(void))(void *)rx)() != value)
            seen = 0;
    }
    munmap(rw, 65536);
    munmap(rx, 65536);
    return seen;
}
"""


def rewrites_through_second_mapping_seen(testcase):
    lib = support.compile_shared(REWRITE_PROBE, os.path.join(support.make_temp_dir(testcase), "probe.so"),
                                 ["-I" + os.path.join(support.REPO_DIR, "native")])
    return ctypes.CDLL(lib).rewrites_seen() == 1


class ThunkReuseTest(unittest.TestCase):
    """A thunk rewritten for another function runs the new code. Where a processor (an emulator:
    qemu-user runs stale code after a rewrite through the second mapping) does not see a rewrite
    through the writable view of dual-mapped memory, the runtime must not use that memory."""

    def test_rewritten_thunks_run_their_new_function(self):
        proc = support.run_python(["-c", REUSE_SCRIPT, support.sample("point"), support.MODE],
                                  cwd=support.REPO_DIR)
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        rounds = [l for l in proc.stdout.splitlines() if l.startswith("ROUND ")]
        self.assertEqual(rounds, ["ROUND Point(1.0, 2.0) (3.5, 6.5) 16.5 (1.0, 2.0) True 7 0"] * 4,
                         support.describe(proc))


# Run in a fresh interpreter: the parent loads a module after forking, the child another one, both
# adding thunks at the same place in their thunk memory. Were that memory still shared after the
# fork (it is mapped twice, writable and executable, where the system allows), the child's thunks
# would replace the parent's and the parent's calls would run the child's code.
CHAIN = r"""
#include <stdio.h>
#include "hpy.h"
/* LEVELS HPy types, each derived from the one before, each with a field (HPy_tp_traverse) and an
   HPy_tp_destroy that notes its level and whether that field was already cleared. */
#define LEVELS 11
typedef struct { HPyField f[LEVELS]; long level_of[LEVELS]; } Data;
static char log_[256];
static int logged;

/* every level's data starts at the object's data (pure types of shape Object): level n's own
   field is field n of one array, after those of its bases */
static int traverse_at(void *self, HPyFunc_visitproc visit, void *arg, int level)
{
    HPy_VISIT(&((HPyField *)self)[level]);
    return 0;
}
static void destroy_at(void *self, int level)
{
    /* every level's field is cleared before any destroy runs; a field's handle is its
       PyObject*, 0 once the runtime cleared it */
    int cleared = 1;
    for (int i = 0; i <= level; i++)
        cleared &= ((HPyField *)self)[i]._i == 0;
    if (logged < 250)
        logged += snprintf(log_ + logged, sizeof log_ - logged, "%d%c ", level, cleared ? 'c' : 'x');
}
#define LEVEL(n)                                                                                 \
    HPyDef_SLOT(traverse##n, HPy_tp_traverse)                                                    \
    static int traverse##n##_impl(void *self, HPyFunc_visitproc visit, void *arg)                \
    { return traverse_at(self, visit, arg, n); }                                                 \
    HPyDef_SLOT(destroy##n, HPy_tp_destroy)                                                      \
    static void destroy##n##_impl(void *self) { destroy_at(self, n); }                           \
    static HPyDef *defines##n[] = { &traverse##n, &destroy##n, NULL };                           \
    static HPyType_Spec spec##n = { .name = "chain.T" #n, .basicsize = (n + 1) * sizeof(HPyField), \
        .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE | HPy_TPFLAGS_HAVE_GC,               \
        .builtin_shape = HPyType_BuiltinShape_Object, .defines = defines##n };
LEVEL(0) LEVEL(1) LEVEL(2) LEVEL(3) LEVEL(4) LEVEL(5) LEVEL(6) LEVEL(7) LEVEL(8) LEVEL(9) LEVEL(10)
static HPyType_Spec *specs[LEVELS] = { &spec0, &spec1, &spec2, &spec3, &spec4, &spec5, &spec6,
                                       &spec7, &spec8, &spec9, &spec10 };

HPyDef_METH(make_types, "make_types", HPyFunc_NOARGS)
static HPy make_types_impl(HPyContext *ctx, HPy self)
{
    HPyTupleBuilder tb = HPyTupleBuilder_New(ctx, LEVELS);
    HPy base = HPy_NULL;
    for (int i = 0; i < LEVELS; i++) {
        HPyType_SpecParam params[] = { { HPyType_SpecParam_Base, base }, { (HPyType_SpecParam_Kind)0 } };
        HPy t = HPyType_FromSpec(ctx, specs[i], i == 0 ? NULL : params);
        if (!HPy_IsNull(base))
            HPy_Close(ctx, base);
        if (HPy_IsNull(t)) {
            HPyTupleBuilder_Cancel(ctx, tb);
            return HPy_NULL;
        }
        HPyTupleBuilder_Set(ctx, tb, i, t);
        base = t;   /* closed after the next level is made from it */
    }
    HPy_Close(ctx, base);
    return HPyTupleBuilder_Build(ctx, tb);
}

/* make(type, depth): an object of that type (depth levels) whose every level's field holds None */
HPyDef_METH(make, "make", HPyFunc_VARARGS)
static HPy make_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPyField *fields;
    long depth = HPyLong_AsLong(ctx, args[1]);
    HPy h = HPy_New(ctx, args[0], &fields);
    if (HPy_IsNull(h))
        return h;
    for (long i = 0; i < depth; i++)
        HPyField_Store(ctx, h, &fields[i], ctx->h_None);
    return h;
}

HPyDef_METH(take_log, "take_log", HPyFunc_NOARGS)
static HPy take_log_impl(HPyContext *ctx, HPy self)
{
    HPy r = HPyUnicode_FromString(ctx, log_);
    logged = 0;
    log_[0] = 0;
    return r;
}

static HPyDef *defines[] = { &make_types, &make, &take_log, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(chain, moduledef)
"""


class TypeChainTest(unittest.TestCase):
    """Deallocation walks the chain of HPy types once (no lookup per object that could be per
    type): every level's fields are cleared, then every level's destroy runs once, the most
    derived first, on hierarchies shorter and longer than the runtime notes in one walk."""

    def test_every_level_cleared_then_destroyed_once(self):
        from hpyshim import build
        support.compiler()
        tmp = support.make_temp_dir(self)
        src = os.path.join(tmp, "chain.c")
        with open(src, "w") as f:
            f.write(CHAIN)
        m = hpyshim.load("chain", build.build_extension("chain", [src], outdir=tmp), mode=support.MODE)
        types = m.make_types()
        m.take_log()
        for depth in (1, 2, 8, 9, 11):
            with self.subTest(depth=depth):
                obj = m.make(types[depth - 1], depth)
                del obj
                gc.collect()
                expected = " ".join("%dc" % level for level in reversed(range(depth))) + " "
                self.assertEqual(m.take_log(), expected)


FORK_SCRIPT = r"""
import os, shutil, sys
import hpyshim
simple_file, point_file, tmp, mode = sys.argv[1:5]
def copy(src, name):
    dst = os.path.join(tmp, name)
    shutil.copy(src, dst)
    return dst
def calls(m):
    return [m.hello(), m.add_ints(2, 3), m.double(21), m.greet("fork"), m.make_tuple(1, 2, 3)]
first = hpyshim.load("simple", copy(simple_file, "a_simple.hpy0.so"), mode=mode)
expected = calls(first)
to_child, from_parent = os.pipe()
to_parent, from_child = os.pipe()
pid = os.fork()
if pid == 0:
    os.read(to_child, 1)
    try:
        point = hpyshim.load("point", copy(point_file, "c_point.hpy0.so"), mode=mode)
        ok = (point.Point(1.0, 2.0).as_tuple() == (1.0, 2.0)
              and repr(point.Point(1.0, 2.0) + point.Point(2.0, 3.0)) == "Point(3.0, 5.0)"
              and calls(first) == expected)
    except BaseException as e:
        sys.stderr.write("child: %r\n" % (e,))
        ok = False
    os.write(from_child, b"1" if ok else b"0")
    os._exit(0)
second = hpyshim.load("simple", copy(simple_file, "b_simple.hpy0.so"), mode=mode)
os.write(from_parent, b"x")
child_ok = os.read(to_parent, 1) == b"1"
os.waitpid(pid, 0)
print("child", child_ok)
print("parent", calls(second) == expected and calls(first) == expected)
"""


class ForkTest(unittest.TestCase):
    def run_fork_script(self, env=None):
        tmp = support.make_temp_dir(self)
        proc = support.run_python(["-c", FORK_SCRIPT, support.sample("simple"), support.sample("point"),
                                   tmp, support.MODE], env=env, cwd=support.REPO_DIR)
        self.assertEqual(proc.returncode, 0, support.describe(proc))
        self.assertEqual(proc.stdout.split(), ["child", "True", "parent", "True"], support.describe(proc))

    def test_parent_and_child_keep_their_own_code(self):
        self.run_fork_script()

    def test_without_dual_mapped_memory(self):
        # Systems that refuse executable shared memory: thunks are written by changing a page's
        # protection (the path HPYSHIM_TEST_THUNK_PAGES=1 forces), and still work across fork.
        self.run_fork_script({"HPYSHIM_TEST_THUNK_PAGES": "1"})
        script = ("import sys; sys.path[:0] = %r; import hpyshim, simple, point; "
                  "from tests.python.test_native_paths import function_entry, file_of; "
                  "assert simple.add_ints(2, 3) == 5 and point.Point(1.0, 2.0).as_tuple() == (1.0, 2.0); "
                  "print(file_of(function_entry(simple.hello)), "
                  "'memfd:hpyshim-thunks' in open('/proc/self/maps').read())"
                  % [support.REPO_DIR, support.samples_dir()])
        seen = {}
        for pages in ("1", "0"):
            proc = support.run_python(["-c", script], env={"HPYSHIM_TEST_THUNK_PAGES": pages},
                                      cwd=support.REPO_DIR)
            self.assertEqual(proc.returncode, 0, support.describe(proc))
            seen[pages] = proc.stdout.split()[-2:]
        if THUNKS_EXPECTED:
            # thunks either way; the dual-mapped memory only without the switch, and only where
            # code rewritten through it runs
            dual = rewrites_through_second_mapping_seen(self)
            self.assertEqual(seen, {"1": ["None", "False"], "0": ["None", "True" if dual else "False"]})


if __name__ == "__main__":
    unittest.main()
