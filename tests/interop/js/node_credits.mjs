// Credits through Stigg's Node server SDK 3.95.0 (getCreditBalance, getCreditGrants, grantCredits,
// voidCreditGrant) against the emulator's credits catalog. 3.95.0 emits no listener event for a
// `creditBalanceUpdated` push: it marks cached entitlements of features burning that currency
// `InsufficientCredits` (balance <= 0), which the last step watches. The customer already holds
// a grant made by our SDK. Assertions: tests/interop/test_interop_credits.py.
import { Harness, requireFromRepo, sleep, waitFor } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, serverKey, customerId, currencyId, eventTimeoutMs = 5000 } = h.input;
const { Stigg } = requireFromRepo('@stigg/node-server-sdk');

const stigg = Stigg.initialize({
  apiKey: serverKey,
  baseUri,
  baseEdgeUri: edgeUri,
  logConfiguration: { logLevel: 'ERROR' },
});
const featureId = 'feature-summaries'; // burns 2 credits a unit

await h.step('waitForInitialization', async () => {
  await stigg.waitForInitialization();
  return 'ready';
});
// graphql-ws connects on the first subscribe; give the handshake a moment before the first write.
await sleep(300);
await h.step('getMeteredEntitlement.before', () => stigg.getMeteredEntitlement({ customerId, featureId }));

const granted = await h.step('grantCredits', () =>
  stigg.grantCredits({
    customerId,
    currencyId,
    amount: 100,
    displayName: 'Granted from Node',
    grantType: 'PAID',
    cost: { amount: 10, currency: 'USD' },
    priority: 3,
  }),
);
await h.step('getCreditBalance.afterGrant', () => stigg.getCreditBalance({ customerId, currencyId }));
await h.step('getCreditGrants', () => stigg.getCreditGrants({ customerId, currencyId }));
await h.step('voidCreditGrant', () => stigg.voidCreditGrant({ id: granted?.grantId }));
await h.step('reportUsage', () => stigg.reportUsage({ customerId, featureId, value: 25 }));
await h.step('getMeteredEntitlement.afterPush', () =>
  waitFor(async () => {
    const entitlement = await stigg.getMeteredEntitlement({ customerId, featureId });
    return entitlement.accessDeniedReason === 'InsufficientCredits' ? entitlement : null;
  }, eventTimeoutMs).then((e) => e ?? Promise.reject(new Error('the push did not reach the cache'))),
  eventTimeoutMs + 1000,
);
stigg.close();
await h.finish();
