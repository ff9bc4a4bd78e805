// Stigg's published browser SDK (@stigg/js-client-sdk 3.35.0, a UMD bundle) run under Node 20
// against the emulator with the client (publishable) key: every method of the browser seed guide.
// Node 20 already has fetch, URL and URLSearchParams; the only browser global the SDK needs is
// `window.location` (read by waitForCheckoutCompleted), which we provide as a plain object.
// Customers the client key cannot create are set up with the Node server SDK first.
// Assertions: tests/interop/test_browser_sdk.py.
import { Harness, nodeServerSdk, requireFromRepo, sleep, waitFor } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, clientKey, prefix } = h.input;

globalThis.window = { location: { search: '', href: 'http://127.0.0.1/' } };
const setLocationSearch = (search) => {
  globalThis.window.location.search = search;
  globalThis.window.location.href = `http://127.0.0.1/checkout/success${search}`;
};

// Record every HTTP exchange the SDKs make (installed before they load, in case they keep a
// reference to fetch): lets the tests check statuses and the batched entitlement-check answer.
const exchanges = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = typeof input === 'string' ? input : input.url;
  const response = await realFetch(input, init);
  const entry = { url, method: init.method ?? 'GET', status: response.status };
  try {
    const body = init.body ? JSON.parse(init.body) : null;
    entry.operations = body ? [body].flat().map((op) => op.operationName) : [];
    entry.batch = Array.isArray(body);
    if (entry.batch) entry.answer = await response.clone().json();
  } catch {
    entry.unreadable = true;
  }
  exchanges.push(entry);
  return response;
};

const Stigg = requireFromRepo('@stigg/js-client-sdk').default;

// --- set-up with the server key -------------------------------------------------------------------
const server = nodeServerSdk(h.input);
const ids = { usage: `${prefix}-b-usage`, ws: `${prefix}-b-ws`, paid: `${prefix}-b-paid` };
await h.ready(server, 'setup.waitForInitialization');
await h.step('setup.usageCustomer', () =>
  server.provisionCustomer({ customerId: ids.usage, subscriptionParams: { planId: 'plan-stigg-starter' } }),
);
await h.step('setup.workspaceCustomer', async () => {
  await server.provisionCustomer({ customerId: ids.ws, subscriptionParams: null });
  const subs = [];
  for (const resourceId of ['ws-1', 'ws-2']) {
    subs.push(await server.provisionSubscription({ customerId: ids.ws, planId: 'plan-workspace-free', resourceId }));
  }
  return subs;
});
const paid = await h.step('setup.paidCustomer', () =>
  server.provisionCustomer({
    customerId: ids.paid,
    billingInfo: { paymentMethodId: 'pm_card_visa' },
    subscriptionParams: { planId: 'plan-stigg-pro', billingPeriod: 'MONTHLY' },
  }),
);
const paidSubscriptionId = paid?.subscription?.id;

// --- the browser SDK ------------------------------------------------------------------------------
const stigg = Stigg.initialize({
  apiKey: clientKey,
  customerId: 'customer-demo-01',
  baseUri,
  baseEdgeUri: edgeUri,
  logConfiguration: { logLevel: 'ERROR' },
});
const updates = [];
stigg.addListener('entitlementsUpdated', (entitlements) => updates.push(entitlements));

await h.step('waitForInitialization', async () => {
  await stigg.waitForInitialization();
  return { isCustomerLoaded: stigg.isCustomerLoaded };
});
await h.step('getBooleanEntitlement', () =>
  stigg.getBooleanEntitlement({ featureId: 'feature-demo-02', options: { shouldTrack: true } }),
);
await h.step('getBooleanEntitlement.notInPlan', () => stigg.getBooleanEntitlement({ featureId: 'feature-api-calls' }));
await h.step('getNumericEntitlement', () => stigg.getNumericEntitlement({ featureId: 'feature-demo-01' }));
await h.step('getMeteredEntitlement', () => stigg.getMeteredEntitlement({ featureId: 'feature-demo-03' }));
await h.step('getMeteredEntitlement.requestedUsage', () =>
  stigg.getMeteredEntitlement({ featureId: 'feature-demo-03', options: { requestedUsage: 10 } }),
);
await h.step('getEntitlements', () => stigg.getEntitlements());
await h.step('entitlementsUpdated.listener', () => updates.length);
await h.step('getPaywall', () => stigg.getPaywall());
await h.step('getPaywall.product', () => stigg.getPaywall({ productId: 'product-stigg' }));
await h.step('getCustomerPortal', () => stigg.getCustomerPortal());
await h.step('getCustomer', () => stigg.getCustomer());
const demoSubs = await h.step('getActiveSubscriptionsList', () => stigg.getActiveSubscriptionsList());
await h.step('getSubscription', () =>
  stigg.getSubscription({ subscriptionId: demoSubs?.[0]?.subscriptionId ?? 'missing-subscription-id' }),
);
await h.step('getCoupons', () => stigg.getCoupons());
await h.step('estimateSubscription', () =>
  stigg.estimateSubscription({
    customerId: 'customer-demo-01',
    planId: 'plan-stigg-pro',
    billingPeriod: 'MONTHLY',
    addons: [{ addonId: 'addon-extra-requests', quantity: 1 }],
    promotionCode: 'STIGG30',
    startDate: new Date(),
    billingCountryCode: 'US',
  }),
);
await h.step('estimateSubscriptionUpdate', () =>
  stigg.estimateSubscriptionUpdate({
    subscriptionId: paidSubscriptionId ?? 'missing-subscription-id',
    addons: [{ addonId: 'addon-extra-requests', quantity: 1 }],
  }),
);

