"""The dearest links the app accepts, one of each kind: what a link's budget (``LINK_UPDATES``) must bound.

Shared by ``tests/test_state.py`` (which counts the work they ask for against the budget) and
``python -m bench links`` (which times what they cost the server on opening). Each is a query string's
parameters: the most points a link can name (n = 2,000, none held out), the most inputs (all five
feature maps: 7), the most epochs (5,000), the most hidden units (8) on those points. Imports nothing.
"""

from __future__ import annotations

ALL_MAPS = "x1^2,x2^2,x1*x2,sin(x1),sin(x2)"
BIG = {"n": "2000", "test_fraction": "0", "maps": ALL_MAPS, "max_epochs": "5000"}
NET_WORST = {"h": "8", "hdata": "yours", "hepoch": "5000"}

WORST_LINKS = {
    # the link of issue 15, as it was written there (80 % of the points trained on, 2 inputs)
    "issue-15": {"mode": "sample", "n": "2000", "max_epochs": "5000", "epoch": "5000"},
    "sample": {**BIG, "mode": "sample", "epoch": "5000"},
    "rosenblatt": {**BIG, "mode": "rosenblatt", "dataset": "overlap", "noise": "1", "epoch": "5000"},
    "minibatch-1": {**BIG, "mode": "minibatch", "batch_size": "1", "epoch": "5000"},
    "minibatch-2": {**BIG, "mode": "minibatch", "batch_size": "2", "epoch": "5000"},
    "minibatch-1000": {**BIG, "mode": "minibatch", "batch_size": "1000", "epoch": "5000"},
    "batch": {**BIG, "mode": "batch", "epoch": "5000"},
    "network-sample": {**BIG, "dataset": "overlap", "hmode": "sample", **NET_WORST},
    "network-minibatch-1": {**BIG, "dataset": "overlap", "hmode": "minibatch", "hbatch": "1", **NET_WORST},
    "network-minibatch-1000": {**BIG, "dataset": "overlap", "hmode": "minibatch", "hbatch": "1000", **NET_WORST},
    "network-batch": {**BIG, "dataset": "overlap", "hmode": "batch", **NET_WORST},
    "both": {**BIG, "mode": "sample", "epoch": "5000", "hmode": "sample", **NET_WORST},
    "both-batch": {**BIG, "mode": "batch", "epoch": "5000", "hmode": "batch", **NET_WORST},
}


def query_string(query: dict) -> str:
    """``?mode=sample&n=2000...`` for a report."""
    return "?" + "&".join(f"{k}={v}" for k, v in query.items())
