"""The moving parts of the training figures are drawn in the page from the weights the server sends
(perceptron/web/forward.js): checked in a real Chromium against numpy, to 1e-9.

For random datasets, feature maps, weights (saturated ones included) and hidden layers, each test opens
a link, reads back what plotly.js was given to draw (the heatmap's values, the curve ŷ = 0.5, every
sample's place on the sigmoid, each hidden unit's map) and the weights the page drew them from, and
compares them with an independent numpy computation: the feature pipeline, σ and the network's forward
pass written out here, on the training points of the same link made in-process. The weights themselves
must be the engine's, exactly (the same link trained in-process). After a Step (drawn ahead from the
next epoch's weights, then confirmed by the server) and after Play then Pause the same holds.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import numpy as np
import pytest

from perceptron.session.lab import Lab
from perceptron.session.netlab import NetLab
from perceptron.session.settings import NetSettings, Settings
from perceptron.views.geometry import plane_bounds

pytestmark = pytest.mark.browser

TOL = 1e-9

# what the chart drew (through plotly.js, or into plotly.js's SVG itself, see perceptron/web/redraw.js) in the
# chart holding a trace named ``name``, and the weights it was drawn from
READ = """
(name) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => (g.data || []).some(t => t.name === name));
  const st = gd && gd.parentElement.__nlChart;
  if (!gd || !st || !st.drawn || !gd._fullLayout) return null;
  const fig = st.drawn;
  return JSON.stringify({
    data: fig.data.map(t => ({name: t.name, type: t.type, x: t.x, y: t.y, z: t.z, text: t.text})),
    range: (fig.layout.xaxis2 || {}).range, params: st.params,
    epoch: ((fig.layout.annotations || []).map(a => a.text).find(t => /^epoch \\d+/.test(t)) || "").match(/^epoch (\\d+)/)[1],
  });
}
"""
IDLE = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning' && !document.querySelector('[data-stale="true"]');
}
"""
SIGMOID_TRACE = "class 0 at its z"
HIDDEN_TRACE = "hidden unit 1"


def sigma(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def phi(X, settings, train_X):
    """The feature pipeline, written out: standardize on the training points (``train_X``), then the maps
    (``settings`` has ``maps`` and ``standardize``)."""
    X = np.asarray(X, dtype=float)
    mean, std = np.zeros(2), np.ones(2)
    if settings.standardize:
        mean, std = train_X.mean(axis=0), train_X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    a, b = ((X - mean) / std).T
    maps = {"x1^2": a * a, "x2^2": b * b, "x1*x2": a * b, "sin(x1)": np.sin(a), "sin(x2)": np.sin(b)}
    return np.column_stack([a, b] + [maps[m] for m in settings.maps])


def grid(bounds, res):
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, res), np.linspace(y0, y1, res))
    return np.column_stack([gx.ravel(), gy.ravel()])


def on_level(x, y, xs, ys, P, level=0.5):
    """Each point of the curve lies on a cell edge of the grid where P, interpolated along it, is ``level``."""
    for px, py in zip(x, y, strict=True):
        if px is None:
            continue
        j, i = np.searchsorted(xs, px - 1e-12), np.searchsorted(ys, py - 1e-12)
        if abs(xs[min(j, len(xs) - 1)] - px) < 1e-12:  # a vertical edge at column j
            j = min(j, len(xs) - 1)
            t = (py - ys[i - 1]) / (ys[i] - ys[i - 1])
            value = P[i - 1, j] + t * (P[i, j] - P[i - 1, j])
        else:  # a horizontal edge at row i
            i = min(i, len(ys) - 1)
            t = (px - xs[j - 1]) / (xs[j] - xs[j - 1])
            value = P[i, j - 1] + t * (P[i, j] - P[i, j - 1])
        assert abs(value - level) <= TOL, (px, py, value)


def read(page, name: str) -> dict:
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_function(f"() => ({READ})({json.dumps(name)}) !== null", timeout=60_000)
    return json.loads(page.evaluate(READ, name))


def trace(drawn: dict, name: str) -> dict:
    return next(t for t in drawn["data"] if t["name"] == name)


