"""Forward propagation: one sample goes through the neuron, with its real numbers."""

import numpy as np
import streamlit as st

from perceptron.text import teaching
from perceptron.text.worked import exact_z
from perceptron.views import alt, figures, latex, scenes
from perceptron.web.draw import clicked_point, show
from perceptron.web.frame import finish, page, stop
from perceptron.web.panels import lesson_asks

lab = page(
    "Forward propagation",
    lambda run: teaching.forward_intro(run.settings.mode),  # Rosenblatt's rule uses the step activation
    key="forward",
)
X, y, *_ = lab.design()
if y.size == 0:
    stop(lab, "There are no training points yet. Build a dataset on the **Dataset** page first.")
rows = scenes.train_index(lab)
names = [f"x_{{{j + 1}}}" for j in range(X.shape[1])]

top = st.columns([1, 2])
with top[0]:
    source = st.radio("Weights", ["model", "hand"], horizontal=True, key="fwd_source",
                      format_func={"model": f"From the model (epoch {lab.epoch})", "hand": "Try by hand"}.get)
    lab.sample = st.selectbox(
        "Sample", range(len(y)), index=min(lab.sample, len(y) - 1), key=f"fwd_sample_{lab.sample}",
        format_func=lambda i: f"#{i}: x = ({', '.join(f'{v:.3g}' for v in lab.dataset.X[rows[i]])}), y = {int(y[i])}",
    )
w, b = lab.params()
if source == "hand":
    with top[1]:
        cols = st.columns(len(w) + 1)
        w = np.array([cols[j].slider(f"w{j + 1}", -10.0, 10.0, float(np.clip(w[j], -10, 10)), 0.05, key=f"fwd_w{j}")
                      for j in range(len(w))])
        b = cols[-1].slider("b", -10.0, 10.0, float(np.clip(b, -10, 10)), 0.05, key="fwd_b")
i = lab.sample
z_i = exact_z(X[i], w, b)  # what the printed terms add up to (0, not the float sum's 2.776e-17 noise)
step = lab.mode.step  # Rosenblatt's rule: ŷ = step(z), not σ(z)
y_hat = float(z_i >= 0) if step else float(1 / (1 + np.exp(-np.clip(z_i, -700, 700))))
asked = lesson_asks("forward") is not None  # the lesson asks for ŷ's side of 0.5 first: held back until answered
steps, diagram = st.columns([3, 2])
with steps:
    st.markdown(f"**Sample #{i}**, true class y = {int(y[i])}" +
                (" (inputs standardized, as the neuron sees them)" if lab.settings.standardize else ""))
    # each worked line in its own box (fwd_sum, fwd_bias, fwd_act): the lesson's steps speak of one each
    # the sum's and z's digits, alike on every line and in the lesson, and the same before and after ŷ is revealed
    digits = latex.forward_digits(X[i], w, b, step=step)
    for caption, line, box in zip(["1 · Weighted sum", "2 · Add the bias",
                                   "3 · The step activation" if step else "3 · Squash with the sigmoid"],
                                  latex.forward_steps(X[i], w, b, names, step=step, hide=asked, digits=digits),
                                  ("fwd_sum", "fwd_bias", "fwd_act"), strict=True):
        with st.container(key=box):
            st.caption(caption)
            st.latex(latex.stacked(line))  # one relation per row: the result stays on a phone's screen
    if asked:
        st.caption("ŷ and the neuron's verdict appear here once you answer the lesson's question above.")
    else:  # computed from z, the equal case included
        kz = digits[1] or 4  # z as the worked line above printed it
        st.markdown(teaching.step_prediction(z_i, y[i], kz) if step else teaching.prediction(z_i, y_hat, y[i], kz))
    if lab.settings.standardize and lab.features.d == 2:  # w and b in centimetres, not only in σ's
        with st.expander("The same neuron in the data's own units", expanded=lab.dataset.source == "iris"):
            f = lab.features
            st.markdown(teaching.raw_units_intro(lab.dataset.feature_names, iris=lab.dataset.source == "iris"))
            for line in latex.raw_units_steps(lab.dataset.X[rows[i]], f.mean, f.std, w, b, z_i):
                st.latex(latex.stacked(line))
with diagram:
    inputs, shown = [f"x{j + 1}" for j in range(len(w))], None if asked else y_hat
    show(figures.neuron_diagram(w, b, inputs, X[i], z_i, shown, activation="step" if step else "σ"),
         alt=alt.neuron_alt(w, b, inputs, X[i], z_i, shown, step=step), key="fwd_diagram", height=260)
left, right = st.columns(2)
with left:
    arrows = scenes.weight_arrows(lab, w, b)
    event = show(scenes.plane(lab, w, b, highlight=rows[i], arrows=arrows,
                                 title=scenes.perpendicular_title(lab)),
                    key="fwd_plane", click=True,
                    alt=alt.plane_alt(X, y, w, b, chosen=(i, lab.dataset.X[rows[i]], y[i]), arrows=arrows))
    picked = clicked_point(event)
    if picked is not None and picked in rows and np.flatnonzero(rows == picked)[0] != i:
        lab.sample = int(np.flatnonzero(rows == picked)[0])
        st.rerun()
with right:
    chosen = None if asked else i
    show(scenes.activation(lab, X @ w + b, y, chosen=chosen), key="fwd_sigmoid", height=460,
         alt=alt.sigmoid_alt(X @ w + b, y, chosen=chosen, step=step))

if not asked:
    with st.expander("z and ŷ for every sample", expanded=False):
        st.dataframe(scenes.forward_table(lab, w, b), hide_index=True, width="stretch", height=300)
finish(lab)
