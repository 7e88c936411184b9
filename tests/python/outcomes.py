"""`python -m tests.python.outcomes FILE ARGS...` runs what `python -m unittest ARGS...` runs, as it
does (same output, same exit status), and also writes each test's outcome to FILE as JSON:
{test id: "ok" | "skipped: REASON" | "FAIL" | "ERROR" | "expected failure" | "unexpected success"}
(a failing subtest under the subtest's id). Shim.Tests/CrossTargetTests.cs compares these files
between a cross-built target run under qemu and this machine, test by test."""

import json
import sys
import unittest


class RecordingResult(unittest.TextTestResult):
    outcomes = {}

    def _record(self, test, outcome):
        RecordingResult.outcomes[test.id()] = outcome

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "FAIL")

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "ERROR")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped: " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(subtest, "FAIL" if issubclass(err[0], test.failureException) else "ERROR")


class RecordingRunner(unittest.TextTestRunner):
    resultclass = RecordingResult


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = unittest.main(module=None, argv=["python -m unittest"] + argv[1:], exit=False,
                            testRunner=RecordingRunner)
    with open(argv[0], "w") as f:
        json.dump(RecordingResult.outcomes, f, indent=1, sort_keys=True)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
