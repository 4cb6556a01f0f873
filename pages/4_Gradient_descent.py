"""Gradient descent: step, play and rewind, and watch the boundary, the sigmoid and the cost move together."""

import streamlit as st

from perceptron.engine.backprop import gradients
from perceptron.views import latex, scenes
from perceptron.web import ui

lab = ui.page(
    "Gradient descent",
    "Each **epoch** computes the gradient of the cost and moves every weight a step against it: "
    r"$w \leftarrow w - \alpha\,\partial C/\partial w$. Press **Step** and watch the three views change "
    "together: the boundary turns, the samples slide along the sigmoid, the cost falls.",
    key="descent",
)
s = lab.settings

with st.sidebar:
    st.markdown("**Training settings**")
    changes = dict(
        lr=ui.setting(st.number_input, "Learning rate α", "lr", lab, min_value=0.0, max_value=1000.0,
                      step=0.1, format="%.4g"),
        loss=ui.setting(st.radio, "Cost", "loss", lab, options=["mse", "bce"], horizontal=True,
                        format_func=ui.LOSS_LABELS.get),
        mode=ui.setting(st.selectbox, "Update mode", "mode", lab, options=["batch", "minibatch", "sample", "rosenblatt"],
                        format_func=ui.MODE_LABELS.get),
    )
    if changes["mode"] == "minibatch":
        changes["batch_size"] = ui.setting(st.number_input, "Mini-batch size", "batch_size", lab, min_value=1,
                                           max_value=2000)
    changes["init"] = ui.setting(st.radio, "Initial weights", "init", lab, options=["random", "zeros", "manual"],
                                 horizontal=True)
    if changes["init"] == "random":
        changes["init_seed"] = ui.setting(st.number_input, "Weight seed", "init_seed", lab, min_value=0)
    elif changes["init"] == "manual":
        for name in ("w1", "w2", "b"):
            changes[name] = ui.setting(st.number_input, name, name, lab, step=0.1, format="%.4g")
    with st.expander("Stop rules"):
        changes["max_epochs"] = ui.setting(st.number_input, "Maximum epochs", "max_epochs", lab, min_value=1,
                                           max_value=5000)
        changes["tol_cost"] = ui.setting(st.number_input, "Stop when cost ≤ (0 = off)", "tol_cost", lab,
                                         min_value=0.0, format="%.4g")
        changes["tol_grad"] = ui.setting(st.number_input, "Stop when ‖gradient‖ ≤ (0 = off)", "tol_grad", lab,
                                         min_value=0.0, format="%.4g")
    lab.update(**{k: v for k, v in changes.items() if not ui.hidden(lab, k)})

if lab.dataset.train_y.size == 0:
    ui.stop(lab, "There are no training points yet. Build a dataset on the **Dataset** page first.")

if note := scenes.separability_note(lab):
    st.warning(note)
    st.page_link("pages/6_Hidden_layer.py", label="See what a hidden layer does with these points",
                 icon=":material/hub:")


@st.fragment
def views():
    """Everything that changes on a Step: it reruns alone, not the whole page."""
    playing = bool(st.session_state.get("playback"))
    controls = st.container(horizontal=True)  # filled after the numbers, which so reach the browser first
    if not playing:  # above the figure: the numbers of the epoch on screen come first
        ui.epoch_metrics(lab.history, lab.epoch)
    with controls:
        st.button("Step one epoch", key=ui.STEP_KEY, type="primary", on_click=lab.step, args=(1,), disabled=playing,
                  shortcut="Right", help="Keyboard: →")
        st.button("Step ×10", key="step10", on_click=lab.step, args=(10,), disabled=playing,
                  shortcut="Shift+Right", help="Keyboard: Shift + →")
        st.button("Pause ⏸" if playing else "Play ▶", key=ui.PLAY_KEY, on_click=ui.toggle_play, args=(lab, not playing),
                  shortcut="P", help="Keyboard: P")
        st.button("Reset", key="reset", on_click=ui.reset, args=(lab,), shortcut="Home", help="Keyboard: Home")
    if lab.history.epochs > 0 and not playing:
        st.slider("Rewind to epoch", 0, lab.history.epochs, lab.epoch, key=f"rewind_{lab.history.epochs}",
                  on_change=ui.rewind_from, args=(lab, f"rewind_{lab.history.epochs}"))
    ui.descent_chart(lab, scenes)
    if playing:
        st.caption("Playing: the epoch, cost and accuracy are written above the figure.")
        return
    h, k = lab.history, lab.epoch
    if lab.notice:
        (st.error if h.diverged else st.warning if "went up" in lab.notice or "did not move" in lab.notice else st.info)(lab.notice)
    if k > 0 and s.mode == "batch":
        st.markdown(f"**The last update** (epoch {k - 1} → {k}):")
        X, y, *_ = lab.design()
        w0, b0 = lab.params(k - 1)
        dw, db = gradients(X, y, w0, b0, s.loss)
        w1, b1 = lab.params(k)
        lines = latex.update_steps(w0, b0, dw, db, s.lr, w1, b1)
        st.latex(r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}")  # one formula: one render
    elif k > 0:
        st.caption("In mini-batch, single-sample and Rosenblatt modes one epoch makes many small updates.")
    row = st.container(horizontal=True, vertical_alignment="center")
    table = row.toggle("Show every number in the figures as a table", key="gd_table")
    row.download_button("Per-epoch history (CSV)", lambda: scenes.history_table(lab).to_csv(index=False),
                        "neuron_lab_history.csv", "text/csv", key="gd_history_csv", icon=":material/download:")
    if table:
        st.dataframe(scenes.history_table(lab), width="stretch", height=260)
    ui.sync_link(lab)


views()
ui.finish(lab)
