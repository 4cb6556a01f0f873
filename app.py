"""Neuron Lab: the home page, and the frame every page shares (see perceptron/web/frame.py)."""

import streamlit as st

from perceptron.views import alt, figures
from perceptron.web import classroom, keys
from perceptron.web.classpage import start_panel
from perceptron.web.draw import show
from perceptron.web.frame import finish, page, summary
from perceptron.web.panels import start_lesson, teacher_panel
from perceptron.web.site import LAB_LINKS, PAGE_HINTS, PAGE_KEYS, hidden

lab = page(
    "Neuron Lab",
    "An artificial **neuron** takes some numbers, multiplies each by a **weight**, adds them up with a "
    "**bias**, and passes the sum through an **activation** (here the sigmoid) to give a prediction between "
    "0 and 1. **Learning** means adjusting the weights so the predictions match the labels, following the "
    "cost's gradient downhill. Here you can watch every number of that process, on data you build yourself.",
    key="home",
)
w, b = lab.params()
left, right = st.columns([3, 2])
with left:
    st.subheader("Your neuron right now")
    show(figures.neuron_diagram(w, b, [f"x{j + 1}" for j in range(len(w))]), key="home_diagram", height=260,
         alt=alt.neuron_alt(w, b, [f"x{j + 1}" for j in range(len(w))]))
    st.caption(summary(lab))
with right:
    st.subheader("Where to go next")
    st.button("Start the guided lesson", key="lesson_start", type="primary", icon=":material/school:",
              on_click=start_lesson, disabled=st.session_state.get(keys.LESSON) is not None)
    for path, label, icon in LAB_LINKS:
        if not hidden(PAGE_KEYS[path]):
            st.page_link(path, label=label, icon=icon)
            st.caption(PAGE_HINTS[path])
classroom.home_panel()  # join a live class with its code (a join link shows the form at the top instead)
if not lab.settings.hide:  # a teacher's locked link: the students do not see how it was made
    with st.expander("For teachers: share a locked-down exercise", icon=":material/school:"):
        teacher_panel(lab)
    with st.expander("For teachers: run a live class", icon=":material/groups:",
                     expanded=keys.TEACHER in st.session_state):
        start_panel()
finish(lab)
