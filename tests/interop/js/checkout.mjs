// The embedded-checkout calls with Stigg's own SDKs against the emulator: getCheckoutState,
// previewSubscription and applySubscription of the browser SDK (@stigg/js-client-sdk 3.35.0) and
// previewSubscription / applySubscription of the Node server SDK (3.95.0). The Python SDK makes
// the same calls for the same customers in tests/interop/test_interop_checkout.py.
import { Harness, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, clientKey, serverKey, prefix } = h.input;
globalThis.window = { location: { search: '', href: 'http://127.0.0.1/' } };

const Stigg = requireFromRepo('@stigg/js-client-sdk').default;
const { Stigg: ServerStigg } = requireFromRepo('@stigg/node-server-sdk');

const server = ServerStigg.initialize({
  apiKey: serverKey,
  baseUri,
  baseEdgeUri: edgeUri,
  realtimeUpdatesEnabled: false,
  logConfiguration: { logLevel: 'ERROR' },
});
await h.step('setup.waitForInitialization', async () => {
  await server.waitForInitialization();
  return 'ready';
});
// One customer on Starter reads and previews; four with a card apply (Stigg's two SDKs, ours).
const ids = {
  reader: `${prefix}-ck-reader`,
  jsApply: `${prefix}-ck-js-apply`,
  nodeApply: `${prefix}-ck-node-apply`,
  pyApply: `${prefix}-ck-py-apply`,
  pyServerApply: `${prefix}-ck-py-server-apply`,
};
await h.step('setup.reader', () =>
  server.provisionCustomer({ customerId: ids.reader, subscriptionParams: { planId: 'plan-stigg-starter' } }),
);
for (const key of ['jsApply', 'nodeApply', 'pyApply', 'pyServerApply']) {
  await h.step(`setup.${key}`, () =>
    server.provisionCustomer({
      customerId: ids[key],
      billingInfo: { paymentMethodId: 'pm_card_visa' },
      subscriptionParams: null,
    }),
  );
}
const twoSeats = {
  planId: 'plan-stigg-team',
  billingPeriod: 'MONTHLY',
  billableFeatures: [{ featureId: 'feature-seats', quantity: 2 }],
};

const client = Stigg.initialize({
  apiKey: clientKey,
  baseUri,
  baseEdgeUri: edgeUri,
  customerId: ids.reader,
  logConfiguration: { logLevel: 'ERROR' },
});
await h.step('client.waitForInitialization', async () => {
  await client.waitForInitialization();
  return 'ready';
});
await h.step('client.getCheckoutState', () => client.getCheckoutState({ planId: 'plan-stigg-team' }));
await h.step('client.previewSubscription', () =>
  client.previewSubscription({ customerId: ids.reader, ...twoSeats, promotionCode: 'STIGG30' }),
);
await h.step('client.previewSubscription.unknownCode', () =>
  client.previewSubscription({ customerId: ids.reader, ...twoSeats, promotionCode: 'NO-SUCH-CODE' }),
);
await client.setCustomerId(ids.jsApply);
await h.step('client.applySubscription', () =>
  client.applySubscription({ ...twoSeats, skipTrial: true }),
);

await h.step('server.previewSubscription', () =>
  server.previewSubscription({
    customerId: ids.reader,
    ...twoSeats,
    billingInformation: { taxPercentage: 10 },
  }),
);
await h.step('server.applySubscription', () =>
  server.applySubscription({ customerId: ids.nodeApply, ...twoSeats, skipTrial: true }),
);
await h.finish();
