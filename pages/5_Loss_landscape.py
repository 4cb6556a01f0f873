"""The loss landscape: the cost as a surface over the weights, and how the learning rate walks on it."""

import streamlit as st

from perceptron.session import rates as rate_choice
from perceptron.views import alt, latex, scenes
from perceptron.views.geometry import linearly_separable
from perceptron.web import memo
from perceptron.web.controls import LOSS_LABELS
from perceptron.web.draw import show
from perceptron.web.frame import finish, page, stop
from perceptron.web.panels import numbers, shown

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
compared = memo.rate_runs(X, y, w0, b0, lab.settings.loss, tuple(lab.features.names), tuple(rates), int(epochs))
left, right = st.columns(2)
with left:
    shown(compared.curves, "ls_curves")
with right:
    shown(compared.paths, "ls_paths")  # this slice holds the start's b
st.markdown("\n".join(f"- {v}" for v in compared.verdicts))  # from what each run did
separable = X.shape[1] == 2 and linearly_separable(X, y)
st.caption(scenes.overshoot_note(found, separable, rate_choice.GRID, search))
for message in compared.stopped:
    st.warning(message)

st.subheader("Mean squared error against cross-entropy")
st.markdown(
    "With MSE, ∂C/∂z carries the factor σ'(z), which is almost 0 in the sigmoid's flat tails: a sample that "
    "is confidently **wrong** learns very slowly. Cross-entropy's ∂Lᵢ/∂zᵢ = ŷᵢ − yᵢ has no such factor "
    "(with the mean's 1/n: ∂C/∂zᵢ = (ŷᵢ − yᵢ)/n)."
)
labels = (LOSS_LABELS["mse"], LOSS_LABELS["bce"])
c1, c2 = st.columns(2)
with c1:
    shown(memo.cost_runs(X, y, w0, b0, float(lab.settings.lr), int(epochs), labels), "ls_cmp")
with c2:
    shown(memo.slopes(labels), "ls_slopes")

with st.expander("Convex or not: MSE with a sigmoid bends the wrong way, cross-entropy never does"):
    w_now, _ = lab.params()
    bent = memo.bent_line(X, y, w_now, b_now, int(lab.epoch))  # one line through the weights on screen
    shown(bent.shown, "ls_convex")
    for kind, item in bent.items:
        if kind == "latex":
            st.latex(latex.stacked(item))
        else:
            st.markdown(item)
finish(lab)
