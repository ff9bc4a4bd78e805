// Defines the <stigg-*> custom elements. Rendering, data and events live in Python
// (widgets/browser); this module only reflects attributes, shows a CSS skeleton and hands
// lifecycle calls to Python once it registers, queueing them until then. A repeat visit paints
// the last rendered markup from localStorage; input on markup that is already there (server-
// rendered or such a snapshot) is recorded until Python is live and replayed by it, in order.
const PAYWALL = ["product-id", "resource-id", "highlighted-plan-id", "billing-period",
  "billing-country-code", "show-only-eligible-plans", "hide-addons", "layout", "locale", "theme", "texts", "cta-href"];
const CREDIT = ["currency-id", "locale", "theme", "texts"];
const TAGS = {
  "stigg-paywall": PAYWALL,
  "stigg-pricing-table": PAYWALL,
  "stigg-customer-portal": ["resource-id", "product-id", "hidden-sections", "paywall-href",
    "locale", "theme", "texts"],
  "stigg-usage-meter": ["feature-id", "warning-at", "history", "locale", "theme", "texts"],
  "stigg-gate": ["feature-id", "requested-usage", "requested-values", "min-value", "locale",
    "texts"],
  "stigg-upgrade-prompt": ["feature-id", "requested-usage", "paywall-href", "locale", "theme", "texts"],
  "stigg-credit-balance": [...CREDIT, "add-credits"],
  "stigg-credit-utilization": CREDIT,
  "stigg-credit-usage-chart": [...CREDIT, "time-range"],
  "stigg-credit-grants": CREDIT,
  "stigg-checkout": ["plan-id", "resource-id", "billing-period", "seats", "addon", "billing-country-code", "locale", "theme", "texts"],
};
const CSS_HREF = new URL("./stigg-widgets.css", import.meta.url).href;
const queue = [];
let handler = null;

function send(kind, el, name = null, oldValue = null, newValue = null) {
  if (handler) handler(kind, el, name, oldValue, newValue);
  else queue.push([kind, el, name, oldValue, newValue]);
}

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

// The status text screen readers get while the skeleton shows; the same strings as the "loading"
// key of widgets/texts.py (a test keeps them equal), overridable by the element's texts JSON.
const LOADING = { en: "Loading…", de: "Wird geladen…" };

function loadingText(el) {
  const id = el.getAttribute("texts");
  try {
    const own = id && JSON.parse(document.getElementById(id)?.textContent || "{}").loading;
    if (own) return String(own);
  } catch { /* malformed overrides: the shipped text */ }
  const lang = (el.getAttribute("locale") || document.documentElement.lang || "en").slice(0, 2);
  return LOADING[lang.toLowerCase()] || LOADING.en;
}

function skeleton(el, tag) {
  const cards = tag.endsWith("paywall") || tag.endsWith("table") ? 3 : 1;
  const inner = '<div class="skeleton-card" part="skeleton"></div>'.repeat(cards);
  // Visually hidden inline: the stylesheet may not have loaded yet.
  const hidden = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);" +
    "white-space:nowrap;margin:-1px";
  el.shadowRoot.innerHTML = `<link rel="stylesheet" href="${CSS_HREF}"><div class="root" part="root">` +
    `<div class="state state-loading" role="status" aria-busy="true">` +
    `<span class="visually-hidden" style="${hidden}"></span>` +
    `<div class="skeleton" aria-hidden="true">${inner}</div></div></div>`;
  el.shadowRoot.querySelector(".visually-hidden").textContent = loadingText(el);
}

// ---- Input before Python is live --------------------------------------------------------------
// Capture-phase listeners on the shadow root note every click and change on a widget control
// (`data-action`) until Python marks the element live (`stiggInputLive`); Python then takes the
// notes (`takeInput`) and handles each like the live event, so a CTA clicked at first paint fires
// the same cancelable `stigg-plan-selected` as one clicked later (a CTA with `cta-href` and nothing
// noted before it is handled at once, see selectPlan). Controls are buttons and inputs, so nothing
// navigates on its own; plain links (no `data-action`) stay real links. A period toggle whose
// rendering the server sent along (`ssr_element` alternatives) switches at once and fires its
// event here; its note is `announced`, so Python's replay does not fire it again.
const RECORDED_EVENTS = ["click", "change"];
const CONTROL_KEYS = ["data-action", "data-plan-id", "data-feature-id", "data-subscription-id"];
const recorded = new WeakMap();

