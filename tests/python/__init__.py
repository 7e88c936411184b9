# A package so that `python -m unittest discover -s tests/python -t .` can import the tests.
