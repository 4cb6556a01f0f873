"""Hidden layer: h sigmoid neurons between the inputs and the output, and why XOR needs them."""

import streamlit as st

from perceptron.session.netlab import (
    DATASET_LABELS,
    MAX_HIDDEN,
    NET_DATASETS,
    NET_MODES,
    PLAY_STRIDES,
    NetLab,
)
from perceptron.views import netscenes as S
from perceptron.web import ui

CHUNK = 45  # frames trained and sent to the browser at once while playing (the next is asked for 30 frames before the end)

lab = ui.page(
    "Hidden layer",
    "One neuron draws **one straight line**. On **XOR** the class 1 corners (−1, +1) and (+1, −1) sit "
    "diagonally between the class 0 corners, so every line leaves some point on the wrong side. "
    "A **hidden layer** of h neurons draws h lines (the small green maps below); the output neuron then "
    "weighs their answers, e.g. *“past line 1 but not past line 2”*, and its boundary can bend around "
    "the points. Backpropagation is the same chain rule as before, with two more factors for the hidden layer.",
    key="hidden",
)
net: NetLab = ui.network()  # this page's own experiment, next to the single neuron's (both in the link)
net.adopt(lab.dataset, lab.features)

with st.sidebar:
    st.markdown("**Network settings**")
    st.caption("This page trains its own network; the dataset above is the single neuron's.")
    changes = dict(
        h=st.slider("Hidden units h", 1, MAX_HIDDEN, net.h, key="net_h"),
        dataset=st.selectbox("Dataset", NET_DATASETS, NET_DATASETS.index(net.dataset), key="net_dataset",
                             format_func=DATASET_LABELS.get),
        lr=st.number_input("Learning rate α", 0.0, 1000.0, float(net.lr), 0.1, format="%.4g", key="net_lr"),
        loss=st.radio("Cost", ["mse", "bce"], ["mse", "bce"].index(net.loss), format_func=ui.LOSS_LABELS.get,
                      horizontal=True, key="net_loss"),
        mode=st.selectbox("Update mode", NET_MODES, NET_MODES.index(net.mode), format_func=ui.MODE_LABELS.get,
                          key="net_mode"),
    )
    if changes["mode"] == "minibatch":
        changes["batch_size"] = st.number_input("Mini-batch size", 1, 2000, net.batch_size, key="net_batch")
    changes["seed"] = st.number_input("Weight seed", 0, 2**31 - 1, net.seed, key="net_seed",
                                      help="The starting weights. Another seed can end in another solution.")
    changes["stride"] = st.select_slider("Play: epochs per frame", PLAY_STRIDES, net.stride, key="net_stride")
    net.update(**changes)

if net.n_train == 0:
    ui.stop(lab, "Your dataset has no training points yet. Build one on the **Dataset** page, or pick a preset.")


STEP = "net_step1"  # the Step button's key: the figure draws its result ahead (plotly_chart's preview)
PLAY = "net_play"  # the Play/Pause button's key: a click on Pause stops the figure at once (stop_on)


def toggle_play(want: bool = True):
    """Play trains the next CHUNK frames at once; the browser then shows them one by one. Pause stops it
    (a Play clicked before the browser reported where it paused is carried out when it reports)."""
    play = st.session_state.get("net_playback")
    if play or not want:
        if play and (not want or play["paused"]):
            play["resume" if want else "paused"] = True
        return
    start = net.epoch
    shown = net.play_chunk(CHUNK)
    if shown:  # frame i is labelled first + i; the figure under the frames shows epoch `base`
        st.session_state["net_playback"] = {"base": start, "epochs": shown, "first": 1, "paused": False,
                                            "frames": S.frames(net, shown)}


def reset():
    net.reset()
    st.session_state["net_playback"] = None


