# Usage of the `point` sample. Assumes `import hpyshim` already ran, so HPy
# extensions are importable like any other module.
import point

p = point.Point(1.0, 2.0)
q = point.Point(y=4.0, x=3.0)
print(p)                    # Point(1.0, 2.0)
print(p.x, p.y, p.xy)       # 1.0 2.0 (1.0, 2.0)
p.x = 5.0
p.xy = (3, 4)
print(p.as_tuple(), p.norm) # (3.0, 4.0) 5.0
print(p.scale(2))           # Point(6.0, 8.0)
print(p.dot(q))             # 25.0
print(p + q)                # Point(6.0, 8.0)
print(p == point.Point(3, 4), p != q)   # True False
print(point.Point())        # Point(0.0, 0.0)
try:
    p.dot(42)
except TypeError as e:
    print("TypeError:", e)  # expected a Point
try:
    del p.xy
except TypeError as e:
    print("TypeError:", e)
print(point.Point.__doc__)  # A 2-D point

b = point.Box(7)
print(b.get(), b.value)     # 7 7
b.value = 9
print(point.Box().get(), b.get())   # 0 9
