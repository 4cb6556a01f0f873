"""The dearest links the app accepts, one of each kind: what a link's budget (``LINK_UPDATES``) must bound.

Shared by ``tests/test_state.py`` and ``tests/test_links_budget.py`` (which count the work they ask for
against the budget) and ``python -m bench links`` (which times what they cost the server on opening). Each
is a query string's parameters: the most points a link can name (n = 2,000, none held out), the most inputs
(all five feature maps: 7), the most epochs (5,000), the most hidden units (8) on those points; and the
links of issue 20, which cost 1.6–3.8 s of server CPU to open before. ``PAGE_LINKS`` names, for every page,
the dearest of them there (what the page computes after training counts too): ``python -m bench links``
opens each whole, and surveys every page with every link to show that none is dearer. Imports nothing.
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
    # issue 20's (a fifth of the points held out, the default): on the Loss landscape 3.3–3.8 s and on Gradient
    # descent 2.1–2.6 s; 2.8–3.0 s; on the Hidden layer 1.6–2.2 s (server CPU per opening, quiet machine)
    "issue-20-bce": {"n": "2000", "loss": "bce", "lr": "1000", "noise": "1", "epoch": "5000", "max_epochs": "5000",
                     "maps": ALL_MAPS},
    "issue-20-batch": {"n": "2000", "mode": "batch", "epoch": "5000", "max_epochs": "5000", "maps": ALL_MAPS},
    "issue-20-hidden": {"n": "2000", "epoch": "5000", "max_epochs": "5000", "hdata": "yours", "h": "8",
                        "hmode": "sample", "hepoch": "5000", "maps": ALL_MAPS},
}

PAGES = {  # every page: its key (as a teacher's link names it) and its script
    "home": "app.py",
    "dataset": "pages/1_Dataset.py",
    "forward": "pages/2_Forward_propagation.py",
    "backprop": "pages/3_Backpropagation.py",
    "descent": "pages/4_Gradient_descent.py",
    "landscape": "pages/5_Loss_landscape.py",
    "hidden": "pages/6_Hidden_layer.py",
}

# the dearest link of each page, one of WORST_LINKS (what it trains, then what the page computes at 2,000 points
# and 7 inputs); ``python -m bench links`` surveys every page with every link and measures these beside the two
# dearest of its survey
PAGE_LINKS = {
    "home": "network-minibatch-1",
    "dataset": "network-minibatch-1",
    "forward": "network-minibatch-1",
    "backprop": "issue-20-bce",
    "descent": "issue-20-bce",
    "landscape": "issue-20-bce",
    "hidden": "network-minibatch-1",
}


def query_string(query: dict) -> str:
    """``?mode=sample&n=2000...`` for a report."""
    return "?" + "&".join(f"{k}={v}" for k, v in query.items())
