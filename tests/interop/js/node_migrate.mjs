// migrateSubscriptionToLatest with Stigg's Node server SDK 3.95.0 across a catalog change.
// Phase "provision" (catalog v1): a paid subscription. Phase "migrate" (emulator restarted with a
// catalog whose Pro price changed, so Pro has a new package version): read, migrate, read again.
// Assertions: tests/interop/test_interop_migration.py.
import { Harness, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, serverKey, prefix, phase, subscriptionId } = h.input;
const { Stigg, SubscriptionMigrationTime } = requireFromRepo('@stigg/node-server-sdk');
const stigg = Stigg.initialize({
  apiKey: serverKey,
  baseUri,
  baseEdgeUri: edgeUri,
  realtimeUpdatesEnabled: false,
  logConfiguration: { logLevel: 'ERROR' },
});
await h.step('waitForInitialization', async () => {
  await stigg.waitForInitialization();
  return 'ready';
});
if (phase === 'provision') {
  await h.step('provisionCustomer', () =>
    stigg.provisionCustomer({
      customerId: `${prefix}-migrate`,
      billingInfo: { paymentMethodId: 'pm_card_visa' },
      subscriptionParams: { planId: 'plan-stigg-pro', billingPeriod: 'MONTHLY' },
    }),
  );
} else {
  await h.step('getSubscription.before', () => stigg.getSubscription({ subscriptionId }));
  await h.step('migrateSubscriptionToLatest', () =>
    stigg.migrateSubscriptionToLatest({
      subscriptionId,
      subscriptionMigrationTime: SubscriptionMigrationTime.Immediate,
    }),
  );
  await h.step('getSubscription.after', () => stigg.getSubscription({ subscriptionId }));
}
await h.finish();
