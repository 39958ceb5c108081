// Small DOM helpers. Text is only ever inserted as text nodes or through `textContent`:
// nothing in Web/ assigns HTML strings, so what people type can never become markup.

/**
 * Creates an element. `props`: `class` (string or list), `text`, `dataset`, `on<event>`
 * handlers, DOM properties (booleans and non-strings: `checked`, `disabled`…) and attributes.
 * Children are nodes or strings (strings become text nodes); null and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (typeof value !== 'string' && key in el) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text) to `el`. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces every child of `el`. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Sets `el.textContent` only when it differs, so screen readers and selections are not disturbed. */
export function setText(el, text) {
  const value = text == null ? '' : String(text);
  if (el.textContent !== value) el.textContent = value;
}

/**
 * Keeps `container`'s children in step with `items`, reusing each item's element by key:
 * `create(item)` builds a new element, `update(el, item)` refreshes it. Elements already in
 * place are not moved, so focus and half-typed text inside them survive a refresh.
 */
export function reconcile(container, items, key, create, update) {
  const existing = new Map();
  for (const child of Array.from(container.children)) {
    if (child.dataset.key != null) existing.set(child.dataset.key, child);
  }
  let cursor = container.firstElementChild;
  const wanted = new Set();
  for (const item of items) {
    const k = String(key(item));
    wanted.add(k);
    let el = existing.get(k);
    if (!el) {
      el = create(item);
      el.dataset.key = k;
    }
    update?.(el, item);
    if (el !== cursor) container.insertBefore(el, cursor);
    else cursor = cursor.nextElementSibling;
  }
  for (const [k, el] of existing) if (!wanted.has(k)) el.remove();
  // Anything left after the cursor that is not keyed is stale too.
  while (cursor) {
    const next = cursor.nextElementSibling;
    if (!wanted.has(cursor.dataset.key)) cursor.remove();
    cursor = next;
  }
}

/** Shows or hides an element with the `hidden` attribute. */
export function show(el, visible) {
  if (el.hidden === !!visible) el.hidden = !visible;
}

/**
 * Marks a required control as invalid: `aria-invalid`, and `message` shown under it, tied to it by
 * `aria-describedby` and announced as an alert. Typing or choosing in it clears both.
 */
export function markInvalid(control, message) {
  const id = `${control.id}-error`;
  let note = control.ownerDocument.getElementById(id);
  if (!note) {
    note = h('p', { class: 'error field-error', id, role: 'alert' });
    control.after(note);
    const described = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', described ? `${described} ${id}` : id);
    control.addEventListener('input', () => {
      note.remove();
      control.removeAttribute('aria-invalid');
      if (described) control.setAttribute('aria-describedby', described);
      else control.removeAttribute('aria-describedby');
    }, { once: true });
  }
  setText(note, message);
  control.setAttribute('aria-invalid', 'true');
}