/** A selector that finds the same control again, also in markup rendered afresh. */
function controlSelector(control) {
  const keys = ["radio", "checkbox"].includes(control.getAttribute("type"))
    ? [...CONTROL_KEYS, "value"] : CONTROL_KEYS;
  const quote = (value) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return control.localName + keys.filter((name) => control.hasAttribute(name))
    .map((name) => `[${name}="${quote(control.getAttribute(name))}"]`).join("");
}

function recordInput(el) {
  if (recorded.has(el)) return;
  recorded.set(el, []);
  const note = (event) => {
    if (el.stiggInputLive) return;
    const control = event.target.closest?.("[data-action]");
    // Inputs act on "change" (which follows their click); buttons on "click".
    if (!control || (event.type === "click" && control.localName === "input")) return;
    const notes = recorded.get(el);
    // Nothing noted waits for Python (announced input is shown already).
    const settled = notes.every((n) => n.announced);
    if (event.type === "click" && control.dataset.action === "select" && settled &&
        el.hasAttribute("cta-href")) {
      selectPlan(el, control, declaredCustomer() || null);
      return;
    }
    if (event.type === "click") control.setAttribute("data-pending", "");
    const selector = controlSelector(control);
    const announced = event.type === "change" && control.dataset.action === "period" &&
      settled && showAlternative(el, `period:${control.value}`, selector);
    notes.push({
      type: event.type, selector, value: control.value ?? null,
      checked: Boolean(control.checked), announced,
    });
    if (announced) {
      el.dispatchEvent(new CustomEvent("stigg-billing-period-change",
        { detail: { billingPeriod: control.value }, bubbles: true, composed: true, cancelable: true }));
    }
  };
  for (const type of RECORDED_EVENTS) el.shadowRoot.addEventListener(type, note, true);
}

function spareTemplate(key) {
  const spare = document.createElement("template");
  spare.dataset.stiggAlternative = key;
  return spare;
}

/** Show the `<template data-stigg-alternative=key>` rendering (keeping the one it replaces) and
 * focus `selector` in it; false when there is none. */
function showAlternative(el, key, selector) {
  const root = el.shadowRoot.querySelector(".root");
  const spare = (name) => [...el.shadowRoot.querySelectorAll("template[data-stigg-alternative]")]
    .find((node) => node.dataset.stiggAlternative === name);
  const next = spare(key);
  const shown = root?.querySelector("[data-billing-period]")?.dataset.billingPeriod;
  if (!root || !next || !shown) return false;
  if (!spare(`period:${shown}`)) {
    const keep = spareTemplate(`period:${shown}`);
    keep.content.append(...root.childNodes);
    root.after(keep);
  }
  root.replaceChildren(next.content.cloneNode(true));
  root.querySelector(selector)?.focus();
  return true;
}

// ---- Plan selection ------------------------------------------------------------------------------
// The one implementation of a paywall CTA, for Python (once live) and for the shim (before): the
// choice read from the markup, a cancelable `stigg-plan-selected`, then `cta-href` unless
// cancelled. So with `cta-href` a CTA clicked at first paint navigates at once; a click that
// follows other input still waiting for Python is noted instead, to keep the order.
function planSelection(el, button, customerId) {
  const root = el.shadowRoot, planId = button.dataset.planId;
  const mine = (action) => [...root.querySelectorAll(`input[data-action="${action}"]`)]
    .filter((node) => node.dataset.planId === planId);
  const quantities = {};
  for (const node of mine("quantity")) quantities[node.dataset.featureId] = Number(node.value);
  const period = root.querySelector('input[data-action="period"]:checked')?.value ??
    root.querySelector("[data-billing-period]")?.dataset.billingPeriod;
  return { planId, intention: button.dataset.intention, billingPeriod: period, quantities,
    addons: mine("addon").filter((node) => node.checked).map((node) => node.value),
    customerId, resourceId: el.getAttribute("resource-id") };
}

/** `cta-href` with `{planId}`, `{intention}`, `{billingPeriod}`, `{customerId}`, `{resourceId}`,
 * `{quantity}` (the plan's first) and `{addons}` (comma-separated) filled in, encoded. */
function ctaUrl(template, detail) {
  const values = { ...detail, quantity: Object.values(detail.quantities)[0],
    addons: detail.addons.join(",") };
  return template.replace(/\{(planId|intention|billingPeriod|customerId|resourceId|quantity|addons)\}/g,
    (_, key) => encodeURIComponent(values[key] ?? ""));
}

function selectPlan(el, button, customerId) {
  const detail = planSelection(el, button, customerId);
  const proceed = el.dispatchEvent(new CustomEvent("stigg-plan-selected",
    { detail, bubbles: true, composed: true, cancelable: true }));
  const template = el.getAttribute("cta-href");
  if (proceed && template) location.assign(ctaUrl(template, detail));
  return detail;
}

