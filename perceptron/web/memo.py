"""What depends only on the experiment, computed once per experiment and kept for every session that asks
(bounded: Streamlit's ``st.cache_data`` keys it by the arguments' values and keeps the newest entries)."""

import streamlit as st

from ..session import rates


@st.cache_data(max_entries=256, show_spinner=False)
def overshoot(X, y, w0, b0, loss: str, epochs: int) -> rates.Overshoot:
    """:func:`perceptron.session.rates.overshoot` from these points and this start (up to 11 runs)."""
    return rates.overshoot(X, y, w0, b0, loss, epochs)
