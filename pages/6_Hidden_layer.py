"""Hidden layer: h sigmoid neurons between the inputs and the output, and why XOR needs them."""

import streamlit as st

from perceptron.session.netlab import DATASET_LABELS
from perceptron.session.settings import MAX_HIDDEN, NET_DATASETS, NET_MODES, PLAY_STRIDES
from perceptron.views import alt, symmetry
from perceptron.views import netscenes as S
from perceptron.views.latex import stacked
from perceptron.web import keys
from perceptron.web.controls import notice, setting, training
from perceptron.web.draw import show
from perceptron.web.frame import finish, network, page, stop, sync_link
from perceptron.web.panels import numbers
from perceptron.web.playback import Stepper, stepper

lab = page(
    "Hidden layer",
    "One neuron draws **one straight line**. On **XOR**, this page's first dataset, the class 1 corners (−1, +1) and (+1, −1) sit "
    "diagonally between the class 0 corners, so every line leaves some point on the wrong side. "
    "A **hidden layer** of h neurons draws h lines (the small green maps below); the output neuron then "
    "weighs their answers, e.g. *“past line 1 but not past line 2”*, and its boundary can bend around "
    "the points. Backpropagation is the same chain rule as before, with two more factors for the hidden layer.",
    key="hidden",
)
net = network()  # this page's own experiment, next to the single neuron's (both in the link)
net.adopt(lab.dataset, lab.features)
# the combined figure, its frames while playing (one every `hstride` epochs), and the next Step's frame
STEPPER = Stepper(keys.HIDDEN, spec=S.figure_spec, frames=S.frames, ahead=S.step_frame, alt=alt.hidden_alt)

about = st.empty()  # the network's own dataset, said once the settings below are applied
with st.container(horizontal=True, vertical_alignment="bottom", key="training_row"):  # beside Step
    changes = training(net, NET_MODES)
with st.sidebar:
    st.markdown("**Network settings**")
    st.caption("This page trains its own network; the dataset above is the single neuron's.")
    changes |= {
        "h": setting(st.slider, "Hidden units h", "h", net, min_value=1, max_value=MAX_HIDDEN),
        "hdata": setting(st.selectbox, "Dataset", "hdata", net, options=NET_DATASETS,
                         format_func=DATASET_LABELS.get),
        "hseed": setting(st.number_input, "Weight seed", "hseed", net, min_value=0, max_value=2**31 - 1,
                         help="The starting weights. Another seed can end in another solution."),
        "hstride": setting(st.select_slider, "Play: epochs per frame", "hstride", net, options=PLAY_STRIDES),
    }
    net.update(**changes)

if net.n_train == 0:
    stop(lab, "Your dataset has no training points yet. Build one on the **Dataset** page, or pick a preset.")
about.info(S.data_line(net), icon=":material/dataset:")  # the sidebar's summary is the single neuron's dataset


@st.fragment
def views():
    """Everything that changes on a Step: it reruns alone, not the whole page."""
    if stepper(net, STEPPER):
        return
    notice(net)
    if chance := S.chance_note(net):
        st.info(chance, icon=":material/balance:")

    st.subheader("Inside the network, for one sample")
    names = S.input_names(net)
    a, b, c = st.columns(3)
    net.choose(
        sample=a.number_input("Sample i", 0, net.n_train - 1, net.sample, key=f"net_sample_{net.n_train}"),
        unit=b.selectbox("Hidden unit k", range(net.h), net.unit, format_func=lambda k: f"unit {k + 1}",
                         key=f"net_unit_{net.h}"),
        feature=c.selectbox("Input j", range(net.d), net.feature, format_func=names.__getitem__,
                            key=f"net_feature_{net.d}"),
    )
    numbers(lambda: alt.units_table(net), "the figure: each unit's weights")
    numbers(lambda: alt.history_table(net.history), "the cost curve", hide_index=True)
    show(S.diagram_spec(net), key="hidden_net", alt=alt.network_alt(net))  # redrawn with the server's answer
    st.markdown("**Forward**, layer by layer: each hidden unit is a neuron on the inputs; "
                "the output is a neuron on the hidden activations.")
    for line in S.forward_lines(net):  # one display a line, as on the other pages: on a phone each scrolls alone
        st.latex(stacked(line))
    w2, W1 = S.weight_names(net)
    st.markdown(f"**Backward**: the chain rule for the output weight {w2} and the hidden weight {W1} (from input "
                f"{names[net.feature]} to unit {net.unit + 1}). The hidden weight's product has two more factors: how "
                f"the output depends on the unit ({w2}), and the unit's own slope σ′. Finite differences (ε = {S.FD_EPS_TEXT}), which "
                "know nothing of the chain rule, must give the same numbers.")
    for line in [*S.backward_lines(net), *S.gradient_lines(net)]:
        st.latex(stacked(line))
    sync_link(lab)  # the address bar follows a Step (this fragment reruns alone)


views()

with st.expander("Symmetry breaking: start every weight at 0 and the hidden units stay equal"):
    Xn, yn, *_ = net.design()  # below the figures' fragment: named with its epoch, updated when the page reruns
    st.caption(f"At epoch {net.epoch}, the epoch on screen when this page last ran in full.")
    for kind, item in symmetry.lines(Xn, yn, net.h, net.settings.hlr, net.settings.hloss, net.history.cost, net.epoch):
        if kind == "latex":
            st.latex(stacked(item))
        else:
            st.markdown(item)
finish(lab)
