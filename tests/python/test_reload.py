"""Loading the same file again and again leaks nothing, and importlib.reload runs the module's
HPy_mod_exec slots again on the same module object.

Each check runs in a fresh interpreter, so that what earlier tests allocated does not count.
The managed heap of the runtime is capped at a small first generation there
(DOTNET_GCgen0size, hexadecimal), so that garbage not yet collected does not look like a leak.
"""

import gc
import json
import os
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

LOADS = 5000
# Bounds on the growth over LOADS loads after a warm-up. Before types and module definitions
# were freed, a load of `point` kept about 6 KB and 21 objects, one of `simple` about 1.2 KB.
MAX_RSS_GROWTH = 2 * 1024 * 1024
MAX_OBJECT_GROWTH = 200

_LEAK_CHILD = r"""
import gc, json, sys
import hpyshim
name, path, mode, loads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def rss():
    # in kB, whatever the page size (statm counts pages)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmRSS:"))

for _ in range(loads // 5):
    hpyshim.load(name, path, mode=mode)
gc.collect()
rss0, objects0 = rss(), len(gc.get_objects())
for _ in range(loads):
    m = hpyshim.load(name, path, mode=mode)
del m
gc.collect()
print("RESULT " + json.dumps({"rss": rss() - rss0, "objects": len(gc.get_objects()) - objects0}))
"""

_RELOAD_CHILD = r"""
import importlib, json, sys
import hpyshim
sys.path.insert(0, sys.argv[1])
import point
old_type = point.Point
old_instance = point.Point(1, 2)
point.Point = None        # the exec slot sets it again
reloaded = importlib.reload(point)
print("RESULT " + json.dumps({
    "same_module": reloaded is point,
    "new_type": point.Point is not None and point.Point is not old_type,
    "works": repr(point.Point(3, 4)),
    "old_instance": repr(old_instance),
}))
"""


def run_child(testcase, code, args, env=None):
    proc = support.run_python(["-c", code] + [str(a) for a in args], env=env)
    testcase.assertEqual(proc.returncode, 0, support.describe(proc))
    lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    testcase.assertEqual(len(lines), 1, support.describe(proc))
    return json.loads(lines[0][len("RESULT "):])


class RepeatedLoadTest(unittest.TestCase):
    def check(self, name, mode):
        res = run_child(self, _LEAK_CHILD, [name, support.sample(name), mode, LOADS],
                        env={"DOTNET_GCgen0size": "100000"})
        self.assertLess(res["objects"], MAX_OBJECT_GROWTH,
                        "%d loads of %s in %s mode left %d objects" % (LOADS, name, mode, res["objects"]))
        self.assertLess(res["rss"], MAX_RSS_GROWTH,
                        "%d loads of %s in %s mode grew the process by %d bytes"
                        % (LOADS, name, mode, res["rss"]))

    def test_simple(self):
        for mode in ("universal", "debug", "trace"):
            with self.subTest(mode=mode):
                self.check("simple", mode)

    def test_point_types_are_freed(self):
        for mode in ("universal", "debug", "trace"):
            with self.subTest(mode=mode):
                self.check("point", mode)


class ReloadTest(unittest.TestCase):
    def test_reload_runs_the_exec_slots_again(self):
        for mode in ("universal", "debug", "trace"):
            with self.subTest(mode=mode):
                res = run_child(self, _RELOAD_CHILD, [support.samples_dir()], env={"HPY": mode})
                self.assertEqual(res, {"same_module": True, "new_type": True, "works": "Point(3.0, 4.0)",
                                       "old_instance": "Point(1.0, 2.0)"})


DESTROYED = r"""
#include "hpy.h"
typedef struct { long magic; } ObjObject;
static long destroyed, wrong;

HPyDef_SLOT(Obj_new, HPy_tp_new)
static HPy Obj_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    ObjObject *o;
    HPy h = HPy_New(ctx, cls, &o);
    if (!HPy_IsNull(h))
        o->magic = 4242;
    return h;
}

HPyDef_SLOT(Obj_destroy, HPy_tp_destroy)
static void Obj_destroy_impl(void *obj)
{
    destroyed++;
    if (((ObjObject *)obj)->magic != 4242)
        wrong++;
}

static HPyDef *Obj_defines[] = { &Obj_new, &Obj_destroy, NULL };
static HPyType_Spec Obj_spec = { .name = "destroyed.Obj", .basicsize = sizeof(ObjObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE, .defines = Obj_defines };

HPyDef_METH(make_type, "make_type", HPyFunc_NOARGS)
static HPy make_type_impl(HPyContext *ctx, HPy self) { return HPyType_FromSpec(ctx, &Obj_spec, NULL); }

HPyDef_METH(counts, "counts", HPyFunc_NOARGS)
static HPy counts_impl(HPyContext *ctx, HPy self) { return HPy_BuildValue(ctx, "ll", destroyed, wrong); }

static HPyDef *defines[] = { &make_type, &counts, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(destroyed, moduledef)
"""


class DeadTypeTest(unittest.TestCase):
    """An HPy type that dies in one cycle collection with instances of a Python subclass (whose
    objects the collector sees refer to their type): the collector tells the registry before it
    frees the instances, which must still be destroyed as HPy objects."""

    def test_instances_collected_with_their_type_are_destroyed(self):
        from hpyshim import build
        import hpyshim
        support.compiler()
        tmp = support.make_temp_dir(self)
        src = os.path.join(tmp, "destroyed.c")
        with open(src, "w") as f:
            f.write(DESTROYED)
        m = hpyshim.load("destroyed", build.build_extension("destroyed", [src], outdir=tmp))
        for round in range(1, 4):
            class Sub(m.make_type()):
                pass
            Sub.me = Sub()      # type -> instance -> type: only the cycle collector frees them
            Sub.others = [Sub() for _ in range(3)]
            del Sub
            gc.collect()
            m.make_type()        # frees what the registry learnt is dead
            self.assertEqual(m.counts(), (4 * round, 0))


if __name__ == "__main__":
    unittest.main()
