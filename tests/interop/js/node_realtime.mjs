// Real-time updates of Stigg's Node server SDK 3.95.0: it subscribes over graphql-transport-ws at
// {baseUri}/graphql and keeps its in-memory cache fresh from the pushes. We listen to
// `entitlementsUpdated` / `usageUpdated` and check they arrive after reportUsage and
// provisionSubscription. Assertions: tests/interop/test_node_realtime.py.
import { Harness, nodeServerSdk, sleep, waitFor } from './harness.mjs';

const h = await Harness.start();
const { serverKey, prefix, eventTimeoutMs = 5000 } = h.input;
const stigg = nodeServerSdk(h.input, serverKey, { realtimeUpdatesEnabled: true });
const customerId = `${prefix}-rt`;
const received = { entitlementsUpdated: [], usageUpdated: [] };
stigg.addListener('entitlementsUpdated', (data) => {
  received.entitlementsUpdated.push(data);
  h.note('entitlementsUpdated', data);
});
stigg.addListener('usageUpdated', (data) => {
  received.usageUpdated.push(data);
  h.note('usageUpdated', data);
});

await h.ready(stigg);
// graphql-ws connects on the first subscribe; give the handshake a moment before the first write.
await sleep(300);

await h.step('provisionCustomer', () =>
  stigg.provisionCustomer({
    customerId,
    billingInfo: { paymentMethodId: 'pm_card_visa' },
    subscriptionParams: { planId: 'plan-stigg-starter' },
  }),
);
// usageUpdated is only emitted for customers the SDK already holds in its cache.
await h.step('getMeteredEntitlement.beforeUsage', () =>
  stigg.getMeteredEntitlement({ customerId, featureId: 'feature-demo-03' }),
);
await h.step('reportUsage', () => stigg.reportUsage({ customerId, featureId: 'feature-demo-03', value: 1 }));
await h.step('usageUpdated.received', () =>
  waitFor(
    () =>
      received.usageUpdated.find(
        (e) => e?.usage?.customerId === customerId && e?.usage?.featureId === 'feature-demo-03',
      ),
    eventTimeoutMs,
  ).then((e) => e ?? Promise.reject(new Error('no usageUpdated push for the customer'))),
  eventTimeoutMs + 1000,
);
await h.step('provisionSubscription', () =>
  stigg.provisionSubscription({ customerId, planId: 'plan-stigg-pro', billingPeriod: 'MONTHLY' }),
);
await h.step('entitlementsUpdated.received', () =>
  waitFor(
    () =>
      received.entitlementsUpdated.find(
        (e) =>
          e?.customerId === customerId &&
          (e.entitlements ?? []).some((ent) => ent?.feature?.refId === 'feature-api-calls'),
      ),
    eventTimeoutMs,
  ).then((e) => e ?? Promise.reject(new Error('no entitlementsUpdated push with the pro plan entitlements'))),
  eventTimeoutMs + 1000,
);
await h.step('getMeteredEntitlement.afterUpgrade', () =>
  stigg.getMeteredEntitlement({ customerId, featureId: 'feature-demo-03' }),
);
h.note('customerId', customerId);
stigg.close();
await h.finish();
