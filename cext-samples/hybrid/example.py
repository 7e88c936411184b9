# Run with the launcher: python -m hpyshim run cext-samples/hybrid/example.py
import hybrid

print(hybrid.legacy_repr([1, "a"]))   # [1, 'a']
print(hybrid.legacy_add(2, 3))        # 5
c = hybrid.Counter()
c.increment()
c.increment()
print(c.get())                        # 2