def check_neuron(drawn: dict, settings: Settings, lab: Lab) -> None:
    """What the page drew of the neuron at the epoch on screen, against numpy."""
    k = int(drawn["epoch"])
    w, b = lab.params(k)
    assert drawn["params"]["w"] == w.tolist() and drawn["params"]["b"] == float(b)  # exactly the engine's
    train_X, train_y = lab.points.train_X, lab.points.train_y
    bounds = plane_bounds(lab.dataset.X)
    P = sigma(phi(grid(bounds, 40), settings, train_X) @ w + b).reshape(40, 40)
    step = settings.mode == "rosenblatt"  # Rosenblatt's rule: the plane shows step(z), 0 or 1
    heat = trace(drawn, "ŷ = step(z)" if step else "ŷ = σ(z)")
    np.testing.assert_allclose(np.array(heat["z"], dtype=float), (P >= 0.5).astype(float) if step else P, rtol=0, atol=TOL)
    line = trace(drawn, "boundary z = 0" if step else "boundary ŷ = 0.5 (z = 0)")
    on_level(line["x"], line["y"], np.linspace(*bounds[0], 40), np.linspace(*bounds[1], 40), P)
    assert (len(line["x"]) > 0) == bool(np.any(P > 0.5) and np.any(P < 0.5))
    z = phi(train_X, settings, train_X) @ w + b
    lim = next((v for v in (6, 8, 10, 15, 20, 30, 40, 60) if np.max(np.abs(z)) * 1.1 <= v), 60)  # in steps
    np.testing.assert_allclose(drawn["range"], [-lim, lim], rtol=0, atol=TOL)
    for label in (0, 1):
        t = trace(drawn, f"class {label} at its z")
        mine = z[train_y == label]
        np.testing.assert_allclose(t["x"], np.clip(mine, -lim, lim), rtol=0, atol=TOL)
        act = (mine >= 0).astype(float) if settings.mode == "rosenblatt" else sigma(mine)
        np.testing.assert_allclose(t["y"], act, rtol=0, atol=TOL)


NEURON_LINKS = [
    # a random dataset, maps, standardization and starting weights per case; saturated weights by hand
    dict(dataset="circles", maps="x1^2,x2^2", standardize=1, init_seed=7, epoch=12, n=150),
    dict(dataset="moons", maps="x1*x2,sin(x1),sin(x2)", init_seed=3, loss="bce", epoch=5, n=90, noise=0.3),
    dict(dataset="xor", maps="x1*x2", standardize=1, lr=2, epoch=40, n=120, test_fraction=0.25),
    dict(init="manual", w1=-50, w2=-50, b=3, epoch=2, n=80),  # saturated: σ is 0 or 1 nearly everywhere
    dict(dataset="blobs", mode="rosenblatt", init_seed=11, epoch=4, n=100, noise=0.8),
]


@pytest.mark.parametrize("link", NEURON_LINKS, ids=[str(i) for i in range(len(NEURON_LINKS))])
def test_the_neuron_is_drawn_from_its_weights_as_numpy_computes_it(app_url, new_page, link):
    settings, problems = Settings.from_query({k: str(v) for k, v in link.items()})
    assert not problems
    lab = Lab.from_settings(settings)
    page = new_page()
    page.goto(f"{app_url}/Gradient_descent?{urlencode(link)}")
    drawn = read(page, SIGMOID_TRACE)
    assert int(drawn["epoch"]) == lab.epoch
    check_neuron(drawn, settings, lab)
    lab.step(1)  # the Step: drawn ahead from the next weights, then the server's figure
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(f"() => (({READ})({json.dumps(SIGMOID_TRACE)}) || '').includes('\"epoch\":\"{lab.epoch}\"')")
    check_neuron(read(page, SIGMOID_TRACE), settings, lab)


def test_play_frames_are_drawn_from_their_weights(app_url, new_page):
    link = dict(dataset="circles", maps="x1^2,x2^2", standardize=1, n=120, max_epochs=5000)
    settings, _ = Settings.from_query({k: str(v) for k, v in link.items()})
    lab = Lab.from_settings(settings)
    lab.step(5000)  # the whole run, in-process: any epoch the page shows is checked against it
    page = new_page()
    page.goto(f"{app_url}/Gradient_descent?{urlencode(link)}")
    read(page, SIGMOID_TRACE)
    page.get_by_role("button", name="Play ▶").click()
    # while playing: each frame on screen, drawn from that epoch's weights
    page.wait_for_function(f"() => +((({READ})({json.dumps(SIGMOID_TRACE)}) || '').match(/\"epoch\":\"(\\d+)\"/) || [0, 0])[1] >= 3")
    playing = json.loads(page.evaluate(READ, SIGMOID_TRACE))
    check_neuron(playing, settings, lab)
    page.get_by_role("button", name=re.compile(r"^Pause")).click()
    check_neuron(read(page, SIGMOID_TRACE), settings, lab)