def chart(play) -> None:
    """The combined figure, with the next Step's frame sent ahead. While playing, its frames run in the
    browser; a second before they run out the browser asks for more, and the next chunk follows."""
    if not play:
        ahead = S.step_frame(net)
        ui.show(S.figure_spec(net), key="hidden", view=net.epoch,
                preview=ahead and {"selector": f".st-key-{STEP} button", "view": net.epoch + 1, "frame": ahead})
        return
    event = ui.show(S.figure_spec(net, play["base"]), key="hidden", frames=play["frames"], fps=ui.PLAY_FPS,
                    playing=not play["paused"], first=play["first"], more_at=ui.PLAY_MORE_AT,
                    stop_on=f".st-key-{PLAY} button")
    if not (event and event.get("event") == "frame"):
        return
    shown = int(event.get("view", play["first"] + int(event["index"]))) - play["first"]  # the frame on screen
    epoch = play["epochs"][min(shown, len(play["epochs"]) - 1)] if shown >= 0 else play["base"]
    if event.get("more"):  # nearly out of frames: the next chunk, after the frame on screen
        if not play["paused"] and net.epoch == play["epochs"][-1] and (more := net.play_chunk(CHUNK)):
            keep = max(shown + 1, 0)
            play.update(base=epoch, epochs=play["epochs"][keep:] + more, first=play["first"] + keep,
                        frames=play["frames"][keep:] + S.frames(net, more))
            st.rerun(scope="fragment")
        return
    net.rewind(epoch)
    st.session_state["net_playback"] = None
    if (event.get("end") and not play["paused"]) or play.get("resume"):
        toggle_play()  # the browser ran out before the next chunk came, or Play was clicked meanwhile
    st.rerun(scope="fragment")


@st.fragment
def views():
    """Everything that changes on a Step: it reruns alone, not the whole page."""
    play = st.session_state.get("net_playback")
    if play and play["epochs"][-1] > net.history.epochs:  # the run was reset or changed meanwhile
        play = st.session_state["net_playback"] = None
    playing = bool(play)
    controls = st.container(horizontal=True)  # filled after the numbers, which so reach the browser first
    if not playing:  # above the figure, as on the Gradient descent page
        ui.epoch_metrics(net.history, net.epoch)
    with controls:
        st.button("Step one epoch", key=STEP, type="primary", on_click=net.step, args=(1,), disabled=playing,
                  shortcut="Right", help="Keyboard: →")
        st.button("Step ×10", key="net_step10", on_click=net.step, args=(10,), disabled=playing,
                  shortcut="Shift+Right", help="Keyboard: Shift + →")
        st.button("Pause" if playing else "Play", key=PLAY, on_click=toggle_play, args=(not playing,),
                  icon=":material/pause:" if playing else ":material/play_arrow:", shortcut="P", help="Keyboard: P")
        st.button("Reset", key="net_reset", on_click=reset, shortcut="Home", help="Keyboard: Home")
    if net.history.epochs > 0 and not playing:
        key = f"net_rewind_{net.history.epochs}"
        st.slider("Rewind to epoch", 0, net.history.epochs, net.epoch, key=key,
                  on_change=lambda: net.rewind(st.session_state[key]))
    chart(play)
    if playing:
        st.caption("Playing: the epoch, cost and accuracy are written above the figure.")
        return
    if net.notice:
        (st.error if net.history.diverged else st.warning)(net.notice)

    st.subheader("Inside the network, for one sample")
    names = S.input_names(net)
    a, b, c = st.columns(3)
    net.choose(
        sample=a.number_input("Sample s", 0, net.n_train - 1, net.sample, key=f"net_sample_{net.n_train}"),
        unit=b.selectbox("Hidden unit j", range(net.h), net.unit, format_func=lambda j: f"unit {j + 1}",
                         key=f"net_unit_{net.h}"),
        feature=c.selectbox("Input i", range(net.d), net.feature, format_func=names.__getitem__,
                            key=f"net_feature_{net.d}"),
    )
    ui.show(S.diagram_spec(net), key="hidden_net")  # redrawn with the server's answer, after the metrics
    st.markdown("**Forward**, layer by layer: each hidden unit is a neuron on the inputs; "
                "the output is a neuron on the hidden activations.")
    st.latex(S.block(S.forward_lines(net)))  # one block each: typesetting is most of the browser's work per Step
    w2, W1 = S.weight_names(net)
    st.markdown(f"**Backward**: the chain rule for the output weight {w2} and the hidden weight {W1} (from input "
                f"{names[net.feature]} to unit {net.unit + 1}). The hidden weight's product has two more factors: how "
                f"the output depends on the unit ({w2}), and the unit's own slope σ′. Finite differences, which know "
                "nothing of the chain rule, must give the same numbers.")
    st.latex(S.block(S.backward_lines(net) + [S.gradient_line(net)]))
    ui.sync_link(lab)  # the address bar follows a Step (this fragment reruns alone)


views()
ui.finish(lab)
