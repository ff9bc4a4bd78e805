// The same reads through the edge endpoints (default) and through GraphQL (`enableEdge: false`)
// with both SDKs, so the GraphQL twins of the edge reads (GetEntitlements, GetActiveSubscriptionsList,
// GetPaywall without a customer, GetSdkConfiguration) are exercised too. Python compares the pairs
// (tests/interop/test_interop_edge_parity.py).
import { Harness, nodeServerSdk, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, clientKey, serverKey } = h.input;
const Stigg = requireFromRepo('@stigg/js-client-sdk').default;
const customerId = 'customer-demo-01';

for (const [mode, enableEdge] of [
  ['edge', true],
  ['graphql', false],
]) {
  const server = nodeServerSdk(h.input, serverKey, { enableEdge });
  await h.ready(server, `node.${mode}.waitForInitialization`);
  await h.step(`node.${mode}.getEntitlements`, () => server.getEntitlements(customerId));
  await h.step(`node.${mode}.getMeteredEntitlement`, () =>
    server.getMeteredEntitlement({ customerId, featureId: 'feature-demo-03' }),
  );
  await h.step(`node.${mode}.getActiveSubscriptionsList`, () =>
    server.getActiveSubscriptionsList({ customerId }),
  );
  await h.step(`node.${mode}.getPaywall`, () =>
    server.getPaywall({ productId: 'product-stigg', billingCountryCode: 'DK' }),
  );
  server.close();

  const browser = Stigg.initialize({
    apiKey: clientKey,
    customerId,
    baseUri,
    baseEdgeUri: edgeUri,
    enableEdge,
    logConfiguration: { logLevel: 'ERROR' },
  });
  await h.step(`browser.${mode}.waitForInitialization`, async () => {
    await browser.waitForInitialization();
    return { isCustomerLoaded: browser.isCustomerLoaded };
  });
  await h.step(`browser.${mode}.getEntitlements`, () => browser.getEntitlements());
  await h.step(`browser.${mode}.getActiveSubscriptionsList`, () => browser.getActiveSubscriptionsList());
  await h.step(`browser.${mode}.getPaywall`, () => {
    browser.clearCustomer(); // without a customer the paywall is an edge read (or its twin)
    return browser.getPaywall({ productId: 'product-stigg', includeHiddenPlans: true });
  });
}
await h.finish();
