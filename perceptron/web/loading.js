// What loader.js asks of the chart's module besides drawing a chart: plotly.js started early (the page's
// preload, chart.py's preload) and a playback's frames made whole (chart.py's Frames).

// The page's first element: plotly.js (``data.src``) loading, into the promise chart.js's loadPlotly keeps
// (window.__neuronLabPlotly), while the server still computes the page; the first chart finds it loading or
// loaded. The element draws nothing.
export function preload(data) {
  if ((window.Plotly && window.Plotly.react) || window.__neuronLabPlotly || !data.src) return;
  window.__neuronLabPlotly = new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = data.src;
    s.async = true;
    s.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
    s.onerror = () => {
      window.__neuronLabPlotly = null;  // the first chart tries again, and says so if it fails
      s.remove();
      reject(new Error("Could not load " + data.src));
    };
    document.head.appendChild(s);
  });
  window.__neuronLabPlotly.catch(() => {});
}

// A playback's frames name the annotations they all repeat (a figure's titles) by their index in
// ``frames_shared.annotations``, sent once with the list, and one whose text alone changes (the epoch's note) as
// ``{$: index, text}``: put back, each frame its own copy, before the chart sees the frames.
const patterned = (a) => a !== null && typeof a === "object" && Number.isInteger(a.$);

export function withShared(component) {
  const d = component.data, shared = d && d.frames_shared && d.frames_shared.annotations;
  if (!shared || !Array.isArray(d.frames)) return component;
  const frames = d.frames.map((f) => {
    const notes = f && f.layout && f.layout.annotations;
    if (!Array.isArray(notes) || !notes.some((a) => Number.isInteger(a) || patterned(a))) return f;
    const annotations = notes.map((a) => (Number.isInteger(a) ? structuredClone(shared[a])
      : patterned(a) ? { ...structuredClone(shared[a.$]), text: a.text } : a));
    return { ...f, layout: { ...f.layout, annotations } };
  });
  return { ...component, data: { ...d, frames, frames_shared: null } };
}
