// Keys and customer tokens with Stigg's browser SDK 3.35.0 (X-API-KEY, X-CUSTOMER-KEY) and the Node
// SDK's key check, against an emulator started with a signing secret. Python computes the tokens
// (hex HMAC-SHA256 of the customer id). Assertions: tests/interop/test_interop_auth.py.
import { Harness, nodeServerSdk, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, clientKey, serverKey, customerId, goodToken, otherToken } = h.input;
const Stigg = requireFromRepo('@stigg/js-client-sdk').default;

const quiet = { logConfiguration: { logLevel: 'NONE' } };
const server = nodeServerSdk(h.input, serverKey, quiet);
await h.step('setup.provisionCustomer', () =>
  server.provisionCustomer({ customerId, subscriptionParams: { planId: 'plan-stigg-starter' } }),
);

const browser = (options) =>
  Stigg.initialize({ baseUri, baseEdgeUri: edgeUri, logConfiguration: { logLevel: 'NONE' }, ...options });

const good = browser({ apiKey: clientKey, customerId, customerToken: goodToken });
await h.step('goodToken.waitForInitialization', async () => {
  await good.waitForInitialization();
  return { isCustomerLoaded: good.isCustomerLoaded };
});
await h.step('goodToken.getBooleanEntitlement', () => good.getBooleanEntitlement({ featureId: 'feature-demo-02' }));
await h.step('goodToken.getCustomer', () => good.getCustomer());
await h.step('goodToken.refresh', async () => {
  await good.refresh();
  return 'refreshed';
});

// A valid token, but for another customer.
const mismatched = browser({ apiKey: clientKey, customerId, customerToken: otherToken });
await h.step('otherToken.waitForInitialization', async () => {
  await mismatched.waitForInitialization();
  return { isCustomerLoaded: mismatched.isCustomerLoaded };
});
await h.step('otherToken.getBooleanEntitlement', () =>
  mismatched.getBooleanEntitlement({ featureId: 'feature-demo-02' }),
);
await h.step('otherToken.getCustomer', () => mismatched.getCustomer());

const missing = browser({ apiKey: clientKey, customerId });
await h.step('noToken.waitForInitialization', async () => {
  await missing.waitForInitialization();
  return { isCustomerLoaded: missing.isCustomerLoaded };
});

const badKey = browser({ apiKey: 'not-a-key', customerId, customerToken: goodToken });
await h.ready(badKey, 'badKey.waitForInitialization');

const badServer = nodeServerSdk(h.input, 'not-a-server-key', quiet);
await h.ready(badServer, 'badServerKey.waitForInitialization');
// The client key may read but not manage: the Node SDK given the client key cannot provision.
const clientAsServer = nodeServerSdk(h.input, clientKey, quiet);
await h.step('clientKey.provisionCustomer', () =>
  clientAsServer.provisionCustomer({ customerId: `${customerId}-by-client`, subscriptionParams: null }),
);
await h.finish();
