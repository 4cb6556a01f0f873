"""The dataset: presets, Iris, your own points (click, table, CSV), and the features the neuron sees."""

import streamlit as st

from perceptron.data import csv_io
from perceptron.data import datasets as ds
from perceptron.text import plain
from perceptron.views import alt, scenes
from perceptron.web import keys
from perceptron.web.controls import setting
from perceptron.web.draw import selected_points, show
from perceptron.web.frame import finish, page
from perceptron.web.panels import add_point_form, class_label, upload_panel
from perceptron.web.site import hidden

lab = page(
    "Dataset",
    "A neuron learns from examples: points on a plane, each with a class, 0 or 1. Start from a preset, "
    "from Fisher's Iris flowers, or place your own points by **clicking on the plot**. Hollow markers are "
    "held-out **test** points the neuron never trains on.",
    key="dataset",
)
s = lab.settings
KINDS = {"preset": "A preset", "iris": "Iris flowers", "custom": "My own points"}
controls, plot = st.columns([1, 2])
with controls:
    current = "iris" if s.dataset == "iris" else "custom" if s.dataset == "custom" else "preset"
    kind = current if hidden("points") else st.radio(
        "Start from", list(KINDS), index=list(KINDS).index(current), format_func=KINDS.get, key=f"ds_kind_{lab.version}",
        horizontal=True)
    changes = {}
    if kind == "preset":
        presets = list(ds.PRESETS)
        changes["dataset"] = s.dataset if hidden("points") else st.selectbox(
            "Preset", presets, index=presets.index(s.dataset) if s.dataset in presets else 0,
            format_func=lambda p: f"{p}: {ds.PRESETS[p]}", key=f"ds_preset_{lab.version}")
        changes["n"] = setting(st.slider, "Number of points", "n", lab, min_value=4, max_value=2000, step=2)
        changes["noise"] = setting(st.slider, "Noise", "noise", lab, min_value=0.0, max_value=1.0, step=0.01)
        changes["seed"] = setting(st.number_input, "Seed", "seed", lab, min_value=0, step=1)
    elif kind == "iris":
        changes["dataset"] = "iris"
        a, b = st.columns(2)
        changes["iris_x"] = setting(a.selectbox, "x₁ feature", "iris_x", lab, options=ds.IRIS_FEATURES)
        changes["iris_y"] = setting(b.selectbox, "x₂ feature", "iris_y", lab, options=ds.IRIS_FEATURES)
        changes["iris_a"] = setting(a.selectbox, "Class 0 species", "iris_a", lab, options=ds.IRIS_SPECIES)
        changes["iris_b"] = setting(b.selectbox, "Class 1 species", "iris_b", lab, options=ds.IRIS_SPECIES)
        if changes["iris_a"] == changes["iris_b"]:
            st.error("Choose two different species.")
            changes = {}
    elif s.dataset != "custom":
        lab.set_dataset(lab.dataset)  # keep the points on screen and make them editable
    if kind != "custom":
        changes["test_fraction"] = setting(st.slider, "Held-out test fraction", "test_fraction", lab,
                                              min_value=0.0, max_value=0.9, step=0.05)
    st.markdown("**What the neuron sees**")
    changes["standardize"] = setting(st.toggle, "Standardize (mean 0, std 1)", "standardize", lab)
    changes["maps"] = setting(st.multiselect, "Extra feature maps (curved boundaries)", "maps", lab,
                                 options=list(ds.FEATURE_MAPS))
    try:
        lab.update(**changes)
    except ValueError as err:
        st.error(plain.markdown(str(err)))

locked = hidden("points")  # a teacher's link fixed the points
# the plot's text alternative: what it shows, counted from the points (perceptron/views/alt.py)
ALT = alt.dataset_alt(lab.dataset.X, lab.dataset.y, lab.dataset.test, scenes.class_names(lab))
with plot:
    if locked:
        show(scenes.dataset_view(lab), key="ds_plot", alt=ALT)
        st.dataframe(scenes.counts_table(lab), width="stretch")
        finish(lab)
        st.stop()
    c1, c2, c3 = st.columns([2, 1, 1])
    label = c1.radio("A click adds a point of", [0, 1], horizontal=True, key="ds_label", format_func=class_label(lab))
    as_test = c2.toggle("as test point", key="ds_as_test")
    # a drag selects only in this mode: otherwise a swipe on a phone or tablet scrolls the page
    selecting = c1.toggle("Select to delete", key="ds_select_mode",
                          help="While on, dragging on the plot selects points (a box; a lasso from the plot's toolbar).")
    event = show(scenes.dataset_view(lab), key="ds_plot", click=True, select=selecting, alt=ALT)
    if message := lab.on_plot_event(event, label, as_test):
        st.toast(message)
        st.rerun()
    picked = selected_points(event)
    if picked:
        st.session_state[keys.SELECTED] = (lab.version, picked)
    version, chosen = st.session_state.get(keys.SELECTED, (None, []))
    if chosen and version == lab.version:
        if c3.button(f"Delete {len(chosen)} selected", key="ds_delete", type="primary"):
            lab.set_dataset(ds.delete_points(lab.dataset, chosen))
            st.session_state.pop(keys.SELECTED)
            st.rerun()
    else:
        c3.caption("Drag a box or lasso around points to delete them." if selecting
                   else "Turn on Select to delete, then drag around points.")
    if c3.button("Clear all points", key="ds_clear"):
        lab.set_dataset(ds.delete_points(lab.dataset, range(lab.dataset.n)))
        st.rerun()
    st.dataframe(scenes.counts_table(lab), width="stretch")
    add_point_form(lab, class_label(lab))

st.subheader("The points")
left, right = st.columns([3, 2])
with left:
    st.caption("Edit a cell, add a row at the bottom, or select rows and delete them. Labels are 0 or 1.")
    edited = st.data_editor(scenes.points_table(lab), num_rows="dynamic", key=f"ds_editor_{lab.version}",
                            width="stretch", height=300)
    if not edited.equals(scenes.points_table(lab)):
        try:
            lab.set_dataset(scenes.dataset_from_table(edited, lab.dataset))
            st.rerun()
        except ValueError as err:
            st.error(plain.markdown(f"That edit was not applied: {err}"))
with right:
    st.download_button("Download these points as CSV", csv_io.to_csv(lab.dataset), "neuron_lab_points.csv",
                       "text/csv", key="ds_download")
    upload_panel(lab)
finish(lab)