// Customer and resource context.
await h.step('setCustomerId', async () => {
  await stigg.setCustomerId(ids.ws, 'customer-token-not-checked-without-signing-secret');
  return { isCustomerLoaded: stigg.isCustomerLoaded };
});
await h.step('setResource', async () => {
  await stigg.setResource('ws-1');
  // setResource starts loading without awaiting it; wait for the resource cache.
  return { isResourceLoaded: await waitFor(() => stigg.isResourceLoaded, 5000) };
});
await h.step('getMeteredEntitlement.resource', () =>
  stigg.getMeteredEntitlement({ featureId: 'feature-projects', resourceId: 'ws-1' }),
);
await h.step('getEntitlements.resource', () => stigg.getEntitlements('ws-1'));
await h.step('getActiveSubscriptionsList.resourceId', () => stigg.getActiveSubscriptionsList({ resourceId: 'ws-1' }));
await h.step('getActiveSubscriptionsList.resourceIds', () =>
  stigg.getActiveSubscriptionsList({ resourceId: ['ws-1', 'ws-2'] }),
);
await h.step('clearResource', () => {
  stigg.clearResource();
  return stigg.getMeteredEntitlement({ featureId: 'feature-projects', resourceId: 'ws-1' });
});

// Checkout landing page: the success URL carries subscriptionId and checkoutCompleted.
await h.step('setCustomerId.paid', () => stigg.setCustomerId(ids.paid));
await h.step('waitForCheckoutCompleted', () => {
  setLocationSearch(`?subscriptionId=${paidSubscriptionId ?? 'missing'}&checkoutCompleted=true`);
  return stigg.waitForCheckoutCompleted({ timeoutMs: 5000 });
});
await h.step('waitForCheckoutCompleted.cancelled', () => {
  setLocationSearch(`?subscriptionId=${paidSubscriptionId ?? 'missing'}&checkoutCompleted=false`);
  return stigg.waitForCheckoutCompleted({ timeoutMs: 2000 });
});
await h.step('waitForCheckoutCompleted.unknownSubscription', () => {
  setLocationSearch(`?subscriptionId=${prefix}-no-such-subscription&checkoutCompleted=true`);
  return stigg.waitForCheckoutCompleted({ timeoutMs: 1500 });
});

// refresh(): the cache keeps old usage until refresh() reloads over GraphQL.
await h.step('setCustomerId.usage', () => stigg.setCustomerId(ids.usage));
await h.step('getMeteredEntitlement.beforeUsage', () => stigg.getMeteredEntitlement({ featureId: 'feature-demo-03' }));
await h.step('setup.reportUsage', () =>
  server.reportUsage({ customerId: ids.usage, featureId: 'feature-demo-03', value: 1 }),
);
await h.step('getMeteredEntitlement.cachedAfterUsage', () =>
  stigg.getMeteredEntitlement({ featureId: 'feature-demo-03' }),
);
await h.step('refresh', async () => {
  await stigg.refresh();
  return 'refreshed';
});
await h.step('getMeteredEntitlement.afterRefresh', () => stigg.getMeteredEntitlement({ featureId: 'feature-demo-03' }));

await h.step('clearCustomer', () => {
  stigg.clearCustomer();
  return stigg.getBooleanEntitlement({ featureId: 'feature-demo-02' });
});
// Without a customer the paywall comes from the edge endpoint.
await h.step('getPaywall.edge', () => stigg.getPaywall({ productId: 'product-stigg', billingCountryCode: 'DK' }));
await h.step('getPaywall.edge.hiddenPlans', () =>
  stigg.getPaywall({ productId: 'product-stigg', includeHiddenPlans: true }),
);

// Offline mode: no key check, no network, only fallback entitlements.
const offline = Stigg.initialize({
  apiKey: 'local',
  customerId: '41XTDbE',
  offline: true,
  baseUri: 'http://127.0.0.1:9',
  baseEdgeUri: 'http://127.0.0.1:9',
  entitlementsFallback: {
    'feature-number-of-seats': { hasAccess: true },
    'feature-templates': { hasAccess: true, usageLimit: 10 },
  },
  logConfiguration: { logLevel: 'ERROR' },
});
await h.step('offline.waitForInitialization', async () => {
  await offline.waitForInitialization();
  return 'ready';
});
await h.step('offline.getBooleanEntitlement', () => offline.getBooleanEntitlement({ featureId: 'feature-number-of-seats' }));
await h.step('offline.getMeteredEntitlement', () => offline.getMeteredEntitlement({ featureId: 'feature-templates' }));
await h.step('offline.getBooleanEntitlement.unknown', () => offline.getBooleanEntitlement({ featureId: 'feature-demo-02' }));
await h.step('offline.getEntitlements', () => offline.getEntitlements());
await h.step('offline.getPaywall', () => offline.getPaywall());

await sleep(600); // let the batched entitlement-check report flush before exiting
h.note('ids', { ...ids, paidSubscriptionId });
for (const entry of exchanges) h.note('http', entry);
await h.finish();
