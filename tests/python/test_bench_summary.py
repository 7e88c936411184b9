"""docs/performance.md's tables are written by the benchmark (bench/summary.py --docs, the last step
of `./build.sh bench --all`) from the figures it keeps in docs/performance.json: a table typed or
edited by hand, or data changed without its tables, fails here."""

import copy
import importlib.util
import json
import os
import unittest

try:
    from . import support
except ImportError:  # run with tests/python itself as the top-level directory
    import support

_spec = importlib.util.spec_from_file_location("bench_summary", os.path.join(support.REPO_DIR, "bench", "summary.py"))
summary = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(summary)


class DocsTablesTest(unittest.TestCase):
    def setUp(self):
        with open(summary.DOCS_DATA) as f:
            self.data = json.load(f)
        with open(summary.DOCS) as f:
            self.docs = f.read()

    def test_the_tables_are_what_the_data_renders_to(self):
        self.assertTrue(summary.docs_are_fresh(),
                        "docs/performance.md's tables differ from docs/performance.json: run "
                        "./build.sh bench --all (or python bench/summary.py --docs after the runs)")

    def test_the_block_holds_every_table(self):
        block = self.docs[self.docs.index(summary.BEGIN):self.docs.index(summary.END)]
        for row in ("| noargs |", "| build |", "| methods |", "| hpyshim |"):
            self.assertIn(row, block)

    def test_a_changed_figure_shows(self):
        changed = copy.deepcopy(self.data)
        case = changed["microbenchmarks"]["ir_per_op"]["noargs"]
        case["universal"] = case["universal"] + 1000
        self.assertNotEqual(summary.docs_with(self.docs, changed), self.docs)


if __name__ == "__main__":
    unittest.main()
