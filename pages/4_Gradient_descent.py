"""Gradient descent: step, play and rewind, and watch the boundary, the sigmoid and the cost move together."""

import streamlit as st

from perceptron.session.settings import MODES, PLAY_STRIDES
from perceptron.text import teaching
from perceptron.views import alt, bounds, generalize, latex, scenes
from perceptron.views.geometry import linearly_separable
from perceptron.web import keys
from perceptron.web.controls import notice, setting, stop_rules, training
from perceptron.web.frame import finish, page, stop, sync_link
from perceptron.web.playback import PLAY_FPS, Stepper, stepper

lab = page(
    "Gradient descent",
    lambda run: teaching.descent_intro(run.settings.mode),  # Rosenblatt's rule is not gradient descent
    key="descent",
)
# the figure, its frames while playing (one every `stride` epochs), and the next Step's frame
STEPPER = Stepper(keys.DESCENT, spec=scenes.descent_spec, ahead=scenes.descent_preview, frames=scenes.descent_frames,
                  alt=lambda run, k: alt.descent_alt(*run.design()[:2], run.history, run.epoch if k is None else k,
                                                     measure=run.measure, n_test=run.points.test_y.size))

# the learning rate, the cost and the update mode beside Step, where a phone shows them with the figure; the rest
# in the sidebar
with st.container(horizontal=True, vertical_alignment="bottom", key="training_row"):
    changes = training(lab, MODES)
with st.sidebar:
    st.markdown("**More training settings**")
    changes["init"] = setting(st.radio, "Initial weights", "init", lab, options=["random", "zeros", "manual"],
                              horizontal=True)
    if changes["init"] == "random":
        changes["init_seed"] = setting(st.number_input, "Weight seed", "init_seed", lab, min_value=0)
    elif changes["init"] == "manual":
        for name in ("w1", "w2", "b"):
            changes[name] = setting(st.number_input, name, name, lab, step=0.1, format="%.4g")
    changes["stride"] = setting(st.select_slider, "Play: epochs per frame", "stride", lab, options=PLAY_STRIDES,
                                help=f"How many epochs each frame of Play moves on (the figure is drawn up to {PLAY_FPS} times a second).")
    with st.expander("Stop rules"):  # only those the chosen mode has: Rosenblatt's rule has no cost or gradient
        changes |= stop_rules(lab, changes["mode"])
    lab.update(**changes)

if lab.n_train == 0:
    stop(lab, "There are no training points yet. Build a dataset on the **Dataset** page first.")

if note := scenes.separability_note(lab):
    st.warning(note)
    if "hidden" not in lab.settings.hide:
        st.page_link("pages/6_Hidden_layer.py", label="See what a hidden layer does with these points",
                     icon=":material/hub:")


@st.fragment
def views():
    """Everything that changes on a Step: it reruns alone, not the whole page."""
    if stepper(lab, STEPPER):
        return
    k = lab.epoch
    notice(lab)
    if (lines := scenes.last_update(lab)) is not None:
        st.markdown(f"**The last update** (epoch {k - 1} → {k}):")
        st.latex(r"\begin{gathered} " + r" \\[6pt] ".join(map(latex.stacked, lines)) + r" \end{gathered}")  # one render
    elif k > 0:
        st.caption("In mini-batch, single-sample and Rosenblatt modes one epoch makes many small updates.")
    row = st.container(horizontal=True, vertical_alignment="center")
    table = row.toggle("Show every number in the figures as a table", key="gd_table")
    row.download_button("Per-epoch history (CSV)", lambda: scenes.history_table(lab).to_csv(index=False),
                        "neuron_lab_history.csv", "text/csv", key="gd_history_csv", icon=":material/download:")
    if table:
        st.dataframe(scenes.history_table(lab), width="stretch", height=260)
    sync_link(lab)


views()

if lab.mode.step:  # below the chart's fragment: a Step reruns that alone, so the epoch is named
    with st.expander("Will Rosenblatt's rule stop? The perceptron convergence theorem"):
        X, y, *_ = lab.design()
        w0, b0 = lab.params(0)
        st.caption(f"At epoch {lab.epoch}, the epoch on screen when this page last ran in full.")
        for kind, item in bounds.mistakes(X, y, w0, b0, lab.settings.lr, lab.history.grad_norm, lab.epoch,
                                          linearly_separable(X, y) if X.shape[1] == 2 else None):
            if kind == "latex":
                st.latex(latex.stacked(item))
            else:
                st.markdown(item)
        st.button("Recompute at the epoch on screen", key="gd_bound_update", icon=":material/refresh:")

if lab.points.test_y.size and lab.history.test_cost is not None:  # below the chart's fragment, as above
    with st.expander("Train against test: overfitting and early stopping"):
        st.caption(f"At epoch {lab.epoch}, the epoch on screen when this page last ran in full.")
        st.markdown(generalize.early_stopping(lab.history.test_cost, lab.history.cost, lab.epoch, lab.measure,
                                              int(lab.points.test_y.size)))
        st.markdown("The training cost measures how well the neuron fits the points it learns from; the held-out "
                    "points, never used for an update, measure how well it does on new ones. With few points and "
                    "many feature maps the two part: see [this example, few points, five feature maps, 1,000 epochs]"
                    f"({generalize.example_link()}), where the test cost rises while the training cost keeps falling.")
        st.button("Recompute at the epoch on screen", key="gd_test_update", icon=":material/refresh:")
finish(lab)
