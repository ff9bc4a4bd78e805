// Defines the <stigg-*> custom elements. Rendering, data and events live in Python
// (widgets/browser); this module only reflects attributes, shows a CSS skeleton and hands
// lifecycle calls to Python once it registers, queueing them until then.
const PAYWALL = ["product-id", "resource-id", "highlighted-plan-id", "billing-period",
  "billing-country-code", "show-only-eligible-plans", "hide-addons", "layout", "locale", "theme", "texts", "cta-href"];
const TAGS = {
  "stigg-paywall": PAYWALL,
  "stigg-pricing-table": PAYWALL,
  "stigg-customer-portal": ["resource-id", "product-id", "hidden-sections", "paywall-href",
    "locale", "theme", "texts"],
  "stigg-usage-meter": ["feature-id", "warning-at", "locale", "theme", "texts"],
  "stigg-gate": ["feature-id", "requested-usage", "locale", "texts"],
  "stigg-upgrade-prompt": ["feature-id", "requested-usage", "paywall-href", "locale", "theme", "texts"],
};
const CSS_HREF = new URL("./stigg-widgets.css", import.meta.url).href;
const queue = [];
let handler = null;

function send(kind, el, name = null, oldValue = null, newValue = null) {
  if (handler) handler(kind, el, name, oldValue, newValue);
  else queue.push([kind, el, name, oldValue, newValue]);
}

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

function skeleton(tag) {
  const cards = tag.endsWith("paywall") || tag.endsWith("table") ? 3 : 1;
  const inner = '<div class="skeleton-card" part="skeleton"></div>'.repeat(cards);
  return `<link rel="stylesheet" href="${CSS_HREF}"><div class="root" part="root">` +
    `<div class="state state-loading" role="status" aria-busy="true">` +
    `<div class="skeleton" aria-hidden="true">${inner}</div></div></div>`;
}

function define(tag, attributes) {
  if (customElements.get(tag)) return;
  class StiggElement extends HTMLElement {
    static get observedAttributes() { return attributes; }
    connectedCallback() {
      if (!this.shadowRoot) {
        this.attachShadow({ mode: "open" }).innerHTML = skeleton(tag);
        this.dataset.state = "loading";
        this.setAttribute("aria-busy", "true");
      }
      send("connected", this);
    }
    attributeChangedCallback(name, oldValue, newValue) {
      if (this.isConnected && oldValue !== newValue) send("attribute", this, name, oldValue, newValue);
    }
    disconnectedCallback() { send("disconnected", this); }
  }
  for (const name of attributes) {
    Object.defineProperty(StiggElement.prototype, camel(name), {
      get() { return this.getAttribute(name); },
      set(value) {
        if (value === null || value === undefined || value === false) this.removeAttribute(name);
        else this.setAttribute(name, value === true ? "" : String(value));
      },
    });
  }
  customElements.define(tag, StiggElement);
}

for (const [tag, attributes] of Object.entries(TAGS)) define(tag, attributes);

window.stiggElements = {
  cssHref: CSS_HREF,
  tags: Object.keys(TAGS),
  /** Python calls this with one function(kind, element, name, old, new); queued calls replay. */
  register(fn) {
    handler = fn;
    for (const call of queue.splice(0)) fn(...call);
    return CSS_HREF;
  },
};
window.dispatchEvent(new Event("stigg-elements-defined"));
