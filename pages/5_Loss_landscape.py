"""The loss landscape: the cost as a surface over the weights, and how the learning rate walks on it."""

import numpy as np
import streamlit as st

from perceptron.engine.costs import get_cost
from perceptron.engine.training import train
from perceptron.views import figures, scenes
from perceptron.web.controls import LOSS_LABELS
from perceptron.web.draw import show
from perceptron.web.frame import finish, page, stop

lab = page(
    "Loss landscape",
    "The cost is a function of the weights. Over $(w_1, w_2)$, with the bias held at its current value, "
    "it is a landscape, and gradient descent walks downhill on it, one step per epoch.",
    key="landscape",
)
X, y, *_ = lab.design()
if y.size == 0 or lab.settings.mode == "rosenblatt":
    stop(lab, "This page needs training points and a gradient-descent mode (not Rosenblatt's rule).")

st.subheader("Your run so far")
h = lab.history
show(scenes.landscape(lab, {f"descent, α = {lab.settings.lr:g}": h.w[: lab.epoch + 1]}), key="ls_run")

st.subheader("Three learning rates from the same start")
cols = st.columns(4)
rates = [cols[j].number_input(label, min_value=1e-4, max_value=1000.0, value=v, format="%.4g", key=f"ls_lr{j}")
         for j, (label, v) in enumerate([("Too small", 0.05), ("Good", 1.0), ("Too large", 40.0)])]
epochs = cols[3].number_input("Epochs", 5, 500, 60, key="ls_epochs")
w0, b0 = lab.initial_params()
runs = {f"α = {a:g}": train(X, y, w0, b0, lr=a, epochs=epochs, loss=lab.settings.loss) for a in rates}
left, right = st.columns(2)
with left:
    show(figures.curves_figure({k: r.cost for k, r in runs.items()}, "Cost per epoch"), key="ls_curves")
with right:
    show(scenes.landscape(lab, {k: r.w for k, r in runs.items()}), key="ls_paths")
st.caption("Too small: it barely moves. Good: it slides to the valley. Too large: it overshoots and bounces "
           "from one wall to the other, or flies off to where the sigmoid is flat.")
for k, r in runs.items():
    if r.stopped:
        st.warning(f"{k}: {r.message}")

st.subheader("Mean squared error against cross-entropy")
st.markdown(
    "With MSE, ∂C/∂z carries the factor σ'(z), which is almost 0 in the sigmoid's flat tails: a sample that "
    "is confidently **wrong** learns very slowly. Cross-entropy's ∂C/∂z = ŷ − y has no such factor."
)
both = {name: train(X, y, w0, b0, lr=lab.settings.lr, epochs=epochs, loss=name) for name in ("mse", "bce")}
c1, c2 = st.columns(2)
with c1:
    show(figures.curves_figure({f"{LOSS_LABELS[k]}: misclassified fraction": 1 - r.accuracy
                                   for k, r in both.items()}, "Errors per epoch, same start, same α",
                                  ytitle="misclassified fraction"), key="ls_cmp")
with c2:
    zs = np.linspace(-8, 8, 161)
    ones = np.ones_like(zs)
    slopes = {f"{LOSS_LABELS[k]}": np.abs(get_cost(k).dL_dz(ones, zs)) for k in ("mse", "bce")}
    fig = figures.curves_figure(slopes, "|∂L/∂z| for a sample of class 1, against its z", ytitle="|∂L/∂z|")
    fig.update_traces(x=zs.round(3).tolist())
    fig.update_xaxes(title="z (negative: confidently wrong)")
    show(fig, key="ls_slopes")
finish(lab)
