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

// plotly.js (``src``) as chart.js's loadPlotly loads it, into the same promise (window.__neuronLabPlotly): the
// first chart finds it loading, or loaded.
const loadPlotly = (src) => {
  if ((window.Plotly && window.Plotly.react) || window.__neuronLabPlotly) return;
  window.__neuronLabPlotly = new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
    s.onerror = () => {
      window.__neuronLabPlotly = null;  // the chart tries again, and says so if it fails
      s.remove();
      reject(new Error("Could not load " + src));
    };
    document.head.appendChild(s);
  });
  window.__neuronLabPlotly.catch(() => {});
};

// The page's first element (chart.py's preload): start loading the chart's module and plotly.js while the
// server still computes the page, not when its first chart arrives; it takes no room on the page.
function preload(component) {
  const box = component.parentElement && component.parentElement.closest('[data-testid="stElementContainer"]');
  if (box) box.style.display = "none";
  const { module, src } = component.data;
  if (module) load(module).then((m) => { window.__nlChart = m; }).catch(() => {});
  if (src) loadPlotly(src);
}

export default function (component) {
  if (component.data && component.data.preload) return preload(component);
  const ready = window.__nlChart;
  if (ready) return ready.default(component);
  let cleanup = null, gone = false;
  load(component.data && component.data.module).then((m) => {
    window.__nlChart = m;
    if (!gone) cleanup = m.default(component);
  }).catch((err) => {
    if (!gone) component.parentElement.textContent = `The chart could not load: ${err && err.message ? err.message : err}`;
  });
  return () => {
    gone = true;
    if (cleanup) cleanup();
  };
}
