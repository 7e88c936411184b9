# Usage of the `simple` sample. Assumes `import hpyshim` already ran, so HPy
# extensions are importable like any other module.
import simple

print(simple.__doc__)
print(simple.hello())                       # hello from HPy
print(simple.double(21), simple.double("ab"))   # 42 abab
print(simple.add_ints(2, 3))                # 5
print(simple.greet("World"))                # Hello, World!
print(simple.greet("Ada", greeting="Hi"))   # Hi, Ada!
print(simple.divide(1, 4))                  # 0.25
try:
    simple.divide(1, 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)          # division by zero
try:
    simple.raise_value_error("bad value")
except ValueError as e:
    print("ValueError:", e)                 # bad value
print(simple.sum_list([1, 2, 3, 4]))        # 10
print(simple.make_list(5))                  # [0, 1, 2, 3, 4]
print(simple.make_tuple(1, "two", 3.0))     # (1, 'two', 3.0)
print(simple.make_dict("k", "v"))           # {'k': 'v'}
print(simple.call_with(max, (3, 9, 4), None))             # 9
print(simple.call_with(sorted, ([3, 1, 2],), {"reverse": True}))  # [3, 2, 1]
print(simple.call_method([1, 2], "index", 2))             # 1
print(simple.recall())                      # None
simple.remember({"x": 1})
print(simple.recall())                      # {'x': 1}
print(simple.is_none(None), simple.is_none(0))  # True False
print(simple.type_name(3.5))                # float
print(simple.tracker_demo(4))               # [0, 1, 2, 3]
print(simple.ANSWER)                        # 42