def check_network(drawn: dict, fitted_on, net: NetLab) -> None:
    """What the page drew of the network at the epoch on screen, against numpy."""
    p = net.history.params(int(drawn["epoch"]))
    sent = drawn["params"]
    assert sent["W1"] == p.W1.tolist() and sent["w2"] == p.w2.tolist() and sent["b2"] == float(p.b2)
    bounds = plane_bounds(net.data.X)

    def forward(res):
        a = sigma(phi(grid(bounds, res), net.features, fitted_on) @ p.W1 + p.b1)
        return a, sigma(a @ p.w2 + p.b2)

    _, out = forward(30)
    np.testing.assert_allclose(np.array(trace(drawn, "ŷ = σ(z)")["z"], dtype=float), out.reshape(30, 30), rtol=0, atol=TOL)
    _, out = forward(40)
    line = trace(drawn, "boundary ŷ = 0.5 (z = 0)")
    on_level(line["x"], line["y"], np.linspace(*bounds[0], 40), np.linspace(*bounds[1], 40), out.reshape(40, 40))
    a, _ = forward(12)
    a20, _ = forward(20)
    for j in range(p.h):
        np.testing.assert_allclose(np.array(trace(drawn, f"hidden unit {j + 1}")["z"], dtype=float),
                                   a[:, j].reshape(12, 12), rtol=0, atol=TOL)
        unit = trace(drawn, f"unit {j + 1}: a = 0.5")
        on_level(unit["x"], unit["y"], np.linspace(*bounds[0], 20), np.linspace(*bounds[1], 20), a20[:, j].reshape(20, 20))


NET_LINKS = [
    dict(h=5, hseed=4, hepoch=30, dataset="moons", n=100, hdata="yours", maps="x1*x2", standardize=1),
    dict(h=2, hseed=9, hepoch=8, hdata="xor", hloss="mse", hmode="minibatch"),
    dict(h=8, hseed=1, hepoch=60, hlr=5, dataset="circles", n=150, hdata="yours", maps="x1^2,sin(x2)"),
]


@pytest.mark.parametrize("link", NET_LINKS, ids=[str(i) for i in range(len(NET_LINKS))])
def test_the_hidden_layer_is_drawn_from_its_weights_as_numpy_computes_it(app_url, new_page, link):
    query = {k: str(v) for k, v in link.items()}
    settings, _ = Settings.from_query(query)
    lab = Lab.from_settings(settings)
    net_settings, problems = NetSettings.from_query(query)
    assert not problems
    net = NetLab.from_settings(net_settings, (lab.dataset, lab.features))
    page = new_page()
    page.goto(f"{app_url}/Hidden_layer?{urlencode(link)}")
    drawn = read(page, HIDDEN_TRACE)
    assert int(drawn["epoch"]) == net.epoch == link["hepoch"]
    # the pipeline is fitted on the neuron's training points ("yours") or on the page's own preset's
    fitted_on = lab.points.train_X if link.get("hdata") == "yours" else net.data.train_X
    assert net.features.maps == (settings.maps if link.get("hdata") == "yours" else ())
    check_network(drawn, fitted_on, net)
    net.step(1)
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(f"() => (({READ})({json.dumps(HIDDEN_TRACE)}) || '').includes('\"epoch\":\"{net.epoch}\"')")
    check_network(read(page, HIDDEN_TRACE), fitted_on, net)


# What is on screen in the chart holding a trace named ``name``: each trace's markers and line pieces as
# drawn in the SVG, the notes' texts, the heatmap's picture (as pixels, its image drawn at its own size),
# and whether the chart drew it itself (quick, behind: plotly.js has not drawn it yet).
SCREEN = """
async (name) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => (g.data || []).some(t => t.name === name));
  const st = gd.parentElement.__nlChart;
  const out = {quick: st.quick || 0, behind: !!st.behind, traces: {}, heat: null,
               notes: [...gd.querySelectorAll('g.annotation text.annotation-text')].map(t => t.textContent)};
  for (const g of gd.querySelectorAll('g.trace, g.hm')) {
    const cd = g.__data__, t = cd && (Array.isArray(cd) ? cd[0] && cd[0].trace : cd.trace);
    if (!t) continue;
    out.traces[t.index] = {
      points: [...g.querySelectorAll('path.point')].map(p => p.getAttribute('transform')),
      lines: [...g.querySelectorAll('path.js-line')].map(p => p.getAttribute('d')).join(' '),
    };
    const image = g.querySelector('image');
    if (image && t.index === 0) {
      const img = new Image();
      img.src = image.getAttribute('href') || image.getAttribute('xlink:href');
      await img.decode();
      const c = document.createElement('canvas');
      c.width = 40; c.height = 40;
      const ctx = c.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, 0, 0, 40, 40);
      out.heat = [...ctx.getImageData(0, 0, 40, 40).data];
    }
  }
  return JSON.stringify(out);
}
"""


