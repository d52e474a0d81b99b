// Every element of the page is made here. Text always goes in as text (a Text node, or an
// attribute value), never parsed as markup; the page's CSP (Trusted Types) would refuse a
// string given to an HTML sink. URLs from the API go into src/href only when http(s) or blob.

const PROPERTIES = new Set(["value", "checked", "disabled", "hidden", "multiple", "selected"]);
// A form control's starting state is its default (defaultValue, defaultChecked, defaultSelected),
// so that form.reset() returns to it: setting only the live property, reset() cleared a checked
// "anonymous" box and the next post went out under the author's name.
const DEFAULTS = { value: "defaultValue", checked: "defaultChecked", selected: "defaultSelected" };
const URL_ATTRIBUTES = new Set(["href", "src", "poster", "action"]);

function safeUrl(value) {
  try {
    const url = new URL(String(value), location.href);
    return ["http:", "https:", "blob:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (PROPERTIES.has(key)) {
      if (DEFAULTS[key] in element) element[DEFAULTS[key]] = value;
      element[key] = value;
    } else if (URL_ATTRIBUTES.has(key)) {
      const url = safeUrl(value);
      if (url) element.setAttribute(key, url);
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

// A person's name (or any short user text inside a sentence): isolated, so that a right-to-left
// override in it cannot turn the text around it.
export function name(text) {
  return h("bdi", { class: "name" }, text);
}

// A body of user text: its own paragraph, its direction taken from its own first letters.
export function body(text, tag = "p") {
  return h(tag, { class: "body", dir: "auto" }, text);
}
