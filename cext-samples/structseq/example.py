# Usage of the `structseq` sample. Assumes `import hpyshim` already ran, so HPy
# extensions are importable like any other module.
import structseq

s = structseq.stats(3, 9, 4)
print(s.count, s.total, s[2])               # 3 16 9
print(tuple(s), len(s), isinstance(s, tuple))   # (3, 16, 9) 3 True
print(structseq.Stats.__name__, structseq.Stats.__module__)   # Stats structseq
print(structseq.Stats.count.__doc__)        # number of values
print(structseq.Stats.n_fields)             # 3
print(structseq.Deep.__module__)            # pkg.sub
print(structseq.make(structseq.Deep, 1, 2).b)   # 2
try:
    structseq.make(structseq.Deep, 1)
except TypeError as e:
    print("TypeError:", e)                  # expected exactly 2 arguments but got 1
try:
    structseq.make(str, 1)
except TypeError as e:
    print("TypeError:", e)                  # type 'str' does not look like a struct sequence type
