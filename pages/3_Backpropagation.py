"""Backpropagation: the chain rule, factor by factor, with a sample's real numbers."""

import numpy as np
import pandas as pd
import streamlit as st

from perceptron.engine.backprop import chain_rule, gradient_check, pulled_out_slip, sign_slip
from perceptron.engine.costs import get_cost
from perceptron.views import latex, scenes
from perceptron.web.controls import LOSS_LABELS
from perceptron.web.draw import show
from perceptron.web.frame import finish, page, stop

lab = page(
    "Backpropagation",
    "To improve the weights we need to know how the cost changes when each weight changes: "
    r"$\partial C/\partial w_j$. The chain rule splits that into three simple factors, "
    r"$\frac{\partial C}{\partial \hat y}\cdot\frac{\partial \hat y}{\partial z}\cdot\frac{\partial z}{\partial w_j}$, "
    "computed for every sample and then added up.",
    key="backprop",
)
X, y, *_ = lab.design()
if y.size == 0:
    stop(lab, "There are no training points yet. Build a dataset on the **Dataset** page first.")
w, b = lab.params()
rows = scenes.train_index(lab)

top = st.columns([1, 2])
loss = top[0].radio("Cost to inspect", ["mse", "bce"], index=["mse", "bce"].index(lab.settings.loss),
                    key="bp_loss", format_func=LOSS_LABELS.get)
i = top[1].selectbox("Sample", range(len(y)), index=min(lab.sample, len(y) - 1), key=f"bp_sample_{lab.sample}",
                     format_func=lambda k: f"#{k}: y = {int(y[k])}")
lab.sample = i
L = chain_rule(X, y, w, b, loss)
st.latex(get_cost(loss).latex + rf" = {latex.num(L.cost)}")
st.caption(f"at the weights of epoch {lab.epoch}: w = ({', '.join(f'{v:.4g}' for v in w)}), b = {b:.4g}; n = {L.n}")

left, right = st.columns([3, 2])
with left:
    st.subheader(f"The chain rule for sample #{i}")
    for line in latex.backward_steps(L, i, y[i], loss):
        st.latex(line)
with right:
    dw, db = L.dw, L.db
    show(scenes.plane(lab, w, b, highlight=rows[i], arrows=scenes.weight_arrows(lab, w, b, dw, lab.settings.lr),
                         title="w, and the step −α∇C that descent will take"), key="bp_plane", height=420)

st.subheader("Every sample's contribution, and their sum: the gradient")
st.markdown(r"Each row is one sample's $\frac{\partial C}{\partial z_i}\,x_{ij}$. The $\frac{1}{n}$ of the mean "
            r"already sits inside $\partial C/\partial \hat y_i$, so the contributions **add up** to the gradient "
            "(equivalently: the gradient is the *average* of each sample's own gradient).")
st.dataframe(scenes.ledger_table(L, y), width="stretch", height=260)
for j, g in enumerate(dw):
    st.latex(rf"\frac{{\partial C}}{{\partial w_{j + 1}}} = \sum_i \frac{{\partial C}}{{\partial z_i}} x_{{i{j + 1}}}"
             rf" = {latex.num(g)}")
st.latex(rf"\frac{{\partial C}}{{\partial b}} = \sum_i \frac{{\partial C}}{{\partial z_i}} = {latex.num(db)}")

st.subheader("Check: the same gradient by finite differences")
check = gradient_check(X, y, w, b, loss)
labels = [f"∂C/∂w{j + 1}" for j in range(len(w))] + ["∂C/∂b"]
st.dataframe(pd.DataFrame({"chain rule": check["analytic"], "finite difference": check["numeric"],
                           "difference": check["analytic"] - check["numeric"]}, index=labels), width="stretch")
st.markdown(r"Finite difference: $\frac{C(w_j + \varepsilon) - C(w_j - \varepsilon)}{2\varepsilon}$ with "
            rf"$\varepsilon = 10^{{-6}}$. Relative error: **{check['rel_error']:.2e}**"
            + (" ✅ they agree." if check["rel_error"] < 1e-5 else " ⚠️ they differ."))

with st.expander("Two slips in the article, shown live"):
    slip = sign_slip(X, y, w, b, lab.settings.lr)
    st.markdown(
        r"**1. The minus sign.** The article writes $\partial C/\partial \hat y = \frac{2}{n}(y - \hat y)$. "
        r"The derivative of $(y - \hat y)^2$ with respect to $\hat y$ is $-2(y - \hat y)$: without the minus, "
        "every gradient points the wrong way, and a step *climbs* the cost. One MSE step with "
        f"α = {lab.settings.lr:g} from here: cost **{slip['before']:.5g}** → **{slip['correct']:.5g}** with the "
        f"correct sign, but → **{slip['sign_dropped']:.5g}** with the sign dropped."
    )
    pulled = pulled_out_slip(X, y, w, b, i)
    st.markdown(
        r"**2. Pulling σ(z) and x out of the sum.** The article writes the gradient as "
        r"$\text{sum}(y - \hat y)\cdot\sigma(z)(1-\sigma(z))\cdot x_j$. But each sample has its own $z_i$ and "
        r"$x_{ij}$, so they must stay inside the sum: $\sum_i (y_i - \hat y_i)\,\sigma'(z_i)\,x_{ij}$. "
        f"The two agree only for a single sample. Here (n = {L.n}, using sample #{i}'s σ'(z) and x):"
    )
    st.dataframe(pd.DataFrame({"pulled out of the sum (wrong)": pulled["pulled_out"],
                               "kept inside the sum (right) = −∂C/∂w": pulled["correct"]},
                              index=[f"w{j + 1}" for j in range(len(w))]), width="stretch")
    st.caption("Both columns use the factor 2/n so that only the pulled-out sum differs.")

if np.any(~np.isfinite(L.dC_dyhat)):
    st.warning("Some ∂C/∂ŷ are too large to show: the sigmoid has saturated for those samples.")
st.download_button("Download this sample's ledger (Markdown + LaTeX)", key="bp_export", file_name=f"ledger_sample_{i}.md",
                   data=latex.ledger_markdown("Neuron Lab: one sample's forward and backward pass",
                                                X[i], y[i], w, b, L, i, loss), mime="text/markdown")
finish(lab)
