"""The network and its maths: the spec, the cells, the model, the explicit unrolled loop, shapes,
memory budget, graph, initialisation, generated code, NumPy references."""
