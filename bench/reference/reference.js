// The reference paywall: Stigg's own browser SDK (UMD bundle, `window.Stigg`) fetches the paywall
// from the emulator and this script renders each plan's name, monthly price and a button as plain
// HTML, with the same texts the Python renderer uses for these plans (Free / $15 / Custom).
(async () => {
  const config = JSON.parse(document.getElementById("reference-config").textContent);
  const root = document.getElementById("paywall");
  const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const money = (amount, currency) => new Intl.NumberFormat(config.locale, {
    style: "currency",
    currency,
    minimumFractionDigits: Number.isInteger(amount) ? 0 : 2,
  }).format(amount);
  const price = (plan) => {
    if (plan.pricingType === "FREE") return "Free";
    if (plan.pricingType === "CUSTOM") return "Custom";
    const point = plan.pricePoints.find((p) => p.billingPeriod === config.billing_period);
    return point && point.amount != null ? `${money(point.amount, point.currency)} / month` : "";
  };
  try {
    const client = await window.Stigg.default.initialize({
      apiKey: config.api_key,
      baseUri: config.base_uri,
      baseEdgeUri: config.edge_uri,
    });
    const paywall = await client.getPaywall({ productId: config.product_id });
    const plans = [...paywall.plans].sort((a, b) => a.order - b.order);
    root.innerHTML = `<ul class="plans">${plans.map((plan) =>
      `<li class="plan" data-plan-id="${escape(plan.id)}"><h3>${escape(plan.displayName)}</h3>` +
      `<p class="price">${escape(price(plan))}</p>` +
      `<button type="button" data-plan-id="${escape(plan.id)}">Choose ${escape(plan.displayName)}</button></li>`
    ).join("")}</ul>`;
    root.dataset.state = "ready";
  } catch (error) {
    root.dataset.state = "error";
    root.textContent = String(error && error.stack || error);
  }
})();
