// The chart component as Streamlit runs it: st.components.v2 sends a component's JavaScript with every
// rerun, so it is only this, which imports the chart's module (static/neuron-lab-chart.js, bundle.py; its
// URL ``data.module`` has the bundle's hash) once per page and hands it every call.
const load = (url) => {
  if (!window.__nlChartModule) {
    window.__nlChartModule = import(new URL(url, window.location.href).href).catch((err) => {
      window.__nlChartModule = null;  // the next call tries again
      throw err;
    });
  }
  return window.__nlChartModule;
};

// The page's data: UTF-8 JSON (chart.py encodes it once), parsed once a message.
const received = (component) => {
  const raw = component.data, el = component.parentElement;
  if (!(raw instanceof Uint8Array || raw instanceof ArrayBuffer)) return component;
  if (el.__nlRaw !== raw) {
    el.__nlRaw = raw;
    el.__nlData = JSON.parse(new TextDecoder().decode(raw));
  }
  return { ...component, data: el.__nlData };
};

// A chart's frames are made whole first (loading.js).
export default function (sent) {
  const component = received(sent);
  const d = component.data || {};
  const go = (m) => m.default(m.withShared(component));
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
