"""Backpropagation: the chain rule, factor by factor, with a sample's real numbers."""


import numpy as np
import streamlit as st

from perceptron.session.run import LEDGER_ROWS
from perceptron.text import teaching
from perceptron.views import alt, derivations, latex, scenes, slips
from perceptron.views.handout import handout_html
from perceptron.views.ledger_table import fd_table, ledger_rows, underflowed
from perceptron.web.controls import LOSS_LABELS
from perceptron.web.draw import show
from perceptron.web.frame import finish, page, stop, summary
from perceptron.web.panels import numbers, text_table


def ledger_window(i: int, n: int, most: int) -> tuple[int, int]:
    """The samples the ledger prints, ``range(first, last)``: all n, or ``most`` of them around sample i."""
    if n <= most:
        return 0, n
    first = min(max(i - most // 2, 0), n - most)
    return first, first + most


def render(items) -> None:
    """A view's ``(kind, content)`` pairs in order: LaTeX a relation a row (:func:`latex.stacked`), or Markdown."""
    for kind, item in items:
        if kind == "latex":
            st.latex(latex.stacked(item))
        else:
            st.markdown(item)


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
if rosenblatt := lab.mode.step:  # the rule the run follows has no gradient: say what it uses
    st.info(teaching.rosenblatt_update(X[i], y[i], w, b, lab.settings.lr, i, loss), icon=":material/info:")
bp = scenes.backprop(lab, w, b, loss)  # the chain rule for both costs and the finite-difference check
L = bp.ledger
cost_box = st.container(key="bp_cost")  # the cost the lesson speaks of
cost_box.latex(latex.stacked(bp.cost_line))
cost_box.caption(f"at the weights of epoch {lab.epoch}: w = ({', '.join(map(latex.text, w))}), b = {latex.text(b)}; n = {L.n}")

left, right = st.columns([3, 2])
with left:
    digits = latex.backward_digits(L, i, y[i], loss)  # each factor printed alike wherever it stands
    lines = latex.backward_steps(L, i, y[i], loss, digits=digits)
    w1 = next((j for j, line in enumerate(lines) if "w_1" in line), len(lines) - 1) + 1
    st.subheader(f"The chain rule for sample #{i}")
    chain = st.container(key="bp_chain")  # the factors of ∂C/∂w₁, which the lesson speaks of
    for j, line in enumerate(lines):
        (chain if j < w1 else st).latex(latex.stacked(line))  # one relation per row: the result stays on a phone
with right:
    arrows, title = scenes.descent_arrow(lab, w, b)  # the step of the cost training uses, not the inspected one
    show(scenes.plane(lab, w, b, highlight=rows[i], arrows=arrows, title=title), key="bp_plane", height=420,
         alt=alt.plane_alt(X, y, w, b, epoch=lab.epoch, chosen=(i, lab.dataset.X[rows[i]], y[i]), arrows=arrows))
    step = scenes.gradient_at(lab, w, b) if not rosenblatt else (None, None)
    numbers(alt.plane_table(w, b, step[0], lab.settings.lr, step[1]), "this plane")

mse, bce = (L, bp.other) if loss == "mse" else (bp.other, L)  # the other cost, for the comparison
with st.expander("Where σ′(z) = σ(z)(1 − σ(z)) comes from"):
    render(derivations.sigmoid_slope(L.z[i], L.dyhat_dz[i], i, digits[1] or 4))
with st.expander("Cross-entropy against MSE: where σ′ cancels, and why MSE learns slowly"):
    render(derivations.cancel(mse, bce, y, i))

st.subheader("Every sample's contribution, and their sum: the gradient"
             + (" (gradient descent's, not Rosenblatt's rule's)" if rosenblatt else ""))
st.markdown(r"Each row is one sample $i$: $\frac{\partial C}{\partial z_i} = \frac{\partial C}{\partial \hat y_i}"
            r"\cdot\frac{\partial \hat y_i}{\partial z_i}$, and its contribution $\frac{\partial C}{\partial z_i}\,x_{ij}$ "
            r"to each $\partial C/\partial w_j$. The $\frac{1}{n}$ of the mean already sits inside $\partial C/\partial "
            r"\hat y_i$, so the contributions **add up** to the gradient (equivalently: the gradient is the *average* "
            r"of each sample's own gradient), and the $\partial C/\partial z_i$ column adds up to $\partial C/\partial b$.")
# every row is printed by the printing rule (up to ~0.5 ms a row): past LEDGER_ROWS samples, those around the chosen one
first, last = ledger_window(i, L.n, LEDGER_ROWS)
if (first, last) == (0, L.n):
    text_table(scenes.ledger_table(L, y), height=260)
else:
    table = scenes.ledger_table(ledger_rows(L, first, last), y[first:last])
    table.index = [f"#{k}" for k in range(first, last)] + ["sum of these rows"]
    table.iloc[-1, list(table.columns).index("∂C/∂z")] = table.iloc[-1]["∂C/∂z"].split("  (")[0]
    text_table(table, height=260)
    st.caption(f"Samples #{first} to #{last - 1} of the {L.n:,}, around sample #{i}: their contributions add up to "
               "the last row, their part of the gradient; the sums below add all of them.")
lost_c, lost_d = underflowed(ledger_rows(L, first, last))  # products that underflowed: "≈", and said why
k = first + int(np.argmax(lost_c)) if lost_c.any() else None
st.caption("Every product and sum in this table holds for its numbers as printed: a number gets more than 4 "
           "digits where the product or sum it enters needs them. “≈” marks one that cannot hold exactly."
           + (" " + teaching.underflow_note(int(lost_c.sum()), int(lost_d.sum()),
                                            None if k is None else (L.dC_dyhat[k], L.dyhat_dz[k], L.dC_dz[k], k))
              if lost_c.any() or lost_d.any() else ""))
dw, db = L.dw, L.db
if note := teaching.disagreement(L.dC_dw_i[:, 0], dw[0], i):  # the contrast a teacher wants the class to see
    st.info(note, icon=":material/compare_arrows:")
for j, g in enumerate(dw):
    st.latex(latex.stacked(rf"\frac{{\partial C}}{{\partial w_{j + 1}}} = \sum_i \frac{{\partial C}}{{\partial z_i}} "
                           rf"x_{{i{j + 1}}} = {latex.num(g)}"))
st.latex(latex.stacked(rf"\frac{{\partial C}}{{\partial b}} = \sum_i \frac{{\partial C}}{{\partial z_i}} = {latex.num(db)}"))

with st.expander("The same sums as one matrix product: ∇w C = Xᵀ·∂C/∂z"):
    render(derivations.matrix_form(L))

st.subheader("Check: the same gradient by finite differences")
check = bp.check
text_table(fd_table(check))  # by the printing rule, not the dataframe's long plain decimals
st.markdown(teaching.fd_check(check, L.cost))
if few := teaching.few_carry(L.dC_dz, L.z, y):  # "They agree." and yet most samples add nothing
    st.info(few, icon=":material/bolt:")

with st.expander("Floating-point limits: what the computer cannot hold"):
    render(derivations.float_limits(L))

with st.expander("Three slips in the article, shown live"):
    st.markdown(slips.sign(X, y, w, b, lab.settings.lr))
    head, table, note = slips.pulled(X, y, w, b, i, L.n)
    st.markdown(head)
    text_table(table)
    st.caption(note)
    for kind, item in slips.indices(X[i], w, b, i):
        (st.latex if kind == "latex" else st.markdown)(latex.stacked(item) if kind == "latex" else item)

if np.any(~np.isfinite(L.dC_dyhat)):
    st.warning("Some ∂C/∂ŷ are too large to show: the sigmoid has saturated for those samples.")
row = st.container(horizontal=True)
row.download_button("Printable handout of these numbers", key="bp_handout", file_name=f"handout_sample_{i}.html",
                    data=lambda: handout_html("Neuron Lab: one sample's forward and backward pass",
                                              f"{summary(lab)} Open it in a browser and print it, or save it as PDF.",
                                              X[i], y[i], w, b, L, i, loss, lab.settings.lr,
                                              lab.features.names),
                    mime="text/html", icon=":material/print:", type="primary")
row.download_button("The same as Markdown + LaTeX", key="bp_export", file_name=f"ledger_sample_{i}.md",
                    data=lambda: latex.ledger_markdown("Neuron Lab: one sample's forward and backward pass",
                                                       X[i], y[i], w, b, L, i, loss), mime="text/markdown")
finish(lab)