/** The input noted on `el` since the last call, oldest first, as JSON. */
function takeInput(el) {
  const notes = recorded.get(el) || [];
  recorded.set(el, []);
  return JSON.stringify(notes);
}

// ---- Rendered-markup snapshot for repeat visits ------------------------------------------------
// Python saves each element's last loaded markup, with its spare renderings (`saveSnapshot`); on
// the next visit the shim paints it before Python starts, and Python then renders fresh data over
// it (the spares let a period toggle switch at once meanwhile, as on server markup). Keyed by format
// version, tag, configuration attributes and customer. The customer is the one the page declares
// (`<meta name="stigg-customer-id" content="…">`, none: anonymous), never a remembered one, so a
// page never paints another customer's markup; saving for one customer drops every other's.
const SNAPSHOT_VERSION = 1;
const SNAPSHOT_PREFIX = `stigg-widgets:v${SNAPSHOT_VERSION}:`;
const SNAPSHOT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

function declaredCustomer() {
  return document.querySelector('meta[name="stigg-customer-id"]')?.content || "";
}

function snapshotKey(el, customer) {
  const config = (TAGS[el.localName] || []).filter((name) => el.hasAttribute(name))
    .map((name) => [name, el.getAttribute(name)]);
  return SNAPSHOT_PREFIX + JSON.stringify([el.localName, config, customer]);
}

/** Every stored snapshot key (all customers), or those of customers other than `keep`. */
function snapshotKeys(keep = null) {
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith("stigg-widgets:")) continue;
    let customer = null;
    try { customer = JSON.parse(key.slice(SNAPSHOT_PREFIX.length))[2]; } catch { /* old */ }
    if (keep === null || customer !== keep) keys.push(key);
  }
  return keys;
}

function paintSnapshot(el) {
  try {
    const key = snapshotKey(el, declaredCustomer());
    const saved = localStorage.getItem(key);
    if (!saved) return false;
    let entry = null;
    try { entry = JSON.parse(saved); } catch { /* corrupt: dropped below */ }
    const fresh = entry && entry.v === SNAPSHOT_VERSION && typeof entry.html === "string" &&
      Date.now() - entry.savedAt < SNAPSHOT_MAX_AGE_MS;
    if (!fresh) { localStorage.removeItem(key); return false; }
    el.shadowRoot.innerHTML = `<link rel="stylesheet" href="${CSS_HREF}">` +
      `<div class="root" part="root">${entry.html}</div>`;
    for (const [key, html] of Object.entries(entry.spares || {})) {
      const spare = spareTemplate(key);
      spare.innerHTML = html;
      el.shadowRoot.append(spare);
    }
    el.dataset.state = entry.state === "empty" ? "empty" : "ready";
    el.dataset.stiggSnapshot = "";
    return true;
  } catch { return false; } // storage unavailable: the skeleton
}

function saveSnapshot(el, customer, html, state, spares = "{}") {
  try {
    for (const key of snapshotKeys(customer)) localStorage.removeItem(key);
    const entry = { v: SNAPSHOT_VERSION, savedAt: Date.now(), state, html,
      spares: JSON.parse(spares) };
    localStorage.setItem(snapshotKey(el, customer), JSON.stringify(entry));
  } catch { /* storage full or unavailable: no snapshot */ }
}

function clearSnapshots() {
  try { for (const key of snapshotKeys()) localStorage.removeItem(key); } catch { /* none */ }
}

function define(tag, attributes) {
  if (customElements.get(tag)) return;
  class StiggElement extends HTMLElement {
    static get observedAttributes() { return attributes; }
    connectedCallback() {
      if (!this.shadowRoot) {
        this.attachShadow({ mode: "open" });
        if (!paintSnapshot(this)) {
          skeleton(this, tag);
          this.dataset.state = "loading";
          this.setAttribute("aria-busy", "true");
        }
      }
      recordInput(this);
      send("connected", this);
    }
    attributeChangedCallback(name, oldValue, newValue) {
      // Not for the attributes an element is parsed or upgraded with: "connected" covers those.
      if (this.shadowRoot && this.isConnected && oldValue !== newValue) {
        send("attribute", this, name, oldValue, newValue);
      }
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
  takeInput,
  /** Python's CTA handler: the same selection, event and navigation as before it was live. */
  selectPlan,
  saveSnapshot,
  /** Drop every saved markup snapshot (call it on sign-out). */
  clearSnapshots,
};
window.dispatchEvent(new Event("stigg-elements-defined"));