def _numbers(text: str) -> np.ndarray:
    """The coordinates in an SVG path or transform, as (k, 2) points; "M0,0" (an empty piece) left out."""
    pairs = [tuple(map(float, p)) for p in re.findall(r"(-?[\d.]+),(-?[\d.]+)", text)]
    return np.array([p for p in pairs if p != (0.0, 0.0)]).reshape(-1, 2)


def test_a_step_drawn_by_the_chart_itself_is_what_plotly_draws(app_url, new_page):
    """A Step changes only the moving traces' values and the epoch's note: the chart writes them into the
    SVG (perceptron/web/redraw.js) instead of a whole plotly.js drawing, then lets plotly.js draw the figure
    once quiet. What it wrote must be what plotly.js then draws: every marker at the same place (to 0.02 px),
    every vertex plotly.js keeps of each line on our line, the same notes, the same heatmap picture."""
    page = new_page()
    page.add_init_script("window.__nlQuietMs = 4000")  # the whole drawing waits 4 s, not 0.3: time to read ours
    page.goto(f"{app_url}/Gradient_descent?dataset=circles&maps=x1^2,x2^2&n=120&epoch=3")
    read(page, SIGMOID_TRACE)
    page.wait_for_function(f"async () => !JSON.parse(await ({SCREEN})({json.dumps(SIGMOID_TRACE)})).behind")
    before = json.loads(page.evaluate(SCREEN, SIGMOID_TRACE))
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(f"async () => JSON.parse(await ({SCREEN})({json.dumps(SIGMOID_TRACE)})).notes.some(t => t.startsWith('epoch 4 '))")
    quick = json.loads(page.evaluate(SCREEN, SIGMOID_TRACE))
    assert quick["quick"] > before["quick"] and quick["behind"], "the Step was not drawn by the chart itself"
    page.wait_for_function(f"async () => !JSON.parse(await ({SCREEN})({json.dumps(SIGMOID_TRACE)})).behind")
    whole = json.loads(page.evaluate(SCREEN, SIGMOID_TRACE))
    assert quick["notes"] == whole["notes"]
    for index, ours in quick["traces"].items():
        theirs = whole["traces"][index]
        assert len(ours["points"]) == len(theirs["points"])
        if ours["points"]:
            np.testing.assert_allclose(_numbers(" ".join(ours["points"])), _numbers(" ".join(theirs["points"])), atol=0.02)
        a, b = _numbers(ours["lines"]), _numbers(theirs["lines"])
        assert (len(a) == 0) == (len(b) == 0), index
        for point in b:  # plotly.js drops vertices on a straight run; each one it keeps is one of ours
            assert np.min(np.abs(a - point).max(axis=1)) <= 0.02, (index, point)
    moved = [i for i in quick["traces"] if quick["traces"][i] != before["traces"].get(i)]
    assert moved, "nothing moved"
    np.testing.assert_allclose(quick["heat"], whole["heat"], atol=2)
    assert quick["heat"] != before["heat"]


def test_samples_the_chart_lost_are_sent_again(app_url, new_page):
    """The training samples come once per session, then by their id (chart.py's share_parts). A chart that
    no longer has them (here: its store emptied) asks for them, and draws the next Step right."""
    link = dict(dataset="moons", maps="x1*x2", standardize=1, init_seed=5, epoch=3, n=100)
    settings, _ = Settings.from_query({k: str(v) for k, v in link.items()})
    lab = Lab.from_settings(settings)
    page = new_page()
    page.goto(f"{app_url}/Gradient_descent?{urlencode(link)}")
    check_neuron(read(page, SIGMOID_TRACE), settings, lab)
    ids = page.evaluate("() => [...(window.__nlParts || new Map()).keys()]")
    assert len(ids) == 1, ids
    page.evaluate("() => window.__nlParts.clear()")
    lab.step(1)
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(f"() => (({READ})({json.dumps(SIGMOID_TRACE)}) || '').includes('\"epoch\":\"{lab.epoch}\"')")
    page.wait_for_function("(id) => window.__nlParts.has(id)", arg=ids[0], timeout=60_000)  # sent again
    page.wait_for_function(IDLE, timeout=60_000)
    check_neuron(read(page, SIGMOID_TRACE), settings, lab)
    lab.step(1)  # and the next Step names them again
    page.get_by_role("button", name="Step one epoch").click()
    page.wait_for_function(f"() => (({READ})({json.dumps(SIGMOID_TRACE)}) || '').includes('\"epoch\":\"{lab.epoch}\"')")
    check_neuron(read(page, SIGMOID_TRACE), settings, lab)
