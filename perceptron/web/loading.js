// What loader.js asks of the chart's module besides drawing a chart: a playback's frames made whole (chart.py's
// Frames). plotly.js starts early where the page's HTML names it (deploy/nginx.conf.template); chart.js uses it.

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
