// Small DOM helpers shared by the console and the demo (plain ES modules, no build step).

/** `h('button', {type: 'button', onclick}, 'Save')`: an element with properties/attributes and children. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key in el && !key.startsWith('aria') && key !== 'role') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(
    ...children
      .flat()
      .filter((c) => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
  return el;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  el.append(
    ...children
      .flat()
      .filter((c) => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
  return el;
}

/** A table with a caption and header cells; `rows` are arrays of cells (text or nodes). */
export function table(caption, headers, rows, empty = 'Nothing found.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((c) => h('td', {}, c ?? '')),
          ),
        ),
      ),
    ),
  );
}

/** A labelled input (the label wraps it, so the input's accessible name is the label text). */
export function field(label, props = {}) {
  return h('label', { class: 'field' }, h('span', {}, label), h('input', props));
}

/** `2026-11-30 07:14:19` in the browser's time zone, or `—`. */
export function when(millis) {
  if (millis === null || millis === undefined) return '—';
  const d = new Date(millis);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
