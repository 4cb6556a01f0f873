r"""Neuron Lab's engine: the mathematics of one sigmoid neuron, in numpy.

>>> import numpy as np, perceptron
>>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
>>> hist = perceptron.train(X, y, np.zeros(2), 0.0, lr=1.0, epochs=50)
>>> bool(hist.cost[-1] < hist.cost[0])
True

The engine (neuron, costs, backprop, training, history, network), the datasets and the
session state import numpy only. The views need plotly and the web layer (``perceptron.web``)
needs streamlit; neither is imported here.
"""

from .engine.backprop import Ledger, chain_rule, cost_at, gradient_check, gradients, numerical_gradient
from .engine.costs import BCE, COSTS, MSE, Cost, get_cost
from .engine.neuron import accuracy, forward, predict, sigmoid, sigmoid_prime, step, weighted_sum
from .engine.training import History, rosenblatt, train

__all__ = [
    "BCE", "COSTS", "MSE", "Cost", "History", "Ledger", "accuracy", "chain_rule", "cost_at",
    "forward", "get_cost", "gradient_check", "gradients", "numerical_gradient", "predict",
    "rosenblatt", "sigmoid", "sigmoid_prime", "step", "train", "weighted_sum",
]
