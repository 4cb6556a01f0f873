// The chart component as Streamlit runs it. st.components.v2 sends a component's JavaScript with every
// rerun, so this is all it sends: a few lines that import the chart's module once per page and hand it
// every call. The module is perceptron/web/forward.js, chart_logic.js, redraw.js and chart.js joined
// (perceptron/web/bundle.py), committed as static/neuron-lab-chart.js and served by Streamlit
// from static/ (``data.module`` is its URL, with the bundle's hash, so that a new version is fetched).
const load = (url) => {
  if (!window.__nlChartModule) {
    window.__nlChartModule = import(new URL(url, window.location.href).href).catch((err) => {
      window.__nlChartModule = null;  // the next call tries again
      throw err;
    });
  }
  return window.__nlChartModule;
};

// ``data.preload``: the page's first element (chart.py's preload), which starts loading the module and plotly.js
// while the server computes the page. A chart's frames are made whole first (loading.js).
export default function (component) {
  const d = component.data || {};
  const go = (m) => (d.preload ? m.preload(d) : m.default(m.withShared(component)));
  const ready = window.__nlChart;
  if (ready) return go(ready);
  let cleanup = null, gone = false;
  load(d.module).then((m) => {
    window.__nlChart = m;
    if (!gone) cleanup = go(m);
  }).catch((err) => {
    if (!gone) component.parentElement.textContent = `The chart could not load: ${err && err.message ? err.message : err}`;
  });
  return () => {
    gone = true;
    if (cleanup) cleanup();
  };
}
