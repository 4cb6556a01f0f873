"""The loss landscape: the cost as a surface over the weights, and how the learning rate walks on it."""

import numpy as np
import streamlit as st

from perceptron.engine.costs import get_cost
from perceptron.engine.training import train
from perceptron.session import rates as rate_choice
from perceptron.views import alt, convexity, figures, latex, scenes
from perceptron.views.geometry import linearly_separable
from perceptron.web import memo
from perceptron.web.controls import LOSS_LABELS
from perceptron.web.draw import show
from perceptron.web.frame import finish, page, stop
from perceptron.web.panels import numbers

lab = page(
    "Loss landscape",
    "The cost is a function of all the weights and the bias. To draw it we take a **slice**: $w_1$ and $w_2$ "
    "vary, every other weight (those of feature maps) and $b$ stay at the values named above each plot. "
    "Gradient descent walks downhill in the whole space, one step per epoch; a path drawn on a slice is its "
    "shadow there, so its points carry their own true costs (hover over them).",
    key="landscape",
)
X, y, *_ = lab.design()
if y.size == 0 or not lab.mode.gradient:
    stop(lab, "This page needs training points and a gradient-descent mode (not Rosenblatt's rule).")

st.subheader("Your run so far")
h = lab.history
b_now = lab.params()[1]  # the landscapes hold b at the value on screen
label, e = f"descent, α = {lab.settings.lr:g}", lab.epoch + 1
path, costs = {label: h.w[:e]}, {label: h.cost[:e]}
fig = scenes.landscape(lab, {label: (h.w[:e], h.b[:e], h.cost[:e])})  # a slice through the weights on screen
show(fig, key="ls_run", alt=alt.landscape_alt(fig, path, b_now, costs))
if e > scenes.PATH_POINTS:  # a long run: the plot and its table show evenly spaced epochs, the first and last among them
    st.caption(f"The path is drawn at {scenes.PATH_POINTS} of its {e:,} epochs, evenly spaced (hover for each one's epoch).")
numbers(scenes.path_table(path, costs), "your run's path", hide_index=True)

st.subheader("Three learning rates from the same start")
cols = st.columns(4)
w0, b0 = lab.initial_params()
# each epoch of these five runs passes over every training point: fewer epochs where there are many
first, most = scenes.compare_epochs(y.size)
# the rates come from the data: run 3 is the smallest that overshoots on these points from this start
search = scenes.search_epochs(y.size)
found = memo.overshoot(X, y, w0, b0, lab.settings.loss, search)
defaults = rate_choice.compare(found)
for j, v in enumerate(defaults):
    if st.session_state.get("ls_defaults") != defaults or f"ls_lr{j}" not in st.session_state:
        st.session_state[f"ls_lr{j}"] = v
st.session_state["ls_defaults"] = defaults
rates = [cols[j].number_input(f"α, run {j + 1}", min_value=1e-4, max_value=1000.0, format="%.4g", key=f"ls_lr{j}")
         for j in range(3)]
if st.session_state.get("ls_epochs", first) > most:
    st.session_state["ls_epochs"] = most
epochs = cols[3].number_input("Epochs", 5, most, first, key="ls_epochs",
                              help=f"At most {most} with {y.size:,} training points (every epoch passes over all of them).")
if first < scenes.COMPARE_EPOCHS and epochs == first:
    st.caption(f"{first} epochs with {y.size:,} training points (60 with fewer points): more in the Epochs field, "
               f"up to {most}.")
runs = {f"α = {a:g}": train(X, y, w0, b0, lr=a, epochs=epochs, loss=lab.settings.loss) for a in rates}
left, right = st.columns(2)
with left:
    curves = {k: r.cost for k, r in runs.items()}
    show(figures.curves_figure(curves, "Cost per epoch"), key="ls_curves", alt=alt.curves_alt(curves, "Cost per epoch"))
    numbers(alt.curves_table(curves), "the cost curves", hide_index=True)
