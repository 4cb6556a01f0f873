"""An independent reference for the engine: scalar reverse-mode autodiff, micrograd-style.

It shares no code with `perceptron`: every value is a Python float, every operation
records its own local derivative, and `backward()` applies the chain rule.
"""

from __future__ import annotations

import math


class Value:
    def __init__(self, data, children=()):
        self.data = float(data)
        self.grad = 0.0
        self._children = children
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __pow__(self, k):
        out = Value(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1.0 / (1.0 + math.exp(-self.data))
        out = Value(s, (self,))

        def _backward():
            self.grad += s * (1.0 - s) * out.grad

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,))

        def _backward():
            self.grad += (1.0 / self.data) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for c in v._children:
                    visit(c)
                order.append(v)

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def reference_run(X, y, w, b, loss="mse"):
    """Cost, per-sample y_hat, dC/dy_hat, and the gradient, by scalar autodiff."""
    ws = [Value(v) for v in w]
    bv = Value(b)
    n = len(y)
    y_hats, terms = [], []
    for xi, yi in zip(X, y, strict=True):
        z = bv
        for xij, wj in zip(xi, ws, strict=True):
            z = z + wj * float(xij)
        y_hat = z.sigmoid()
        y_hats.append(y_hat)
        if loss == "mse":
            terms.append((float(yi) - y_hat) ** 2)
        else:
            terms.append(-(float(yi) * y_hat.log() + (1.0 - float(yi)) * (1.0 - y_hat).log()))
    cost = terms[0]
    for t in terms[1:]:
        cost = cost + t
    cost = cost * (1.0 / n)
    cost.backward()
    return {
        "cost": cost.data,
        "y_hat": [v.data for v in y_hats],
        "dC_dyhat": [v.grad for v in y_hats],
        "dw": [v.grad for v in ws],
        "db": bv.grad,
    }
