import ConvEngine
print("todo")