with right:
    paths, costs = {k: r.w for k, r in runs.items()}, {k: r.cost for k, r in runs.items()}
    fig = scenes.landscape(lab, {k: (r.w, r.b, r.cost) for k, r in runs.items()}, at=(w0, b0),
                           where="the starting weights")
    show(fig, key="ls_paths", alt=alt.landscape_alt(fig, paths, b0, costs))  # this slice holds the start's b
    numbers(scenes.path_table(paths, costs), "the three paths", hide_index=True)
turned = {k: rate_choice.turns(r) for k, r in runs.items()}
st.markdown("\n".join(f"- {v}" for v in scenes.rate_verdicts(runs, turned)))  # from what each run did
separable = X.shape[1] == 2 and linearly_separable(X, y)
st.caption(scenes.overshoot_note(found, separable, rate_choice.GRID, search))
for k, r in runs.items():
    if r.stopped:
        st.warning(f"{k}: {r.message}")

st.subheader("Mean squared error against cross-entropy")
st.markdown(
    "With MSE, ∂C/∂z carries the factor σ'(z), which is almost 0 in the sigmoid's flat tails: a sample that "
    "is confidently **wrong** learns very slowly. Cross-entropy's ∂Lᵢ/∂zᵢ = ŷᵢ − yᵢ has no such factor "
    "(with the mean's 1/n: ∂C/∂zᵢ = (ŷᵢ − yᵢ)/n)."
)
both = {name: train(X, y, w0, b0, lr=lab.settings.lr, epochs=epochs, loss=name) for name in ("mse", "bce")}
c1, c2 = st.columns(2)
with c1:
    errors = {f"{LOSS_LABELS[k]}: misclassified fraction": 1 - r.accuracy for k, r in both.items()}
    title = "Errors per epoch, same start, same α"
    show(figures.curves_figure(errors, title, ytitle="misclassified fraction"), key="ls_cmp",
         alt=alt.curves_alt(errors, title))
    numbers(alt.curves_table(errors), "the error curves", hide_index=True)
with c2:
    zs = np.linspace(-8, 8, 161)
    ones = np.ones_like(zs)
    slopes = {f"{LOSS_LABELS[k]}": np.abs(get_cost(k).dL_dz(ones, zs)) for k in ("mse", "bce")}
    fig = figures.curves_figure(slopes, "|∂L/∂z| for a sample of class 1, against its z", ytitle="|∂L/∂z|")
    fig.update_traces(x=zs.round(3).tolist())
    fig.update_xaxes(title="z (negative: confidently wrong)")
    show(fig, key="ls_slopes", alt=alt.curves_alt(slopes, "|∂L/∂z| for a sample of class 1, against its z",
                                                   xname="z", x=zs))
    numbers(alt.curves_table(slopes, "z", zs), "the slopes", hide_index=True)

with st.expander("Convex or not: MSE with a sigmoid bends the wrong way, cross-entropy never does"):
    w_now, _ = lab.params()
    bent = convexity.bend(X, y, w_now, b_now, lab.epoch)  # one line through the weights on screen: 121 passes
    axis = convexity.prose_name(bent.name)
    along = {"MSE": bent.line.cost["mse"], "cross-entropy": bent.line.cost["bce"]}
    show(figures.line_costs_figure(bent.x, ("MSE", along["MSE"]), ("cross-entropy", along["cross-entropy"]), axis,
                                   f"Both costs along {axis}, everything else as on screen", bend=bent.stretch),
         key="ls_convex", alt=alt.curves_alt(along, f"Both costs along {axis}", xname=axis, x=bent.x))
    numbers(alt.curves_table({**along, "MSE's C″": bent.line.curve["mse"], "cross-entropy's C″": bent.line.curve["bce"]},
                             axis, bent.x), "the costs along the line", hide_index=True)
    for kind, item in bent.items:
        if kind == "latex":
            st.latex(latex.stacked(item))
        else:
            st.markdown(item)
finish(lab)
